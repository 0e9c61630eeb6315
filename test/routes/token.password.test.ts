/** Resource owner password grant (docs/okta-behaviour.md § 2.6) and the claims of what it issues (§ 5.1, 5.2). */
import t from 'tap'
import { createLocalJWKSet, jwtVerify } from 'jose'
import type { FastifyInstance } from 'fastify'
import { ALICE, BASE_URL, BOB, WEB, basic, buildTestApp, post } from '../helpers/app.js'
import { REFRESH_TOKEN, assertTokenError, assertOktaHeader, atHash, claimsOf, tokenBody } from '../helpers/token-response.js'

const ALICE_ID = '00ualice000000000001'
const password = (scope: string, user: { username: string; password: string } = ALICE) => ({
  grant_type: 'password',
  client_id: 'native-app',
  username: user.username,
  password: user.password,
  scope,
})

async function jwks(app: FastifyInstance, server: string) {
  const res = await app.inject({ method: 'GET', url: `${server}/keys` })
  return createLocalJWKSet(res.json())
}

t.test('response: members in Okta order, no-store headers', async (t) => {
  const { app } = await buildTestApp(t)
  const body = tokenBody(t, await post(app, 'token', password('openid profile email offline_access')))
  t.strictSame(Object.keys(body), ['token_type', 'expires_in', 'access_token', 'scope', 'refresh_token', 'id_token'])
  t.match(body, { token_type: 'Bearer', expires_in: 3600, scope: 'openid profile email offline_access' })
  t.match(body.refresh_token, REFRESH_TOKEN)
})

t.test('refresh token only with offline_access; ID token only with openid', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: Array<[scope: string, members: string[]]> = [
    ['openid profile', ['token_type', 'expires_in', 'access_token', 'scope', 'id_token']],
    ['offline_access api:read', ['token_type', 'expires_in', 'access_token', 'scope', 'refresh_token']],
    ['api:read', ['token_type', 'expires_in', 'access_token', 'scope']],
  ]
  for (const [scope, members] of cases) {
    const body = tokenBody(t, await post(app, 'token', password(scope)))
    t.strictSame(Object.keys(body), members, scope)
    t.equal(body.scope, scope)
  }
})

t.test('offline_access for a client without the refresh grant: not granted, no refresh token', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => void (c.clients.find((x) => x.id === 'native-app')!.grantTypes = ['password']) })
  const body = tokenBody(t, await post(app, 'token', password('openid offline_access')))
  t.equal(body.refresh_token, undefined)
  t.equal(body.scope, 'openid')
  t.strictSame(claimsOf(body.access_token)['scp'], ['openid'])
})

t.test('access token claims (docs/okta-behaviour.md § 5.1)', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const now = clock.nowMs() / 1000
  const body = tokenBody(t, await post(app, 'token', password('openid profile email offline_access')))
  assertOktaHeader(t, body.access_token)
  const claims = claimsOf(body.access_token)
  t.strictSame(Object.keys(claims), ['ver', 'jti', 'iss', 'aud', 'iat', 'exp', 'cid', 'uid', 'scp', 'auth_time', 'sub', 'groups'])
  t.strictSame(claims, {
    ver: 1,
    jti: claims.jti,
    iss: `${BASE_URL}/oauth2/default`,
    aud: 'api://default',
    iat: now,
    exp: now + 3600,
    cid: 'native-app',
    uid: ALICE_ID,
    scp: ['openid', 'profile', 'email', 'offline_access'],
    auth_time: now,
    sub: ALICE.username,
    groups: ['Everyone', 'Admins'],
  })
  t.match(claims.jti, /^AT\.[A-Za-z0-9_-]{43}\.oar[A-Za-z0-9]{17}$/, 'jti names the refresh family')
  const { payload } = await jwtVerify(body.access_token, await jwks(app, '/oauth2/default/v1'), { currentDate: new Date(clock.nowMs()), algorithms: ['RS256'] })
  t.equal(payload.jti, claims.jti, 'signature verifies against /keys')
})

t.test('access token without a refresh family: jti has no family suffix', async (t) => {
  const { app } = await buildTestApp(t)
  const body = tokenBody(t, await post(app, 'token', password('openid')))
  t.match(claimsOf(body.access_token).jti, /^AT\.[A-Za-z0-9_-]{43}$/)
})

t.test('ID token claims (docs/okta-behaviour.md § 5.2)', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const now = clock.nowMs() / 1000
  const body = tokenBody(t, await post(app, 'token', password('openid profile email offline_access')))
  assertOktaHeader(t, body.id_token!)
  const claims = claimsOf(body.id_token!)
  const profile = ['name', 'family_name', 'given_name', 'preferred_username', 'zoneinfo', 'locale', 'email', 'email_verified']
  t.strictSame(Object.keys(claims), ['sub', ...profile, 'ver', 'iss', 'aud', 'iat', 'exp', 'jti', 'amr', 'idp', 'auth_time', 'at_hash'])
  t.match(claims, {
    sub: ALICE_ID,
    name: 'Alice Anderson',
    given_name: 'Alice',
    family_name: 'Anderson',
    preferred_username: ALICE.username,
    email: ALICE.username,
    email_verified: true,
    ver: 1,
    iss: `${BASE_URL}/oauth2/default`,
    aud: 'native-app',
    iat: now,
    exp: now + 3600,
    amr: ['pwd'],
    auth_time: now,
    at_hash: atHash(body.access_token),
  })
  t.match(claims.jti, /^ID\.[A-Za-z0-9_-]{43}$/)
  t.match(claims['idp'], /^00o[A-Za-z0-9]{17}$/)
  t.equal(claims['nonce'], undefined, 'no nonce without /authorize')
  await jwtVerify(body.id_token!, await jwks(app, '/oauth2/default/v1'), { currentDate: new Date(clock.nowMs()), audience: 'native-app' })
})

