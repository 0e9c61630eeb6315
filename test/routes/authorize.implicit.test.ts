/**
 * Implicit and hybrid response types (OIDC Core §3.2, §3.3) for clients with the implicit grant:
 * tokens in the fragment, ID tokens bound by nonce, at_hash and c_hash, and their errors.
 */
import t from 'tap'
import { ALICE, buildTestApp, DEFAULT_AS } from '../helpers/app.js'
import { authorize, authorizeParams, autoSignIn, pkcePair, redeem, redirectParams, SPA } from '../helpers/authorize.js'
import { oktaWire } from '../helpers/okta-catalogue.js'
import { atHash, claimsOf } from '../helpers/token-response.js'
import type { Config } from '../../src/config/types.js'

const withImplicit = (c: Config) => {
  autoSignIn(SPA.id)(c)
  c.clients.find((x) => x.id === SPA.id)!.grantTypes.push('implicit')
}

t.test('id_token token: both in the fragment, no code, no refresh token; the ID token binds the access token', async (t) => {
  const { app } = await buildTestApp(t, { change: withImplicit })
  const res = await authorize(app, authorizeParams('', { response_type: 'id_token token', code_challenge: undefined, code_challenge_method: undefined }))
  t.equal(new URL(String(res.headers['location'])).search, '', 'nothing in the query')
  const params = redirectParams(res, 'fragment')
  t.match(params, { token_type: 'Bearer', expires_in: '3600', scope: 'openid profile email', state: 'state-123' })
  t.equal(params['code'], undefined)
  t.equal(params['refresh_token'], undefined)
  const id = claimsOf(params['id_token']!)
  t.match(id, { sub: ALICE.id, aud: SPA.id, nonce: 'nonce-123', at_hash: atHash(params['access_token']!) })
  t.equal(id['c_hash'], undefined)
  t.match(claimsOf(params['access_token']!), { uid: ALICE.id, scp: ['openid', 'profile', 'email'] })
  const info = await app.inject({ method: 'GET', url: `${DEFAULT_AS}/userinfo`, headers: { authorization: `Bearer ${params['access_token']}` } })
  t.equal(info.json().sub, ALICE.id, 'the access token works')
})

t.test('id_token alone: no access token, no at_hash; token alone: no ID token', async (t) => {
  const { app } = await buildTestApp(t, { change: withImplicit })
  const noPkce = { code_challenge: undefined, code_challenge_method: undefined }
  const idOnly = redirectParams(await authorize(app, authorizeParams('', { response_type: 'id_token', ...noPkce })), 'fragment')
  t.equal(idOnly['access_token'], undefined)
  t.match(claimsOf(idOnly['id_token']!), { nonce: 'nonce-123', name: 'Alice Anderson' })
  t.equal(claimsOf(idOnly['id_token']!)['at_hash'], undefined)
  const tokenOnly = redirectParams(await authorize(app, authorizeParams('', { response_type: 'token', scope: 'api:read', ...noPkce })), 'fragment')
  t.equal(tokenOnly['id_token'], undefined)
  t.equal(tokenOnly['scope'], 'api:read')
})

t.test('hybrid code id_token token: c_hash binds the code, which redeems as usual (with its refresh token)', async (t) => {
  const { app } = await buildTestApp(t, { change: withImplicit })
  const { verifier, challenge } = pkcePair()
  const params = redirectParams(await authorize(app, authorizeParams(challenge, { response_type: 'code id_token token' })), 'fragment')
  const id = claimsOf(params['id_token']!)
  t.equal(id['c_hash'], atHash(params['code']!), 'c_hash is computed like at_hash')
  t.equal(id['at_hash'], atHash(params['access_token']!))
  const redeemed = await redeem(app, params['code']!, verifier)
  t.equal(redeemed.statusCode, 200)
  t.type(redeemed.json().refresh_token, 'string', 'offline_access works through the code')
  const formPost = await authorize(app, authorizeParams(challenge, { response_type: 'token id_token code', response_mode: 'form_post' }))
  t.match(formPost.body, /name="access_token"/, 'any order of the parts; form_post allowed')
})

const CONFIGURED = 'code, token, id_token, id_token token, code id_token, code token, code id_token token'
/** Case, parameters, where the error arrives (a malformed response_type falls back to query), code, args. */
const ERRORS: Array<[string, Record<string, string | undefined>, 'query' | 'fragment', string, ...string[]]> = [
  ['no nonce', { response_type: 'id_token token', nonce: undefined }, 'fragment', 'invalid_nonce'],
  ['id_token without openid', { response_type: 'id_token', scope: 'profile' }, 'fragment', 'openid_scope_required'],
  ['tokens in the query', { response_type: 'token', response_mode: 'query' }, 'query', 'unsupported_response_mode_query_with_tokens'],
  ['unknown part', { response_type: 'code foo' }, 'query', 'unsupported_response_type', CONFIGURED],
  ['repeated part', { response_type: 'token token' }, 'query', 'unsupported_response_type', CONFIGURED],
]

t.test('implicit and hybrid errors, delivered in the fragment by default', async (t) => {
  const { app } = await buildTestApp(t, { change: withImplicit })
  for (const [name, overrides, part, code, ...args] of ERRORS) {
    const res = await authorize(app, authorizeParams('', { code_challenge: undefined, code_challenge_method: undefined, ...overrides }))
    t.strictSame(redirectParams(res, part), { ...oktaWire(code, ...args).body, state: 'state-123' }, name)
  }
})

t.test('a client without the implicit grant may not use token or id_token', async (t) => {
  const { app } = await buildTestApp(t, { change: autoSignIn(SPA.id) })
  const res = await authorize(app, authorizeParams('', { response_type: 'code id_token' }))
  t.strictSame(redirectParams(res, 'fragment'), { ...oktaWire('unsupported_response_type', 'code').body, state: 'state-123' })
})
