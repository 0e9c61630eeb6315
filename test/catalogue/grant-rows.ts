/**
 * The bad-input catalogue for the device authorization grant, token exchange and pushed authorization
 * requests (docs/device-exchange-par.md): /v1/device/authorize, the device-code and token-exchange
 * grants at /v1/token, /v1/par, /authorize with a `request_uri`, and the activation page. Run by
 * inject.test.ts with the other rows (config `grants`) and checked against docs/reliability.md § G1–G9. Expectations are
 * Okta's catalogue texts (oktaWire) where it has the row, mockta's own table otherwise.
 *
 * A device poll records when it came (RFC 8628 §3.5 needs that for `slow_down`), so the rows that
 * poll a live device code are marked `changesState`.
 */
import type { InjectOptions } from 'fastify'
import { mocktaErrors } from '../../src/errors/okta-errors.js'
import { ALICE, DEFAULT_AS, FORM, SERVICE, WEB, basic, form, post, type TestApp } from '../helpers/app.js'
import { control } from '../helpers/control.js'
import { pkcePair, WEB_REDIRECT } from '../helpers/authorize.js'
import { payloadOf, signedByForeignKey, kidOf, unsignedJwt } from '../helpers/forged-jwt.js'
import { ACCESS_TOKEN_TYPE, DEVICE_GRANT, EXCHANGE_GRANT } from '../helpers/grants-config.js'
import { catalogueRow, oktaWire } from '../helpers/okta-catalogue.js'
import type { Expect, Fixture, Row } from './rows.js'

const A = DEFAULT_AS
const WEB_AUTH = basic(WEB.id, WEB.secret)
const SERVICE_AUTH = basic(SERVICE.id, SERVICE.secret)

const okta = (code: string, ...args: string[]): Expect => {
  const wire = oktaWire(code, ...args)
  return { status: wire.status, error: wire.body.error, body: wire.body }
}
const mockta = (code: keyof typeof mocktaErrors): Expect => {
  const e = mocktaErrors[code]
  return { status: e.status, error: e.error, body: { error: e.error, error_description: e.description } }
}
const invalidRequest = { status: 400, error: 'invalid_request' }
const invalidClient = { status: 401, error: 'invalid_client' }
const invalidScope = { status: 400, error: 'invalid_scope' }
/** An /authorize error shown on a page (the request_uri is not proven, so never a redirect). */
const shown = (code: string): Expect => ({ status: 400, error: catalogueRow(code).errorCode })

const deviceAuthorize = (payload: string, headers: Record<string, string> = { ...FORM }): InjectOptions => ({ method: 'POST', url: `${A}/device/authorize`, headers, payload })
const NATIVE_DEVICE = form({ client_id: 'native-app', scope: 'openid profile offline_access' })

/** A fresh device authorization of native-app: its device code and user code. */
async function device(t: TestApp, scope = 'openid offline_access'): Promise<{ device_code: string; user_code: string }> {
  const res = await t.app.inject(deviceAuthorize(form({ client_id: 'native-app', scope })))
  if (res.statusCode !== 200) throw new Error(`device authorization failed: ${res.statusCode} ${res.body}`)
  return res.json()
}
const poll = (deviceCode: string, extra = '', client = 'native-app'): InjectOptions => ({
  method: 'POST',
  url: `${A}/token`,
  headers: { ...FORM },
  payload: `${form({ grant_type: DEVICE_GRANT, client_id: client, device_code: deviceCode })}${extra}`,
})
/** A poll one interval (1 s in the grants config) after the previous one, so it is on time. */
const onTime = (f: Fixture) => f.t.clock.advance(2)

const exchange = (f: Fixture, params: Record<string, string>, authorization = SERVICE_AUTH, server = 'default'): InjectOptions => ({
  method: 'POST',
  url: server === '' ? '/oauth2/v1/token' : `/oauth2/${server}/v1/token`,
  headers: { ...FORM, authorization },
  payload: form({
    grant_type: EXCHANGE_GRANT,
    subject_token: f.native.access_token,
    subject_token_type: ACCESS_TOKEN_TYPE,
    scope: 'api:read',
    audience: server === '' || server === 'default' ? 'api://default' : `api://${server}`,
    ...params,
  }),
})

