/**
 * DPoP (RFC 9449) as Okta runs it (docs/dpop.md): the nonce dance at /token, DPoP-bound tokens,
 * refresh tokens bound to a public client's key across rotation, grace and reuse detection, codes
 * bound with dpop_jkt, introspection, userinfo with the DPoP scheme, the nonce's rotation, and a
 * DPoP header from a client that does not require DPoP (ignored).
 */
import t, { type Test } from 'tap'
import { decodeJwt } from 'jose'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { ALICE, DEFAULT_AS, buildTestApp, post, type TestApp } from '../helpers/app.js'
import { authorizeParams, codeThroughForm, pkcePair, SPA } from '../helpers/authorize.js'
import { control } from '../helpers/control.js'
import { addDpopClients, dpopProof, dpopSignIn, postWith, proofKey, USERINFO_URL, type ProofKey } from '../helpers/dpop.js'
import { KEYS } from '../helpers/dpop-bad-input.js'
import { assertOktaError } from '../helpers/oauth-assert.js'
import { oktaWire } from '../helpers/okta-catalogue.js'
import { accessTokenHash } from '../../src/oauth/dpop-proof.js'
import { readRefreshToken } from '../../src/oauth/refresh-token.js'

const nowOf = (app: TestApp): number => Math.floor(app.clock.nowMs() / 1000)

async function app(t: Parameters<typeof buildTestApp>[0]): Promise<TestApp> {
  return buildTestApp(t, {
    change: (c) => {
      addDpopClients(c, KEYS)
      // The SPA requires DPoP here, for the dpop_jkt binding of its codes.
      c.clients.find((x) => x.id === SPA.id)!.dpopBoundAccessTokens = true
    },
  })
}

/** A token request with a proof of `key`, through the nonce dance (one retry, as okta-auth-js does). */
async function withNonce(a: TestApp, params: Record<string, string>, key: ProofKey, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  const first = await postWith(a.app, 'token', params, { ...headers, dpop: await dpopProof(key, nowOf(a)) })
  if (first.statusCode !== 400 || first.json<{ error: string }>().error !== 'use_dpop_nonce') return first
  return postWith(a.app, 'token', params, { ...headers, dpop: await dpopProof(key, nowOf(a), { nonce: first.headers['dpop-nonce'] as string }) })
}

const refreshParams = (rt: string) => ({ grant_type: 'refresh_token', client_id: 'dpop-native', refresh_token: rt })

/** Okta's challenge of a DPoP resource error (RFC 9449 §7.1), as /userinfo sends it. */
function assertDpopChallenge(t: Test, res: LightMyRequestResponse, code: string): void {
  const wire = oktaWire(code)
  t.equal(res.statusCode, wire.status, `${code}: status`)
  const challenge = String(res.headers['www-authenticate'])
  t.match(challenge, /^DPoP /, `${code}: the DPoP scheme`)
  t.ok(challenge.includes(`error="${wire.body.error}"`) && challenge.includes(`error_description="${wire.body.error_description}"`), `${code}: ${challenge}`)
}

async function userinfo(app: FastifyInstance, authorization: string, proof?: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url: `${DEFAULT_AS}/userinfo`, headers: { authorization, ...(proof !== undefined && { dpop: proof }) } })
}

t.test('the nonce dance: use_dpop_nonce with the DPoP-Nonce header, then DPoP-bound tokens', async (t) => {
  const a = await app(t)
  const params = { grant_type: 'password', client_id: 'dpop-native', username: ALICE.username, password: ALICE.password, scope: 'openid offline_access' }
  const first = await postWith(a.app, 'token', params, { dpop: await dpopProof(KEYS.dpop, nowOf(a)) })
  assertOktaError(t, first, 'use_dpop_nonce')
  const nonce = first.headers['dpop-nonce']
  t.match(nonce, /^[0-9a-z]+\.[A-Za-z0-9_-]{22}$/, 'a nonce in the header')
  t.equal((await a.ctx.store.stats()).families, 0, 'nothing issued')
  const res = await postWith(a.app, 'token', params, { dpop: await dpopProof(KEYS.dpop, nowOf(a), { nonce: nonce as string }) })
  t.equal(res.statusCode, 200, res.body)
  const body = res.json<{ token_type: string; access_token: string; refresh_token: string }>()
  t.equal(body.token_type, 'DPoP')
  t.strictSame(decodeJwt(body.access_token)['cnf'], { jkt: KEYS.dpop.jkt }, 'cnf.jkt is the thumbprint of the proof key')
  t.equal(res.headers['dpop-nonce'], nonce, 'the nonce comes back with the answer')
  t.ok(body.refresh_token)
})

