/**
 * The device grant, PAR and token exchange across replicas (docs/replicas.md, docs/device-exchange-par.md):
 * two in-process apps on one real redis-server. What one replica hands out (a device code, a
 * request_uri, an access token) the other takes, and a use racing over both replicas has one winner.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { ALICE, DEFAULT_AS, FORM, SERVICE, WEB, basic, form, post, signIn } from '../helpers/app.js'
import { autoSignIn, pkcePair, redeem, redirectParams, WEB_REDIRECT } from '../helpers/authorize.js'
import { control } from '../helpers/control.js'
import { ACCESS_TOKEN_TYPE, DEVICE_GRANT, EXCHANGE_GRANT, withNewGrants } from '../helpers/grants-config.js'
import { replicaPair } from '../helpers/replicas.js'
import type { Config } from '../../src/config/types.js'

const setup = (c: Config) => {
  withNewGrants(c)
  autoSignIn(WEB.id)(c)
}
const startDevice = async (app: FastifyInstance) =>
  (await app.inject({ method: 'POST', url: `${DEFAULT_AS}/device/authorize`, headers: FORM, payload: form({ client_id: 'native-app', scope: 'openid offline_access' }) })).json<{
    device_code: string
    user_code: string
  }>()
const poll = (app: FastifyInstance, deviceCode: string) => post(app, 'token', { grant_type: DEVICE_GRANT, client_id: 'native-app', device_code: deviceCode })

t.test('a device code from A, approved through the control plane of B, polled to tokens on A', async (t) => {
  const pair = await replicaPair(t, { change: setup })
  if (!pair) return
  const { a, b } = pair
  const device = await startDevice(a.app)
  t.equal((await poll(a.app, device.device_code)).json().error, 'authorization_pending')
  // B's activation page knows the code A handed out.
  t.match((await b.app.inject({ url: `/activate?user_code=${device.user_code}` })).body, /Sign in/)
  const approved = await control(b.app, 'POST', `/device/${device.user_code}/approve`, { user: ALICE.username })
  t.equal(approved.statusCode, 200, approved.statusCode < 400 ? 'approved' : approved.body)
  t.equal((await control(a.app, 'POST', `/device/${device.user_code}/deny`)).statusCode, 409, 'A sees the answer given on B')
  // The clock moved on A moves B's too; the next poll is on time.
  await control(a.app, 'POST', '/clock/advance', { seconds: 2 })
  const tokens = await poll(a.app, device.device_code)
  t.equal(tokens.statusCode, 200, tokens.statusCode < 400 ? 'tokens' : tokens.body)
  t.ok(tokens.json().id_token && tokens.json().refresh_token)
  await control(b.app, 'POST', '/clock/advance', { seconds: 2 })
  t.equal((await poll(b.app, device.device_code)).json().error, 'invalid_grant', 'used up for B too')
  // Refreshed on B: the family A issued lives in Redis.
  t.equal((await post(b.app, 'token', { grant_type: 'refresh_token', client_id: 'native-app', refresh_token: tokens.json().refresh_token })).statusCode, 200)
})

t.test('polls of one approved device code racing over both replicas: one winner', async (t) => {
  const pair = await replicaPair(t, { change: setup })
  if (!pair) return
  const { a, b } = pair
  for (let burst = 0; burst < 10; burst++) {
    const device = await startDevice(b.app)
    await control(a.app, 'POST', `/device/${device.user_code}/approve`, { user: ALICE.username })
    const polls = await Promise.all(Array.from({ length: 8 }, (_, i) => poll(i % 2 ? a.app : b.app, device.device_code)))
    t.equal(polls.filter((p) => p.statusCode === 200).length, 1, `burst ${burst}: one winner`)
    t.equal(polls.filter((p) => p.statusCode === 400 && p.json().error === 'invalid_grant').length, 7, `burst ${burst}: the rest invalid_grant`)
  }
})

t.test('a request_uri pushed on A is used at /authorize on B, once across both', async (t) => {
  const pair = await replicaPair(t, { change: setup })
  if (!pair) return
  const { a, b } = pair
  const push = async (app: FastifyInstance, state: string) => {
    const { verifier, challenge } = pkcePair()
    const params = { response_type: 'code', scope: 'openid', redirect_uri: WEB_REDIRECT, state, code_challenge: challenge, code_challenge_method: 'S256' }
    const res = await app.inject({ method: 'POST', url: `${DEFAULT_AS}/par`, headers: { ...FORM, authorization: basic(WEB.id, WEB.secret) }, payload: form(params) })
    t.equal(res.statusCode, 201, res.statusCode < 400 ? 'res' : res.body)
    return { uri: res.json<{ request_uri: string }>().request_uri, verifier }
  }
  const use = (app: FastifyInstance, uri: string) => app.inject({ method: 'GET', url: `${DEFAULT_AS}/authorize?${form({ client_id: WEB.id, request_uri: uri })}` })
  const { uri, verifier } = await push(a.app, 'from-a')
  const used = await use(b.app, uri)
  t.equal(used.statusCode, 302, used.statusCode < 400 ? 'used' : used.body)
  t.equal(redirectParams(used)['state'], 'from-a', 'B ran the request A stored')
  const code = redirectParams(used)['code']!
  const tokens = await redeem(a.app, code, verifier, { client_id: WEB.id, client_secret: WEB.secret, redirect_uri: WEB_REDIRECT })
  t.equal(tokens.statusCode, 200, tokens.statusCode < 400 ? 'tokens' : tokens.body)
  t.match((await use(a.app, uri)).body, /The authorize request_uri is invalid\./, 'A sees it used on B')

  for (let burst = 0; burst < 10; burst++) {
    const pushed = await push(burst % 2 ? a.app : b.app, `race-${burst}`)
    const uses = await Promise.all(Array.from({ length: 8 }, (_, i) => use(i % 2 ? a.app : b.app, pushed.uri)))
    t.equal(uses.filter((u) => u.statusCode === 302 && redirectParams(u)['code']).length, 1, `burst ${burst}: one code`)
    t.equal(uses.filter((u) => u.statusCode === 400).length, 7, `burst ${burst}: the rest refused`)
  }
})

t.test("a user's access token from A exchanged on B; revoked on A, refused on B", async (t) => {
  const pair = await replicaPair(t, { change: setup })
  if (!pair) return
  const { a, b } = pair
  const user = await signIn(a.app, { scope: 'openid' })
  const exchange = () =>
    post(
      b.app,
      'token',
      { grant_type: EXCHANGE_GRANT, subject_token: user.access_token, subject_token_type: ACCESS_TOKEN_TYPE, audience: 'api://api2', scope: 'api:read' },
      { authorization: basic(SERVICE.id, SERVICE.secret), server: 'api2' },
    )
  const ok = await exchange()
  t.equal(ok.statusCode, 200, ok.statusCode < 400 ? 'ok' : ok.body)
  t.equal(ok.json().issued_token_type, ACCESS_TOKEN_TYPE)
  await control(a.app, 'POST', '/tokens/revoke', { token: user.access_token })
  t.equal((await exchange()).json().error, 'invalid_grant')
})