const PAR_PARAMS = (): Record<string, string> => ({
  response_type: 'code',
  scope: 'openid',
  redirect_uri: WEB_REDIRECT,
  state: 'st',
  code_challenge: pkcePair().challenge,
  code_challenge_method: 'S256',
})
const par = (payload: string, headers: Record<string, string> = { ...FORM, authorization: WEB_AUTH }, server = 'default'): InjectOptions => ({
  method: 'POST',
  url: server === '' ? '/oauth2/v1/par' : `/oauth2/${server}/v1/par`,
  headers,
  payload,
})
/** A request_uri pushed by `client` (web-app's secret). */
async function pushed(t: TestApp, client = WEB.id): Promise<string> {
  const res = await t.app.inject(par(form(PAR_PARAMS()), { ...FORM, authorization: basic(client, WEB.secret) }))
  if (res.statusCode !== 201) throw new Error(`push failed: ${res.statusCode} ${res.body}`)
  return res.json<{ request_uri: string }>().request_uri
}
const useUri = (uri: string, clientId = WEB.id, prefix = A): InjectOptions => ({ method: 'GET', url: `${prefix}/authorize?${form({ client_id: clientId, request_uri: uri })}` })
/** After a refused use: the owner can still spend the request_uri. */
const stillUsable = (uri: () => string) => async (f: Fixture) => {
  const res = await f.t.app.inject(useUri(uri()))
  // Without a session the pushed request goes on to the sign-in page (200); either way it was still there.
  return res.statusCode === 302 || res.statusCode === 200 ? undefined : `the request_uri was spent: ${res.statusCode}`
}

const activate = (payload: string, headers: Record<string, string> = {}): InjectOptions => ({ method: 'POST', url: '/activate', headers: { ...FORM, ...headers }, payload })