t.test('a client that requires DPoP without a proof: invalid_dpop_proof, nothing issued', async (t) => {
  const a = await app(t)
  const res = await post(a.app, 'token', { grant_type: 'password', client_id: 'dpop-native', username: ALICE.username, password: ALICE.password, scope: 'openid' })
  assertOktaError(t, res, 'invalid_dpop_proof_missing_header')
})

t.test('a DPoP header from a client that does not require DPoP is ignored: Bearer tokens', async (t) => {
  const a = await app(t)
  const params = { grant_type: 'password', client_id: 'native-app', username: ALICE.username, password: ALICE.password, scope: 'openid' }
  for (const proof of [await dpopProof(KEYS.dpop, nowOf(a)), 'garbage']) {
    const res = await postWith(a.app, 'token', params, { dpop: proof })
    t.equal(res.statusCode, 200, res.body)
    t.equal(res.json<{ token_type: string }>().token_type, 'Bearer')
    t.equal(decodeJwt(res.json<{ access_token: string }>().access_token)['cnf'], undefined, 'no cnf')
    t.equal(res.headers['dpop-nonce'], undefined, 'no nonce')
  }
})

t.test("a public client's refresh tokens are bound to its key across rotation, grace and reuse detection", async (t) => {
  const a = await app(t)
  const { body } = await dpopSignIn(a.app, KEYS.dpop, nowOf(a))
  const rt0 = String(body['refresh_token'])
  const family = await a.ctx.store.findRefreshToken(readRefreshToken(rt0, a.ctx.tokenSecret)!)
  t.equal(family?.family.jkt, KEYS.dpop.jkt, 'the family is bound')

  const wrong = await withNonce(a, refreshParams(rt0), KEYS.other)
  assertOktaError(t, wrong, 'invalid_dpop_proof_invalid_public_key_binding')
  const none = await post(a.app, 'token', refreshParams(rt0))
  assertOktaError(t, none, 'invalid_dpop_proof_missing_header')

  const first = await withNonce(a, refreshParams(rt0), KEYS.dpop)
  t.equal(first.statusCode, 200, 'the right key still refreshes: nothing was consumed')
  const rt1 = first.json<{ refresh_token: string; token_type: string; access_token: string }>()
  t.equal(rt1.token_type, 'DPoP')
  t.not(rt1.refresh_token, rt0, 'rotated')
  t.strictSame(decodeJwt(rt1.access_token)['cnf'], { jkt: KEYS.dpop.jkt })

  const grace = await withNonce(a, refreshParams(rt0), KEYS.dpop)
  t.equal(grace.statusCode, 200, 'the previous token within the grace period, with the key')
  t.equal(grace.json<{ refresh_token: string }>().refresh_token, rt1.refresh_token, 'the same successor')
  assertOktaError(t, await withNonce(a, refreshParams(rt0), KEYS.other), 'invalid_dpop_proof_invalid_public_key_binding')

  a.clock.advance(31)
  const reuse = await withNonce(a, refreshParams(rt0), KEYS.dpop)
  assertOktaError(t, reuse, 'invalid_refresh_token')
  assertOktaError(t, await withNonce(a, refreshParams(rt1.refresh_token), KEYS.dpop), 'invalid_refresh_token')
})

t.test("a confidential client's refresh tokens are bound to its authentication, not a key", async (t) => {
  const a = await app(t)
  const auth = { authorization: `Basic ${Buffer.from('dpop-web:dpop-web-secret').toString('base64')}` }
  const params = { grant_type: 'password', username: ALICE.username, password: ALICE.password, scope: 'openid offline_access' }
  const signIn = await withNonce(a, params, KEYS.dpop, auth)
  t.equal(signIn.json<{ token_type: string }>().token_type, 'DPoP')
  const rt = signIn.json<{ refresh_token: string }>().refresh_token
  const res = await withNonce(a, { grant_type: 'refresh_token', refresh_token: rt }, KEYS.other, auth)
  t.equal(res.statusCode, 200, res.body)
  t.strictSame(decodeJwt(res.json<{ access_token: string }>().access_token)['cnf'], { jkt: KEYS.other.jkt }, 'bound to the new proof key')
})

