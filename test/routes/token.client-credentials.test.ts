/** Client credentials grant (RFC 6749 §4.4, docs/okta-behaviour.md § 2.5; docs/reliability.md § #86). */
import t from 'tap'
import { BASE_URL, SERVICE, basic, buildTestApp, post } from '../helpers/app.js'
import { WEB_POST } from '../helpers/client-credentials.js'
import { assertTokenError, assertOktaHeader, claimsOf, tokenBody } from '../helpers/token-response.js'

const SERVICE_AUTH = { authorization: basic(SERVICE.id, SERVICE.secret) }
const cc = (scope?: string) => (scope === undefined ? { grant_type: 'client_credentials' } : { grant_type: 'client_credentials', scope })

t.test('a service token: access token only, sub = client id, no user claims', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const now = clock.nowMs() / 1000
  const body = tokenBody(t, await post(app, 'token', cc('api:read'), SERVICE_AUTH))
  t.strictSame(Object.keys(body), ['token_type', 'expires_in', 'access_token', 'scope'])
  t.match(body, { token_type: 'Bearer', expires_in: 3600, scope: 'api:read' })
  assertOktaHeader(t, body.access_token)
  const claims = claimsOf(body.access_token)
  t.strictSame(claims, {
    ver: 1,
    jti: claims.jti,
    iss: `${BASE_URL}/oauth2/default`,
    aud: 'api://default',
    iat: now,
    exp: now + 3600,
    cid: 'service-app',
    scp: ['api:read'],
    sub: 'service-app',
  })
  t.match(claims.jti, /^AT\.[A-Za-z0-9_-]{43}$/, 'no refresh family')
})

t.test('several scopes; client_secret_post works too', async (t) => {
  const { app } = await buildTestApp(t)
  const body = tokenBody(t, await post(app, 'token', { ...cc('api:read api:write'), client_id: SERVICE.id, client_secret: SERVICE.secret }))
  t.equal(body.scope, 'api:read api:write')
  t.strictSame(claimsOf(body.access_token)['scp'], ['api:read', 'api:write'])
})

t.test('scope is required → 400 invalid_scope "No scopes were requested."', async (t) => {
  const { app } = await buildTestApp(t)
  assertTokenError(t, await post(app, 'token', cc(), SERVICE_AUTH), 'missing_scopes')
  assertTokenError(t, await post(app, 'token', cc(''), SERVICE_AUTH), 'missing_scopes')
})

t.test("openid → 400 invalid_scope, Okta's own text", async (t) => {
  const { app } = await buildTestApp(t)
  assertTokenError(t, await post(app, 'token', cc('openid'), SERVICE_AUTH), 'openid_not_allowed_client_creds')
  assertTokenError(t, await post(app, 'token', cc('api:read openid'), SERVICE_AUTH), 'openid_not_allowed_client_creds')
})

t.test('user scopes (offline_access, profile, …) → 400 invalid_scope, never a refresh token', async (t) => {
  const { app } = await buildTestApp(t)
  for (const scope of ['offline_access', 'api:read offline_access', 'profile', 'email', 'groups']) {
    t.test(scope, async (t) => assertTokenError(t, await post(app, 'token', cc(scope), SERVICE_AUTH), 'invalid_scope'))
  }
})

t.test('a scope the server does not have → 400 invalid_scope', async (t) => {
  const { app } = await buildTestApp(t)
  assertTokenError(t, await post(app, 'token', cc('api:delete'), SERVICE_AUTH), 'invalid_scope')
  assertTokenError(t, await post(app, 'token', cc('api:read api:delete'), SERVICE_AUTH), 'invalid_scope')
})

t.test("a scope of the server outside the client's allowed scopes → 400 invalid_scope", async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => c.authorizationServers[0]!.scopes.push('api:admin') })
  assertTokenError(t, await post(app, 'token', cc('api:admin'), SERVICE_AUTH), 'invalid_scope')
  assertTokenError(t, await post(app, 'token', cc('api:read api:admin'), SERVICE_AUTH), 'invalid_scope')
})

t.test('a client without scope restrictions may have any scope of the server', async (t) => {
  const { app } = await buildTestApp(t, {
    change: (c) => {
      c.authorizationServers[0]!.scopes.push('api:admin')
      c.clients.find((x) => x.id === 'service-app')!.scopes = []
    },
  })
  t.equal(tokenBody(t, await post(app, 'token', cc('api:admin'), SERVICE_AUTH)).scope, 'api:admin')
})

t.test('org authorization server with a client secret → 401: Okta wants private_key_jwt there (docs/dpop.md § 3.2)', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await post(app, 'token', cc('okta.users.read'), { ...SERVICE_AUTH, server: '' })
  assertTokenError(t, res, 'unsupported_auth_method_client_creds')
})

t.test('a client without the grant → 400 unauthorized_client', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await post(app, 'token', { ...cc('api:read'), ...WEB_POST })
  assertTokenError(t, res, 'unauthorized_client', 'authorization_code, refresh_token, password, interaction_code')
})
