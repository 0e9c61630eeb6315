/**
 * The refresh_token grant: request, response and scope rules (docs/okta-behaviour.md § 2.4; RFC 6749 §6), and what
 * is not a usable refresh token (docs/reliability.md § #66, #67, #70–#75). Rotation: token.refresh-rotation;
 * expiry: token.refresh-lifetimes.
 */
import t from 'tap'
import { ALICE, SERVICE, basic, buildTestApp, introspect, post, refresh, signIn } from '../helpers/app.js'
import { familyIdOf, reuseEvents } from '../helpers/refresh-family.js'
import { REFRESH_TOKEN, assertTokenError, atHash, claimsOf, tokenBody } from '../helpers/token-response.js'

const FULL = 'openid profile email offline_access'

t.test('response: members in Okta order, no-store headers, a new refresh token', async (t) => {
  const { app } = await buildTestApp(t)
  const signedIn = await signIn(app)
  const body = tokenBody(t, await refresh(app, signedIn.refresh_token))
  t.strictSame(Object.keys(body), ['token_type', 'expires_in', 'access_token', 'scope', 'refresh_token', 'id_token'])
  t.match(body, { token_type: 'Bearer', expires_in: 3600, scope: FULL })
  t.match(body.refresh_token, REFRESH_TOKEN)
  t.not(body.refresh_token, signedIn.refresh_token)
})

t.test('tokens of a refresh: same family, original auth_time, new iat, at_hash of the new access token', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const signInTime = clock.nowMs() / 1000
  const signedIn = await signIn(app)
  clock.advance(600)
  const body = tokenBody(t, await refresh(app, signedIn.refresh_token))
  const at = claimsOf(body.access_token)
  t.match(at, { iat: signInTime + 600, exp: signInTime + 4200, auth_time: signInTime, cid: 'native-app', sub: ALICE.username })
  t.equal(familyIdOf(body.access_token), familyIdOf(signedIn.access_token))
  t.not(at.jti, claimsOf(signedIn.access_token).jti)
  const id = claimsOf(body.id_token!)
  t.match(id, { iat: signInTime + 600, auth_time: signInTime, aud: 'native-app', at_hash: atHash(body.access_token) })
  t.equal(id['nonce'], undefined)
})

t.test('scope omitted → the original grant', async (t) => {
  const { app } = await buildTestApp(t)
  const body = tokenBody(t, await refresh(app, (await signIn(app)).refresh_token))
  t.equal(body.scope, FULL)
  t.strictSame(claimsOf(body.access_token)['scp'], ['openid', 'profile', 'email', 'offline_access'])
})

t.test('narrower scope works; the family keeps the original scope (docs/reliability.md § #75)', async (t) => {
  const { app } = await buildTestApp(t)
  const narrow = tokenBody(t, await refresh(app, (await signIn(app)).refresh_token, { scope: 'openid offline_access' }))
  t.equal(narrow.scope, 'openid offline_access')
  t.strictSame(claimsOf(narrow.access_token)['scp'], ['openid', 'offline_access'])
  t.equal(claimsOf(narrow.id_token!)['email'], undefined, 'ID token without the dropped scopes')
  t.match(narrow.refresh_token, REFRESH_TOKEN)
  const again = tokenBody(t, await refresh(app, narrow.refresh_token!))
  t.equal(again.scope, FULL, 'the next refresh without scope gets the original grant back')
  t.equal(claimsOf(again.id_token!)['email'], ALICE.username)
})

t.test('ID token only with openid in the effective scope', async (t) => {
  const { app } = await buildTestApp(t)
  const body = tokenBody(t, await refresh(app, (await signIn(app)).refresh_token, { scope: 'profile offline_access' }))
  t.strictSame(Object.keys(body), ['token_type', 'expires_in', 'access_token', 'scope', 'refresh_token'])
  const noOpenid = tokenBody(t, await refresh(app, (await signIn(app, { scope: 'offline_access api:read' })).refresh_token))
  t.equal(noOpenid.id_token, undefined)
  t.equal(noOpenid.scope, 'offline_access api:read')
})

t.test('without offline_access: no refresh token back, and the presented one stays usable', async (t) => {
  const { app, logs } = await buildTestApp(t)
  const signedIn = await signIn(app)
  const body = tokenBody(t, await refresh(app, signedIn.refresh_token, { scope: 'openid profile' }))
  t.strictSame(Object.keys(body), ['token_type', 'expires_in', 'access_token', 'scope', 'id_token'])
  t.equal(body.scope, 'openid profile')
  t.equal(familyIdOf(body.access_token), familyIdOf(signedIn.access_token), 'still in the family')
  tokenBody(t, await refresh(app, signedIn.refresh_token))
  t.strictSame(reuseEvents(logs()), [])
})

t.test('broader scope → 400 access_denied naming the denied scopes; the token is not consumed', async (t) => {
  const { app, logs } = await buildTestApp(t)
  const signedIn = await signIn(app, { scope: 'openid offline_access' })
  assertTokenError(t, await refresh(app, signedIn.refresh_token, { scope: 'openid offline_access phone' }), 'refresh_scopes_denied', 'phone')
  assertTokenError(t, await refresh(app, signedIn.refresh_token, { scope: 'email openid profile' }), 'refresh_scopes_denied', 'email profile')
  t.match(await introspect(app, signedIn.refresh_token), { active: true }, 'still live')
  const body = tokenBody(t, await refresh(app, signedIn.refresh_token))
  t.equal(body.scope, 'openid offline_access')
  t.strictSame(reuseEvents(logs()), [], 'not consumed, so no reuse either')
})