t.test('a code bound with dpop_jkt is redeemed with a proof of that key only', async (t) => {
  const a = await app(t)
  const signIn = async (): Promise<{ code: string; verifier: string }> => {
    const { verifier, challenge } = pkcePair()
    const { code } = await codeThroughForm(a.app, authorizeParams(challenge, { dpop_jkt: KEYS.dpop.jkt }))
    return { code, verifier }
  }
  const redeem = (c: { code: string; verifier: string }, key: ProofKey) =>
    withNonce(a, { grant_type: 'authorization_code', client_id: SPA.id, code: c.code, redirect_uri: SPA.redirectUri, code_verifier: c.verifier }, key)
  assertOktaError(t, await redeem(await signIn(), KEYS.other), 'invalid_dpop_proof')
  const ok = await redeem(await signIn(), KEYS.dpop)
  t.equal(ok.statusCode, 200, ok.body)
  t.strictSame(decodeJwt(ok.json<{ access_token: string }>().access_token)['cnf'], { jkt: KEYS.dpop.jkt })
})

t.test('introspection of a DPoP-bound token: token_type DPoP and cnf (RFC 9449 §6.2)', async (t) => {
  const a = await app(t)
  const { body } = await dpopSignIn(a.app, KEYS.dpop, nowOf(a))
  const res = await post(a.app, 'introspect', { client_id: 'dpop-native', token: String(body['access_token']) })
  t.match(res.json(), { active: true, token_type: 'DPoP', cnf: { jkt: KEYS.dpop.jkt } })
})

t.test('userinfo: the DPoP scheme, a proof with ath, and every refusal in WWW-Authenticate', async (t) => {
  const a = await app(t)
  const { body } = await dpopSignIn(a.app, KEYS.dpop, nowOf(a))
  const at = String(body['access_token'])
  const proof = (o: Parameters<typeof dpopProof>[2] = {}, key = KEYS.dpop) => dpopProof(key, nowOf(a), { htm: 'GET', htu: USERINFO_URL, ath: accessTokenHash(at), ...o })

  const good = await proof()
  const ok = await userinfo(a.app, `DPoP ${at}`, good)
  t.equal(ok.statusCode, 200, ok.body)
  t.equal(ok.json<{ sub: string }>().sub, ALICE.id)
  assertDpopChallenge(t, await userinfo(a.app, `DPoP ${at}`, good), 'dpop_proof_already_used')
  assertDpopChallenge(t, await userinfo(a.app, `Bearer ${at}`, await proof()), 'dpop_authentication_scheme_required')
  assertDpopChallenge(t, await userinfo(a.app, `DPoP ${at}`), 'dpop_proof_required_for_token')
  assertDpopChallenge(t, await userinfo(a.app, `DPoP ${at}`, await proof({ ath: accessTokenHash('another token') })), 'dpop_proof_invalid_ath')
  assertDpopChallenge(t, await userinfo(a.app, `DPoP ${at}`, await proof({}, KEYS.other)), 'invalid_access_token_dpop_binding')
  assertDpopChallenge(t, await userinfo(a.app, `DPoP ${at}`, await proof({ htm: 'POST' })), 'invalid_dpop_proof_invalid_htm')

  const bearer = await post(a.app, 'token', { grant_type: 'password', client_id: 'native-app', username: ALICE.username, password: ALICE.password, scope: 'openid' })
  assertDpopChallenge(t, await userinfo(a.app, `DPoP ${bearer.json<{ access_token: string }>().access_token}`, await proof()), 'access_token_not_dpop_bound')
})

