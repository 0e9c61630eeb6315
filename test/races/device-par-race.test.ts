/**
 * Single use under concurrency for the device grant and PAR (docs/device-exchange-par.md; RFC 8628
 * §3.5, RFC 9126 §2.2): N parallel polls of one approved device code give tokens to exactly one, the
 * others Okta's invalid_grant; N parallel /authorize requests with one request_uri give one code, the
 * others the invalid_request_uri page. The store decides each use atomically (store/grant-records.ts).
 * N follows the refresh and code bursts: N ∈ {2, 4, 16, 64}, 100 bursts each.
 */
import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { ALICE, DEFAULT_AS, FORM, WEB, basic, buildTestApp, form, post } from '../helpers/app.js'
import { autoSignIn, pkcePair, redirectParams, WEB_REDIRECT } from '../helpers/authorize.js'
import { control } from '../helpers/control.js'
import { DEVICE_GRANT, withNewGrants } from '../helpers/grants-config.js'
import { oktaWire } from '../helpers/okta-catalogue.js'
import { record } from '../helpers/report.js'

const SIZES = [2, 4, 16, 64]
const BURSTS = Number(process.env['GRANT_BURSTS'] ?? 100)
const INVALID_DEVICE_CODE = JSON.stringify(oktaWire('invalid_device_code').body)

const setup = (c: Parameters<typeof withNewGrants>[0]) => {
  withNewGrants(c)
  autoSignIn(WEB.id)(c)
}

t.test('N parallel polls of one approved device code: exactly one gets tokens', async (t) => {
  const { app } = await buildTestApp(t, { change: setup })
  for (const n of SIZES) {
    let good = 0
    let serverErrors = 0
    for (let b = 0; b < BURSTS; b++) {
      // No openid: one signature per winner keeps the bursts quick.
      const started = await app.inject({
        method: 'POST',
        url: `${DEFAULT_AS}/device/authorize`,
        headers: FORM,
        payload: form({ client_id: 'native-app', scope: 'offline_access' }),
      })
      const { device_code, user_code } = started.json<{ device_code: string; user_code: string }>()
      await control(app, 'POST', `/device/${user_code}/approve`, { user: ALICE.username })
      const polls = await Promise.all(Array.from({ length: n }, () => post(app, 'token', { grant_type: DEVICE_GRANT, client_id: 'native-app', device_code })))
      serverErrors += polls.filter((p) => p.statusCode >= 500).length
      const winners = polls.filter((p) => p.statusCode === 200 && typeof p.json<{ access_token?: string }>().access_token === 'string').length
      const losers = polls.filter((p) => p.statusCode === 400 && p.body === INVALID_DEVICE_CODE).length
      if (winners === 1 && losers === n - 1) good++
    }
    record('race', { kind: 'device-poll', n, bursts: BURSTS, good, serverErrors })
    t.equal(good, BURSTS, `${n} at once: one winner in every burst, the rest invalid_grant`)
    t.equal(serverErrors, 0, `${n} at once: no 5xx`)
  }
})

const isInvalidUriPage = (res: LightMyRequestResponse) => res.statusCode === 400 && res.body.includes('The authorize request_uri is invalid.')

t.test('N parallel uses of one request_uri: exactly one authorization code', async (t) => {
  const { app } = await buildTestApp(t, { change: setup })
  for (const n of SIZES) {
    let good = 0
    let serverErrors = 0
    for (let b = 0; b < BURSTS; b++) {
      const params = {
        response_type: 'code',
        scope: 'offline_access',
        redirect_uri: WEB_REDIRECT,
        state: `s${b}`,
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      }
      const pushed = await app.inject({ method: 'POST', url: `${DEFAULT_AS}/par`, headers: { ...FORM, authorization: basic(WEB.id, WEB.secret) }, payload: form(params) })
      const uri = pushed.json<{ request_uri: string }>().request_uri
      const uses = await Promise.all(
        Array.from({ length: n }, () => app.inject({ method: 'GET', url: `${DEFAULT_AS}/authorize?${form({ client_id: WEB.id, request_uri: uri })}` })),
      )
      serverErrors += uses.filter((u) => u.statusCode >= 500).length
      const winners = uses.filter((u) => u.statusCode === 302 && redirectParams(u)['code'] !== undefined).length
      const losers = uses.filter(isInvalidUriPage).length
      if (winners === 1 && losers === n - 1) good++
    }
    record('race', { kind: 'request-uri', n, bursts: BURSTS, good, serverErrors })
    t.equal(good, BURSTS, `${n} at once: one code in every burst, the rest the invalid request_uri page`)
    t.equal(serverErrors, 0, `${n} at once: no 5xx`)
  }
})