t.test('ID token claims follow the scopes (OIDC Core §5.4)', async (t) => {
  const { app } = await buildTestApp(t)
  const idClaims = async (scope: string) => claimsOf(tokenBody(t, await post(app, 'token', password(scope))).id_token!)
  const bare = await idClaims('openid')
  t.strictSame(Object.keys(bare), ['sub', 'ver', 'iss', 'aud', 'iat', 'exp', 'jti', 'amr', 'idp', 'auth_time', 'at_hash'])
  const email = await idClaims('openid email')
  t.match(email, { email: ALICE.username, email_verified: true })
  t.equal(email['name'], undefined)
  t.strictSame((await idClaims('openid groups'))['groups'], ['Everyone', 'Admins'], 'groups claim with the groups scope')
  t.equal(bare['groups'], undefined)
})

t.test('logins are case-insensitive; the token names the canonical login', async (t) => {
  const { app } = await buildTestApp(t)
  const body = tokenBody(t, await post(app, 'token', password('openid', { ...ALICE, username: 'ALICE@Example.COM' })))
  t.equal(claimsOf(body.access_token).sub, ALICE.username)
})

t.test('confidential client: client_secret_basic, tokens for another user', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await post(app, 'token', { grant_type: 'password', ...BOB, scope: 'openid offline_access' }, { authorization: basic(WEB.id, WEB.secret) })
  const body = tokenBody(t, res)
  t.match(claimsOf(body.access_token), { cid: 'web-app', sub: BOB.username, uid: '00ubob00000000000002' })
  t.match(claimsOf(body.id_token!), { aud: 'web-app', sub: '00ubob00000000000002' })
  t.match(body.refresh_token, REFRESH_TOKEN)
})

t.test('org authorization server: issuer and audience are the base URL', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const body = tokenBody(t, await post(app, 'token', password('openid offline_access'), { server: '' }))
  const at = claimsOf(body.access_token)
  t.match(at, { iss: BASE_URL, aud: BASE_URL, cid: 'native-app', sub: ALICE.username })
  t.equal(at['groups'], undefined, 'custom claims belong to the custom server')
  t.match(claimsOf(body.id_token!), { iss: BASE_URL, aud: 'native-app', sub: ALICE_ID })
  const keys = await jwks(app, '/oauth2/v1')
  const currentDate = new Date(clock.nowMs())
  await jwtVerify(body.id_token!, keys, { currentDate, issuer: BASE_URL })
  // Okta does not publish the org AS access-token key (docs/okta-behaviour.md § 5.1): validate by introspection only.
  await t.rejects(jwtVerify(body.access_token, keys, { currentDate }))
})

t.test('bad credentials → 400 invalid_grant; an unknown user gets the same answer', async (t) => {
  const { app } = await buildTestApp(t)
  const wrong = await post(app, 'token', password('openid', { ...ALICE, password: 'wrong' }))
  assertTokenError(t, wrong, 'invalid_password_credentials')
  const unknown = await post(app, 'token', password('openid', { username: 'nobody@example.com', password: 'alice-password' }))
  assertTokenError(t, unknown, 'invalid_password_credentials')
  t.equal(unknown.body, wrong.body)
  const otherUsers = await post(app, 'token', password('openid', { ...ALICE, password: BOB.password }))
  assertTokenError(t, otherUsers, 'invalid_password_credentials')
  const huge = await post(app, 'token', password('openid', { username: 'a'.repeat(10_000), password: 'x' }))
  assertTokenError(t, huge, 'invalid_password_credentials')
})

t.test('missing username, password or scope → 400', async (t) => {
  const { app } = await buildTestApp(t)
  const { username, password: pw } = ALICE
  const base = { grant_type: 'password', client_id: 'native-app' }
  assertTokenError(t, await post(app, 'token', { ...base, password: pw, scope: 'openid' }), 'missing_token_request_parameter', 'username')
  assertTokenError(t, await post(app, 'token', { ...base, username, scope: 'openid' }), 'missing_token_request_parameter', 'password')
  assertTokenError(t, await post(app, 'token', { ...base, username, password: pw }), 'missing_scopes')
  // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
  assertTokenError(t, await post(app, 'token', { ...base, username: '', password: pw, scope: 'openid' }), 'missing_token_request_parameter', 'username')
  assertTokenError(t, await post(app, 'token', { ...base, username, password: pw, scope: '' }), 'missing_scopes')
  assertTokenError(t, await post(app, 'token', { ...base, username, password: pw, scope: '   ' }), 'missing_scopes')
})

t.test('scopes the server does not know → 400 invalid_scope, checked before the password', async (t) => {
  const { app } = await buildTestApp(t)
  assertTokenError(t, await post(app, 'token', password('openid api:delete')), 'invalid_scope')
  assertTokenError(t, await post(app, 'token', password('nope', { ...ALICE, password: 'wrong' })), 'invalid_scope')
})
