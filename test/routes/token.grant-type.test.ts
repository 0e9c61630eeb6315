/** /token dispatch on `grant_type` (docs/okta-behaviour.md § 2.1; docs/reliability.md § #63–#65). */
import t from 'tap'
import { ALICE, SERVICE, WEB, basic, buildTestApp, post } from '../helpers/app.js'
import { assertNoStore, assertTokenError } from '../helpers/token-response.js'

const SUPPORTED =
  'authorization_code, refresh_token, password, client_credentials, urn:ietf:params:oauth:grant-type:device_code, urn:ietf:params:oauth:grant-type:token-exchange, interaction_code'

t.test('missing grant_type → 400 invalid_request listing the valid values', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await post(app, 'token', { client_id: 'native-app', refresh_token: 'x'.repeat(43) })
  assertTokenError(t, res, 'token_request_missing_grant_type', SUPPORTED)
  const empty = await app.inject({
    method: 'POST',
    url: '/oauth2/default/v1/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'client_id=native-app&grant_type=',
  })
  assertTokenError(t, empty, 'token_request_missing_grant_type', SUPPORTED)
})

t.test('unknown grant types → 400 unsupported_grant_type', async (t) => {
  const { app } = await buildTestApp(t)
  for (const grantType of ['foo', 'implicit', 'token', 'code', 'REFRESH_TOKEN', 'password ']) {
    const res = await post(app, 'token', { grant_type: grantType, client_id: 'native-app' })
    t.test(grantType, async (t) => assertTokenError(t, res, 'unsupported_grant_type', SUPPORTED))
  }
})

t.test('a grant the client may not use → 400 unauthorized_client naming its grants', async (t) => {
  const { app } = await buildTestApp(t)
  const password = { grant_type: 'password', ...ALICE, scope: 'openid' }
  t.test('spa-app, password', async (t) => {
    const res = await post(app, 'token', { ...password, client_id: 'spa-app' })
    assertTokenError(t, res, 'unauthorized_client', 'authorization_code, refresh_token, interaction_code')
  })
  t.test('service-app, password', async (t) => {
    const res = await post(app, 'token', password, { authorization: basic(SERVICE.id, SERVICE.secret) })
    assertTokenError(t, res, 'unauthorized_client', 'client_credentials')
  })
  t.test('service-app, refresh_token', async (t) => {
    const res = await post(app, 'token', { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43) }, { authorization: basic(SERVICE.id, SERVICE.secret) })
    assertTokenError(t, res, 'unauthorized_client', 'client_credentials')
  })
  t.test('web-app, client_credentials', async (t) => {
    const res = await post(app, 'token', { grant_type: 'client_credentials', scope: 'api:read' }, { authorization: basic(WEB.id, WEB.secret) })
    assertTokenError(t, res, 'unauthorized_client', 'authorization_code, refresh_token, password, interaction_code')
  })
  t.test('native-app, client_credentials', async (t) => {
    const res = await post(app, 'token', { grant_type: 'client_credentials', client_id: 'native-app', scope: 'api:read' })
    assertTokenError(t, res, 'unauthorized_client', 'authorization_code, refresh_token, password, interaction_code')
  })
})

t.test('client authentication comes before the grant (docs/reliability.md § 0): bad secret + bad grant → 401', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await post(app, 'token', { grant_type: 'foo' }, { authorization: basic(WEB.id, 'wrong') })
  t.equal(res.statusCode, 401)
  t.equal(res.json<{ error: string }>().error, 'invalid_client')
  assertNoStore(t, res)
})