export function grantRows(): Row[] {
  const r: Row[] = []
  const add = (c: string, variant: string, rest: Omit<Row, 'case' | 'variant' | 'config'>) => r.push({ case: c, variant, config: 'grants', ...rest })

  // /v1/device/authorize (RFC 8628 §3.1–3.2).
  add('device', 'authorize: no client', { request: () => deviceAuthorize(form({ scope: 'openid' })), expect: okta('missing_client_credentials') })
  add('device', 'authorize: unknown client', { request: () => deviceAuthorize(form({ client_id: 'no-such-client', scope: 'openid' })), expect: invalidClient })
  add('device', 'authorize: a client without the device grant', {
    request: () => deviceAuthorize(form({ client_id: 'spa-app', scope: 'openid' })),
    expect: { status: 400, error: 'unauthorized_client' },
  })
  add('device', 'authorize: no scope', { request: () => deviceAuthorize(form({ client_id: 'native-app' })), expect: okta('missing_scopes') })
  add('device', 'authorize: an unknown scope', { request: () => deviceAuthorize(form({ client_id: 'native-app', scope: 'openid nope' })), expect: invalidScope })
  add('device', 'authorize: scope twice', { request: () => deviceAuthorize(`${NATIVE_DEVICE}&scope=openid`), expect: invalidRequest })
  add('device', 'authorize: client_id twice', { request: () => deviceAuthorize(`${NATIVE_DEVICE}&client_id=spa-app`), expect: invalidRequest })
  add('device', 'authorize: a JSON body', {
    request: () => deviceAuthorize('{"client_id":"native-app","scope":"openid"}', { 'content-type': 'application/json' }),
    expect: invalidRequest,
  })
  add('device', 'authorize: a wrong secret', {
    request: () => deviceAuthorize(form({ scope: 'openid' }), { ...FORM, authorization: basic(WEB.id, 'not-the-secret') }),
    expect: invalidClient,
  })
  add('device', 'authorize: GET', { request: () => ({ method: 'GET', url: `${A}/device/authorize` }), expect: { status: 405, error: 'invalid_request' } })
  add('device', 'authorize: a valid request (negative control)', { request: () => deviceAuthorize(NATIVE_DEVICE), expect: { status: 200 }, changesState: true })

  // The device-code grant at /v1/token (RFC 8628 §3.4–3.5).
  add('device', 'poll: device_code missing', {
    request: () => ({ ...poll(''), payload: form({ grant_type: DEVICE_GRANT, client_id: 'native-app' }) }),
    expect: okta('missing_token_request_parameter', 'device_code'),
  })
  add('device', 'poll: an unknown device code', { request: () => poll('00000000-0000-0000-0000-000000000000'), expect: okta('invalid_device_code') })
  add('device', 'poll: a 50 KB device code', { request: () => poll('D'.repeat(50_000)), expect: okta('invalid_device_code') })
  add('device', 'poll: device_code twice', { request: async (f) => poll((await device(f.t)).device_code, '&device_code=junk'), expect: invalidRequest })
  add('device', 'poll: pending', { request: async (f) => poll((await device(f.t)).device_code), expect: okta('authorization_pending'), changesState: true })
  add('device', 'poll: sooner than the interval', {
    request: async (f) => {
      const { device_code } = await device(f.t)
      await f.t.app.inject(poll(device_code))
      return poll(device_code)
    },
    expect: okta('slow_down'),
    changesState: true,
  })
  add('device', 'poll: past the lifetime', {
    request: async (f) => {
      const { device_code } = await device(f.t)
      f.t.clock.advance(601)
      return poll(device_code)
    },
    expect: okta('expired_token'),
  })
  add('device', 'poll: denied', {
    request: async (f) => {
      const { device_code, user_code } = await device(f.t)
      await control(f.t.app, 'POST', `/device/${user_code}/deny`)
      return poll(device_code)
    },
    expect: mockta('device_access_denied'),
    changesState: true,
  })
  add('device', 'poll: already redeemed', {
    request: async (f) => {
      const { device_code, user_code } = await device(f.t)
      await control(f.t.app, 'POST', `/device/${user_code}/approve`, { user: ALICE.username })
      if ((await f.t.app.inject(poll(device_code))).statusCode !== 200) throw new Error('the first poll failed')
      onTime(f)
      return poll(device_code)
    },
    expect: okta('invalid_device_code'),
  })
  add('device', "poll: another client's device code", {
    request: async (f) => ({ ...poll((await device(f.t)).device_code, '', 'spa-app') }),
    expect: { status: 400, error: 'unauthorized_client' },
  })
  add('device', 'poll: an access token as device_code', { request: (f) => poll(f.native.access_token), expect: okta('invalid_device_code') })
  add('device', 'poll: approved (negative control)', {
    request: async (f) => {
      const { device_code, user_code } = await device(f.t)
      await control(f.t.app, 'POST', `/device/${user_code}/approve`, { user: ALICE.username })
      return poll(device_code)
    },
    expect: { status: 200 },
    changesState: true,
  })

  // The activation page (RFC 8628 §3.3).
  add('device', 'activate: a form posted from another site', {
    request: async (f) => activate(form({ user_code: (await device(f.t)).user_code, decision: 'approve' }), { origin: 'https://evil.example' }),
    expect: { status: 400, error: 'invalid_request' },
  })
  add('device', 'activate: Origin null from a cross-site form', {
    request: async (f) => activate(form({ user_code: (await device(f.t)).user_code, decision: 'approve' }), { origin: 'null', 'sec-fetch-site': 'cross-site' }),
    expect: { status: 400, error: 'invalid_request' },
  })
  add('device', 'activate: an unknown user code (the code form again)', { request: () => ({ method: 'GET', url: '/activate?user_code=BCDFGHJK' }), expect: { status: 400 } })
  add('device', 'activate: a 10 KB user code', { request: () => ({ method: 'GET', url: `/activate?user_code=${'B'.repeat(10_000)}` }), expect: { status: 400 } })
  add('device', 'activate: a wrong password', {
    request: async (f) => activate(form({ tx: (await device(f.t)).user_code, username: ALICE.username, password: 'not-alice-password' })),
    expect: { status: 401 },
  })

  // Token exchange (RFC 8693; docs/okta-behaviour.md § 2.9).
  add('exchange', 'subject_token missing', { request: (f) => exchange(f, { subject_token: '' }), expect: okta('missing_token_request_parameter', 'subject_token') })
  add('exchange', 'subject_token_type of an ID token', {
    request: (f) => exchange(f, { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }),
    expect: okta('invalid_subject_token_type'),
  })
  add('exchange', 'an actor_token', { request: (f) => exchange(f, { actor_token: 'x' }), expect: okta('invalid_actor_token') })
  add('exchange', 'a resource', { request: (f) => exchange(f, { resource: 'https://api.example' }), expect: okta('token_exchange_invalid_resource') })
  add('exchange', 'another audience', { request: (f) => exchange(f, { audience: 'api://other' }), expect: okta('token_exchange_invalid_audience') })
  add('exchange', 'scope openid', { request: (f) => exchange(f, { scope: 'openid api:read' }), expect: okta('openid_not_allowed_token_exchange') })
  add('exchange', 'scope offline_access', { request: (f) => exchange(f, { scope: 'offline_access api:read' }), expect: invalidScope })
  add('exchange', 'no scope', {
    request: (f) => ({
      ...exchange(f, {}),
      payload: form({ grant_type: EXCHANGE_GRANT, subject_token: f.native.access_token, subject_token_type: ACCESS_TOKEN_TYPE, audience: 'api://default' }),
    }),
    expect: invalidScope,
  })
  add('exchange', 'a garbage subject_token', { request: (f) => exchange(f, { subject_token: 'not-a-token-at-all' }), expect: okta('invalid_subject_token') })
  add('exchange', 'an ID token as subject_token', { request: (f) => exchange(f, { subject_token: f.native.id_token! }), expect: okta('invalid_subject_token') })
  add('exchange', 'a refresh token as subject_token', { request: (f) => exchange(f, { subject_token: f.native.refresh_token }), expect: okta('invalid_subject_token') })
  add('exchange', 'an alg:none subject_token', {
    request: (f) => exchange(f, { subject_token: unsignedJwt(payloadOf(f.native.access_token)) }),
    expect: okta('invalid_subject_token'),
  })
  add('exchange', 'a subject_token signed by a foreign key', {
    request: async (f) => exchange(f, { subject_token: await signedByForeignKey(payloadOf(f.native.access_token), kidOf(f.native.access_token)) }),
    expect: okta('invalid_subject_token'),
  })
  add('exchange', 'a revoked subject_token', {
    request: async (f) => {
      await post(f.t.app, 'revoke', { token: f.native.access_token, client_id: 'native-app' })
      return exchange(f, {})
    },
    expect: okta('token_exchange_subject_token_expired'),
  })
  add('exchange', 'an expired subject_token', {
    request: (f) => {
      f.t.clock.advance(3601)
      return exchange(f, {})
    },
    expect: okta('token_exchange_subject_token_expired'),
  })
  add('exchange', 'a server that does not trust the issuer', { request: (f) => exchange(f, {}, SERVICE_AUTH, 'untrusting'), expect: okta('associated_server_not_trusted') })
  add('exchange', 'the org server', { request: (f) => exchange(f, {}, SERVICE_AUTH, ''), expect: okta('unsupported_grant_type_token_exchange') })
  add('exchange', 'a client without the grant', { request: (f) => exchange(f, {}, WEB_AUTH), expect: { status: 400, error: 'unauthorized_client' } })
  add('exchange', 'subject_token twice', { request: (f) => ({ ...exchange(f, {}), payload: `${String(exchange(f, {}).payload)}&subject_token=junk` }), expect: invalidRequest })
  add('exchange', 'a valid exchange (negative control)', { request: (f) => exchange(f, {}), expect: { status: 200 }, changesState: true })

  // Pushed authorization requests (RFC 9126; docs/okta-behaviour.md § 2.10).
  add('par', 'no client authentication', { request: () => par(form(PAR_PARAMS()), { ...FORM }), expect: invalidClient })
  add('par', 'a wrong secret', { request: () => par(form(PAR_PARAMS()), { ...FORM, authorization: basic(WEB.id, 'not-the-secret') }), expect: invalidClient })
  add('par', 'a request_uri in the pushed request', {
    request: () => par(form({ ...PAR_PARAMS(), request_uri: 'urn:okta:x' })),
    expect: okta('pushed_authorization_request_uri_present'),
  })
  add('par', 'a request object in the pushed request', {
    request: () => par(form({ ...PAR_PARAMS(), request: 'a.b.c' })),
    expect: okta('authorize_request_object_and_request_uri_provided'),
  })
  add('par', 'an unregistered redirect_uri, never echoed', { request: () => par(form({ ...PAR_PARAMS(), redirect_uri: 'https://evil.example/cb' })), expect: invalidRequest })
  add('par', 'an unknown scope', { request: () => par(form({ ...PAR_PARAMS(), scope: 'openid nope' })), expect: invalidScope })
  add('par', 'response_type=token', { request: () => par(form({ ...PAR_PARAMS(), response_type: 'token' })), expect: { status: 400, error: 'unsupported_response_type' } })
  add('par', 'scope twice', { request: () => par(`${form(PAR_PARAMS())}&scope=profile`), expect: invalidRequest })
  add('par', 'a JSON body', { request: () => par(JSON.stringify(PAR_PARAMS()), { 'content-type': 'application/json', authorization: WEB_AUTH }), expect: invalidRequest })
  add('par', 'GET', { request: () => ({ method: 'GET', url: `${A}/par` }), expect: { status: 405, error: 'invalid_request' } })
  add('par', 'a valid push (negative control)', { request: () => par(form(PAR_PARAMS())), expect: { status: 201 }, changesState: true })

  // /authorize with a request_uri.
  add('par', 'authorize: an unknown request_uri', { request: () => useUri('urn:okta:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), expect: shown('invalid_request_uri') })
  add('par', 'authorize: a 10 KB request_uri', { request: () => useUri(`urn:okta:${'A'.repeat(10_000)}`), expect: shown('invalid_request_uri') })
  add('par', 'authorize: request_uri used twice', {
    request: async (f) => {
      const uri = await pushed(f.t)
      if ((await f.t.app.inject(useUri(uri))).statusCode !== 200) throw new Error('the first use failed')
      return useUri(uri)
    },
    expect: shown('invalid_request_uri'),
  })
  add('par', 'authorize: an expired request_uri (forgotten on sight)', {
    request: async (f) => {
      const uri = await pushed(f.t)
      f.t.clock.advance(3601)
      return useUri(uri)
    },
    expect: shown('invalid_request_uri'),
    changesState: true,
  })
  let foreign = ''
  add('par', "authorize: another client's request_uri (it stays for its owner)", {
    request: async (f) => useUri((foreign = await pushed(f.t)), 'spa-app'),
    expect: shown('authorize_request_uri_mismatched_client'),
    after: stillUsable(() => foreign),
  })
  let otherServer = ''
  add('par', "authorize: another server's request_uri", {
    request: async (f) => useUri((otherServer = await pushed(f.t)), WEB.id, '/oauth2/api2/v1'),
    expect: shown('authorize_request_uri_mismatched_authorization_server'),
    after: stillUsable(() => otherServer),
  })
  add('par', 'authorize: an unknown client_id with a request_uri', {
    request: async (f) => useUri(await pushed(f.t), 'no-such-client'),
    expect: { status: 400, error: 'invalid_client' },
  })
  add('par', 'authorize: request and request_uri', {
    request: () => ({ method: 'GET', url: `${A}/authorize?${form({ client_id: WEB.id, request_uri: 'urn:okta:x', request: 'a.b.c' })}` }),
    expect: shown('authorize_request_object_and_request_uri_provided'),
  })
  add('par', 'authorize: a client that requires PAR, without one', {
    request: () => ({ method: 'GET', url: `${A}/authorize?${form({ ...PAR_PARAMS(), client_id: 'par-web' })}` }),
    expect: { status: 302, error: 'invalid_request' },
  })
  return r
}