t.test('malformed scope → 400 invalid_scope, token not consumed (docs/reliability.md § #76)', async (t) => {
  const { app } = await buildTestApp(t)
  const { refresh_token } = await signIn(app)
  assertTokenError(t, await refresh(app, refresh_token, { scope: 'openid a"b' }), 'invalid_scope')
  assertTokenError(t, await refresh(app, refresh_token, { scope: 'x'.repeat(4097) }), 'invalid_scope')
  tokenBody(t, await refresh(app, refresh_token))
})

t.test('redirect_uri is accepted and ignored', async (t) => {
  const { app } = await buildTestApp(t)
  const { refresh_token } = await signIn(app)
  tokenBody(t, await refresh(app, refresh_token, { redirect_uri: 'com.example.app:/callback' }))
})

t.test('missing refresh_token → 400 invalid_request', async (t) => {
  const { app } = await buildTestApp(t)
  assertTokenError(t, await post(app, 'token', { grant_type: 'refresh_token', client_id: 'native-app' }), 'missing_token_request_parameter', 'refresh_token')
  assertTokenError(t, await refresh(app, ''), 'missing_token_request_parameter', 'refresh_token')
})

t.test('a client without the refresh grant → 400 unauthorized_client', async (t) => {
  const { app } = await buildTestApp(t)
  const { refresh_token } = await signIn(app)
  const res = await post(app, 'token', { grant_type: 'refresh_token', refresh_token }, { authorization: basic(SERVICE.id, SERVICE.secret) })
  assertTokenError(t, res, 'unauthorized_client', 'client_credentials')
})

t.test('confidential client: web-app refreshes with client_secret_basic and client_secret_post', async (t) => {
  const { app } = await buildTestApp(t)
  const signedIn = await signIn(app, { client: 'web-app' })
  const basicBody = tokenBody(t, await refresh(app, signedIn.refresh_token, {}, { client: 'web-app' }))
  t.match(claimsOf(basicBody.access_token), { cid: 'web-app' })
  const postBody = tokenBody(t, await refresh(app, basicBody.refresh_token!, { client_id: 'web-app', client_secret: 'web-app-secret' }))
  t.equal(familyIdOf(postBody.access_token), familyIdOf(signedIn.access_token))
})

t.test("another client's refresh token → invalid_grant; not consumed, no reuse event (docs/reliability.md § #71)", async (t) => {
  const { app, logs } = await buildTestApp(t)
  const native = await signIn(app)
  assertTokenError(t, await refresh(app, native.refresh_token, {}, { client: 'web-app' }), 'invalid_refresh_token')
  tokenBody(t, await refresh(app, native.refresh_token))
  t.strictSame(reuseEvents(logs()), [])
})

t.test('a refresh token of another authorization server → invalid_grant; still usable at its own', async (t) => {
  const { app, logs } = await buildTestApp(t)
  const atDefault = await signIn(app)
  assertTokenError(t, await refresh(app, atDefault.refresh_token, {}, { server: '' }), 'invalid_refresh_token')
  tokenBody(t, await refresh(app, atDefault.refresh_token))
  const atOrg = await signIn(app, { server: '' })
  assertTokenError(t, await refresh(app, atOrg.refresh_token), 'invalid_refresh_token')
  tokenBody(t, await refresh(app, atOrg.refresh_token, {}, { server: '' }))
  t.strictSame(reuseEvents(logs()), [])
})

t.test('a revoked refresh token → invalid_grant (docs/reliability.md § #70)', async (t) => {
  const { app } = await buildTestApp(t)
  const { refresh_token } = await signIn(app)
  const revoked = await post(app, 'revoke', { client_id: 'native-app', token: refresh_token, token_type_hint: 'refresh_token' })
  t.equal(revoked.statusCode, 200)
  assertTokenError(t, await refresh(app, refresh_token), 'invalid_refresh_token')
})

t.test('things that are not refresh tokens → invalid_grant (docs/reliability.md § #67, #72, #73)', async (t) => {
  const { app } = await buildTestApp(t)
  const signedIn = await signIn(app)
  const candidates: Record<string, string> = {
    'access token': signedIn.access_token,
    'ID token': signedIn.id_token!,
    garbage: 'not-a-refresh-token',
    'unknown 43 characters': 'A'.repeat(43),
    'almost the token': `${signedIn.refresh_token.slice(0, 42)}${signedIn.refresh_token.endsWith('A') ? 'B' : 'A'}`,
    'token with padding': `${signedIn.refresh_token}=`,
    '50 KB': 'r'.repeat(50 * 1024),
  }
  for (const [name, token] of Object.entries(candidates)) {
    t.test(name, async (t) => assertTokenError(t, await refresh(app, token), 'invalid_refresh_token'))
  }
  t.test('the real token still works afterwards', async (t) => void tokenBody(t, await refresh(app, signedIn.refresh_token)))
})