t.test('the nonce: rotated on the clock every 24 h with three days of overlap, and by the control plane now', async (t) => {
  const a = await app(t)
  const params = { grant_type: 'password', client_id: 'dpop-native', username: ALICE.username, password: ALICE.password, scope: 'openid' }
  const nonceNow = async () => (await postWith(a.app, 'token', params, { dpop: await dpopProof(KEYS.dpop, nowOf(a)) })).headers['dpop-nonce'] as string
  const accepted = async (nonce: string) => (await postWith(a.app, 'token', params, { dpop: await dpopProof(KEYS.dpop, nowOf(a), { nonce }) })).statusCode === 200
  const n0 = await nonceNow()
  const rotated = await control(a.app, 'POST', '/dpop/default/nonce/rotate')
  t.equal(rotated.statusCode, 200, rotated.body)
  const n1 = await nonceNow()
  t.not(n1, n0, 'a new nonce at once')
  t.equal(rotated.json<{ nonce: string }>().nonce, n1, 'the control answers the new nonce')
  t.ok(await accepted(n0), 'the previous nonce still works')
  a.clock.advance(86_400)
  const n2 = await nonceNow()
  t.not(n2, n1, 'renewed after 24 hours')
  t.ok(await accepted(n1), 'a day-old nonce still works')
  a.clock.advance(3 * 86_400)
  t.notOk(await accepted(n1), 'past the three days of overlap')
  t.ok(await accepted(await nonceNow()))
})

t.test('discovery advertises DPoP and the JWT client authentication methods', async (t) => {
  const a = await app(t)
  for (const url of ['/oauth2/default/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    const doc = (await a.app.inject({ method: 'GET', url })).json<Record<string, unknown>>()
    t.strictSame(doc['dpop_signing_alg_values_supported'], ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'], url)
    t.match(doc['token_endpoint_auth_methods_supported'], ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'])
    t.ok((doc['token_endpoint_auth_signing_alg_values_supported'] as string[]).includes('HS256'))
  }
  const org = (await a.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })).json<{ grant_types_supported: string[]; scopes_supported: string[] }>()
  t.ok(org.grant_types_supported.includes('client_credentials'), 'the org server offers client_credentials')
  t.ok(org.scopes_supported.includes('okta.users.read'), 'and the Okta API scopes')
})

t.test('CORS: a browser reads DPoP-Nonce at /token and may send the DPoP header', async (t) => {
  const a = await app(t)
  const origin = 'http://localhost:3000'
  const preflight = await a.app.inject({
    method: 'OPTIONS',
    url: `${DEFAULT_AS}/token`,
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,dpop' },
  })
  t.match(preflight.headers['access-control-allow-headers'], /dpop/i)
  const spa = await postWith(
    a.app,
    'token',
    { grant_type: 'authorization_code', client_id: SPA.id, code: 'x', redirect_uri: SPA.redirectUri },
    { origin, dpop: await dpopProof(KEYS.dpop, nowOf(a)) },
  )
  t.equal(spa.json<{ error: string }>().error, 'use_dpop_nonce')
  t.match(spa.headers['access-control-expose-headers'], /DPoP-Nonce/)
})

t.test('the journal records the key thumbprint, never the proof', async (t) => {
  const a = await app(t)
  const key = await proofKey('RS256')
  const { body } = await dpopSignIn(a.app, key, nowOf(a))
  const journal = await control(a.app, 'GET', '/journal')
  const entries = journal.json<Array<{ dpopJkt?: string; status: number }>>()
  t.ok(
    entries.some((e) => e.status === 200 && e.dpopJkt === key.jkt),
    'the thumbprint of the issued tokens',
  )
  t.notMatch(journal.body, String(body['access_token']).slice(0, 40), 'no token')
})

t.test('minting with dpopJkt: DPoP-bound tokens, and a public client’s family bound to the key', async (t) => {
  const a = await app(t)
  const res = await control(a.app, 'POST', '/tokens', { clientId: 'dpop-native', user: ALICE.username, scopes: 'openid offline_access', dpopJkt: KEYS.dpop.jkt })
  t.equal(res.statusCode, 200, res.body)
  const minted = res.json<{ token_type: string; access_token: string; refresh_token: string }>()
  t.equal(minted.token_type, 'DPoP')
  t.strictSame(decodeJwt(minted.access_token)['cnf'], { jkt: KEYS.dpop.jkt })
  assertOktaError(t, await withNonce(a, refreshParams(minted.refresh_token), KEYS.other), 'invalid_dpop_proof_invalid_public_key_binding')
  t.equal((await withNonce(a, refreshParams(minted.refresh_token), KEYS.dpop)).statusCode, 200, 'refreshed with its key')
  const bad = await control(a.app, 'POST', '/tokens', { clientId: 'dpop-native', scopes: 'openid', dpopJkt: 'not a thumbprint' })
  t.equal(bad.statusCode, 400, 'a malformed thumbprint is refused')
})
