/**
 * openid-client v6 against mockta on a real socket for the device grant (approved through the
 * control plane), token exchange (the exchanged token checked by @okta/jwt-verifier) and PAR
 * followed by the code flow (docs/device-exchange-par.md).
 */
import t from 'tap'
import * as client from 'openid-client'
import OktaJwtVerifier from '@okta/jwt-verifier'
import { ALICE, startMockta, WEB } from '../helpers/listening-app.js'
import { autoSignIn } from '../helpers/authorize.js'
import { ACCESS_TOKEN_TYPE, EXCHANGE_GRANT, withNewGrants } from '../helpers/grants-config.js'
import type { Config } from '../../src/config/types.js'

const discover = (issuer: string, clientId: string, auth: client.ClientAuth) =>
  client.discovery(new URL(issuer), clientId, undefined, auth, { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] })

const setup = (c: Config) => {
  withNewGrants(c)
  autoSignIn(WEB.id)(c)
}

t.test('device authorization grant, approved through the control plane', async (t) => {
  const { base } = await startMockta(t, { change: setup })
  const config = await discover(`${base}/oauth2/default`, 'native-app', client.None())
  const device = await client.initiateDeviceAuthorization(config, { scope: 'openid profile offline_access' })
  t.equal(device.verification_uri, `${base}/activate`)
  const approve = await fetch(`${base}/__mockta/device/${device.user_code}/approve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: ALICE.username }),
  })
  t.equal(approve.status, 200, await approve.clone().text())
  const tokens = await client.pollDeviceAuthorizationGrant(config, device)
  t.match(tokens.claims(), { sub: ALICE.id, aud: 'native-app' })
  t.type(tokens.refresh_token, 'string')
})

t.test('device authorization grant, denied', async (t) => {
  const { base } = await startMockta(t, { change: setup })
  const config = await discover(`${base}/oauth2/default`, 'native-app', client.None())
  const device = await client.initiateDeviceAuthorization(config, { scope: 'openid' })
  await fetch(`${base}/__mockta/device/${device.user_code}/deny`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  await t.rejects(client.pollDeviceAuthorizationGrant(config, device), { name: 'ResponseBodyError', error: 'access_denied' } as never)
})

t.test('token exchange, verified with @okta/jwt-verifier', async (t) => {
  const { base } = await startMockta(t, { change: setup })
  const web = await discover(`${base}/oauth2/default`, WEB.id, client.ClientSecretBasic(WEB.secret))
  const user = await client.genericGrantRequest(web, 'password', { username: ALICE.username, password: ALICE.password, scope: 'openid' })
  const service = await discover(`${base}/oauth2/api2`, 'service-app', client.ClientSecretBasic('service-app-secret'))
  const exchanged = await client.genericGrantRequest(service, EXCHANGE_GRANT, {
    subject_token: user.access_token,
    subject_token_type: ACCESS_TOKEN_TYPE,
    audience: 'api://api2',
    scope: 'api:read',
  })
  t.equal(exchanged.issued_token_type, ACCESS_TOKEN_TYPE)
  const warn = console.warn
  console.warn = () => {}
  const verifier = new OktaJwtVerifier({ issuer: `${base}/oauth2/api2`, testing: { disableHttpsCheck: true } })
  console.warn = warn
  const jwt = await verifier.verifyAccessToken(exchanged.access_token, 'api://api2')
  t.equal(jwt.claims.sub, ALICE.username)
  t.equal(jwt.claims['uid'], ALICE.id)
  t.same(jwt.claims['scp'], ['api:read'])
})

t.test('PAR, then the code flow', async (t) => {
  const { base } = await startMockta(t, { change: setup })
  const config = await discover(`${base}/oauth2/default`, WEB.id, client.ClientSecretBasic(WEB.secret))
  const verifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const url = await client.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: 'http://localhost:3000/authorization-code/callback',
    scope: 'openid profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  })
  t.match(url.searchParams.get('request_uri'), /^urn:okta:/)
  t.same([...url.searchParams.keys()].sort(), ['client_id', 'request_uri'])
  const res = await fetch(url, { redirect: 'manual' })
  t.equal(res.status, 302)
  const callback = new URL(res.headers.get('location')!)
  const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state })
  t.match(tokens.claims(), { sub: ALICE.id, aud: WEB.id })
  // The request_uri was used once.
  const again = await fetch(url, { redirect: 'manual' })
  t.equal(again.status, 400)
})
