/**
 * The grants that came after DPoP bind a DPoP client's tokens to its key too (RFC 9449 §5,
 * docs/dpop.md): a client that requires DPoP never gets a Bearer token from the device grant.
 */
import { decodeJwt } from 'jose'
import type { LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { ALICE, DEFAULT_AS, FORM, buildTestApp, form, type TestApp } from '../helpers/app.js'
import { control } from '../helpers/control.js'
import { KEYS } from '../helpers/dpop-bad-input.js'
import { addDpopClients, dpopProof, postWith, type ProofKey } from '../helpers/dpop.js'
import { DEVICE_GRANT, withNewGrants } from '../helpers/grants-config.js'

const nowOf = (app: TestApp): number => Math.floor(app.clock.nowMs() / 1000)

/** A token request with a proof of `key`, through the nonce dance (one retry, as okta-auth-js does). */
async function withNonce(a: TestApp, params: Record<string, string>, key: ProofKey): Promise<LightMyRequestResponse> {
  const first = await postWith(a.app, 'token', params, { dpop: await dpopProof(key, nowOf(a)) })
  if (first.statusCode !== 400 || first.json<{ error: string }>().error !== 'use_dpop_nonce') return first
  return postWith(a.app, 'token', params, { dpop: await dpopProof(key, nowOf(a), { nonce: first.headers['dpop-nonce'] as string }) })
}

t.test('the device grant issues DPoP-bound tokens to a client that requires DPoP', async (t) => {
  const a = await buildTestApp(t, {
    change: (c) => {
      withNewGrants(c)
      addDpopClients(c, KEYS)
      c.clients.find((x) => x.id === 'dpop-native')!.grantTypes.push(DEVICE_GRANT)
    },
  })
  const started = await a.app.inject({
    method: 'POST',
    url: `${DEFAULT_AS}/device/authorize`,
    headers: FORM,
    payload: form({ client_id: 'dpop-native', scope: 'openid offline_access' }),
  })
  t.equal(started.statusCode, 200, started.body)
  const { device_code, user_code } = started.json<{ device_code: string; user_code: string }>()
  t.equal((await control(a.app, 'POST', `/device/${user_code}/approve`, { user: ALICE.username })).statusCode, 200)
  a.clock.advance(6)

  const poll = { grant_type: DEVICE_GRANT, client_id: 'dpop-native', device_code }
  const withoutProof = await postWith(a.app, 'token', poll)
  t.equal(withoutProof.json<{ error: string }>().error, 'invalid_dpop_proof', 'without a proof nothing is issued')

  const res = await withNonce(a, poll, KEYS.dpop)
  t.equal(res.statusCode, 200, res.body)
  const body = res.json<{ token_type: string; access_token: string; refresh_token?: string }>()
  t.equal(body.token_type, 'DPoP')
  t.same(decodeJwt(body.access_token)['cnf'], { jkt: KEYS.dpop.jkt }, 'the access token is bound to the key')
  t.ok(body.refresh_token, 'offline_access gives a refresh token')

  // The public client's refresh token is bound too: another key cannot use it.
  const refresh = { grant_type: 'refresh_token', client_id: 'dpop-native', refresh_token: body.refresh_token! }
  t.equal((await withNonce(a, refresh, KEYS.other)).json<{ error_description: string }>().error_description, 'Invalid DPoP Public Key binding in refresh token')
  t.equal((await withNonce(a, refresh, KEYS.dpop)).statusCode, 200, 'its own key refreshes')
})
