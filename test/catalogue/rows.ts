/**
 * The bad-input catalogue (docs/reliability.md § 1B–1H, rows #12–#117) for the core endpoints, one entry
 * per variant. Where Okta's catalogue and the rules disagree the row follows Okta and names the rule's
 * expectation in `departure` (docs/departures.md). Authorization-code rows (#79–#85, #101,
 * C-10) join as new entries once /authorize lands; client_assertion (#61) is in dpop-rows.ts; the
 * Origin quirk (#62) is not offered.
 */
import type { InjectOptions } from 'fastify'
import { DEFAULT_AS, FORM, SERVICE, WEB, basic, form, post, refresh, signIn, type TestApp } from '../helpers/app.js'
import { basicOf, basicAppendixB, formEncode } from '../helpers/client-credentials.js'
import { hs256WithPublicKey, kidOf, payloadOf, signedByForeignKey, unsignedJwt, withTamperedPayload } from '../helpers/forged-jwt.js'
import type { Config } from '../../src/config/types.js'
import { withNewGrants } from '../helpers/grants-config.js'
import { addDpopClients } from '../helpers/dpop.js'
import { KEYS } from '../helpers/dpop-bad-input.js'
import { withMfaUsers } from '../helpers/authn-users.js'

/** Tokens a row may use, freshly issued for every run of the row. */
export interface Fixture {
  t: TestApp
  /** native-app (public) sign-in: openid profile email offline_access. */
  native: { access_token: string; refresh_token: string; id_token?: string }
  /** web-app (confidential) sign-in. */
  web: { access_token: string; refresh_token: string; id_token?: string }
}

export interface Expect {
  status: number
  /** The wire `error`; absent for success. */
  error?: string
  /** An exact body (JSON value), or `''` for an empty body. */
  body?: unknown
}

export interface Row {
  case: string
  variant: string
  /** Which app configuration the row needs (see CONFIGS). */
  config?: keyof typeof CONFIGS
  /** Builds the request from fresh fixtures (may prepare state first, e.g. rotate or move the clock). */
  request: (f: Fixture) => Promise<InjectOptions> | InjectOptions
  expect: Expect
  /** A deliberate side effect (revocation, reuse detection) or a success that issues tokens: docs/reliability.md § G5 is not applied. */
  changesState?: boolean
  /** Further checks after the answer; returns what is wrong, if anything. */
  after?: (f: Fixture, body: string) => Promise<string | undefined>
  /** The expectation of docs/reliability.md where this row follows Okta instead. */
  departure?: string
}

const WEB_AUTH = basic(WEB.id, WEB.secret)
const SERVICE_AUTH = basic(SERVICE.id, SERVICE.secret)
const CC = 'grant_type=client_credentials&scope=api%3Aread'
const A = DEFAULT_AS

/** Clients for the Appendix B rows (docs/reliability.md § #52, #54). */
export const APPENDIX_B_CLIENTS = [
  { id: 'an:identifier', secret: 'some secure & non-standard secret' },
  { id: " %&+'", secret: " %&+'" },
  { id: 'plus-client', secret: 'a+b-plus-secret' },
]

export const CONFIGS = {
  default: (_c: Config) => {},
  /** docs/reliability.md § #52, #54: clients whose id and secret need RFC 6749 Appendix B encoding. */
  appendixB: (c: Config) => {
    const service = c.clients.find((x) => x.id === 'service-app')!
    for (const x of APPENDIX_B_CLIENTS) c.clients.push({ ...structuredClone(service), id: x.id, name: x.id, secret: x.secret })
  },
  /** DPoP and JWT client authentication (dpop-rows.ts): the clients of test/helpers/dpop.ts. */
  dpop: (c: Config) => addDpopClients(c, KEYS),
  /** docs/reliability.md § #68: an absolute refresh-token lifetime of one hour. */
  lifetime: (c: Config) => {
    c.authorizationServers[0]!.refreshToken = { ...c.authorizationServers[0]!.refreshToken, lifetimeSeconds: 3600 }
  },
  /** docs/device-exchange-par.md: the device grant, token exchange and PAR switched on (grant-rows.ts). */
  grants: withNewGrants,
  /** docs/authentication-api.md § 1.4, § 1.5: users with factors and expired passwords (authn-rows.ts). */
  mfa: withMfaUsers,
} satisfies Record<string, (c: Config) => void>

const tokenReq = (payload: string | Buffer, headers: Record<string, string | string[]> = { ...FORM, authorization: SERVICE_AUTH }, url = `${A}/token`): InjectOptions => ({
  method: 'POST',
  url,
  headers,
  payload,
})
/** `authorization` null: no Authorization header. */
const at = (endpoint: 'introspect' | 'revoke', params: Record<string, string>, authorization: string | null = WEB_AUTH, query = ''): InjectOptions => ({
  method: 'POST',
  url: `${A}/${endpoint}${query}`,
  headers: authorization === null ? { ...FORM } : { ...FORM, authorization },
  payload: form(params),
})
const refreshAsWeb = (rt: string, extra = ''): InjectOptions => tokenReq(`grant_type=refresh_token&refresh_token=${rt}${extra}`, { ...FORM, authorization: WEB_AUTH })
const refreshAsNative = (rt: string, extra = ''): InjectOptions =>
  tokenReq(`grant_type=refresh_token&client_id=native-app&refresh_token=${encodeURIComponent(rt)}${extra}`, { ...FORM })

const ok = { status: 200 }
const invalidRequest = { status: 400, error: 'invalid_request' }
const invalidClient = { status: 401, error: 'invalid_client' }
const invalidGrant = { status: 400, error: 'invalid_grant' }
const invalidScope = { status: 400, error: 'invalid_scope' }
const inactive = { status: 200, body: { active: false } }
const revoked = { status: 200, body: '' }
const OKTA_BASIC = 'bar: 400 invalid_request; Okta: 401 invalid_client "Found Authentication header but was not valid client credentials."'
const OKTA_MULTIPLE = 'bar: 400 invalid_request; Okta: 401 invalid_request "Cannot supply multiple client credentials…"'

/** Whether a refresh token still works (for rows that must not consume it). */
async function stillUsable(f: Fixture, rt: string, client: 'native-app' | 'web-app' = 'native-app'): Promise<string | undefined> {
  const res = await refresh(f.t.app, rt, {}, { client })
  return res.statusCode === 200 ? undefined : `the refresh token was consumed or revoked: ${res.statusCode} ${res.body}`
}
async function isActive(f: Fixture, token: string): Promise<boolean> {
  return (await post(f.t.app, 'introspect', { token }, { authorization: WEB_AUTH })).json<{ active: boolean }>().active
}
const mustBeActive = (pick: (f: Fixture) => string) => async (f: Fixture) => ((await isActive(f, pick(f))) ? undefined : 'the token is no longer active')
const mustBeInactive = (pick: (f: Fixture) => string) => async (f: Fixture) => ((await isActive(f, pick(f))) ? 'the token is still active' : undefined)

/** A request made an hour and a second later: past the access tokens' and the `lifetime` server's refresh tokens' life. */
const anHourLater =
  (request: (f: Fixture) => InjectOptions) =>
  (f: Fixture): InjectOptions => {
    f.t.clock.advance(3601)
    return request(f)
  }
/** The web client's token `pick`, presented at `endpoint` after the web client revoked it. */
const onceRevoked =
  (endpoint: 'introspect' | 'revoke', pick: (f: Fixture) => string) =>
  async (f: Fixture): Promise<InjectOptions> => {
    await post(f.t.app, 'revoke', { token: pick(f) }, { authorization: WEB_AUTH })
    return at(endpoint, { token: pick(f) })
  }

/** Rotates the native refresh token once, then moves the clock past the 30 s grace period. */
async function rotatedOutsideGrace(f: Fixture): Promise<{ old: string; current: string }> {
  const res = await refresh(f.t.app, f.native.refresh_token)
  const current = res.json<{ refresh_token: string }>().refresh_token
  f.t.clock.advance(31)
  return { old: f.native.refresh_token, current }
}

function rows(): Row[] {
  const r: Row[] = []
  const add = (c: string, variant: string, rest: Omit<Row, 'case' | 'variant'>) => r.push({ case: c, variant, ...rest })

  // B. Content type and body parsing.
  add('#12', 'body without Content-Type', { request: () => tokenReq(CC, { authorization: SERVICE_AUTH }), expect: invalidRequest })
  add('#13', 'well-formed JSON object', {
    request: () => tokenReq('{"grant_type":"client_credentials","scope":"api:read"}', { 'content-type': 'application/json', authorization: SERVICE_AUTH }),
    expect: invalidRequest,
  })
  add('#14', 'malformed JSON', { request: () => tokenReq('{"grant_type":', { 'content-type': 'application/json', authorization: SERVICE_AUTH }), expect: invalidRequest })
  add('#14', 'JSON with __proto__', {
    request: () => tokenReq('{"__proto__":{"polluted":1}}', { 'content-type': 'application/json', authorization: SERVICE_AUTH }),
    expect: invalidRequest,
  })
  add('#14', 'JSON with constructor.prototype', {
    request: () => tokenReq('{"constructor":{"prototype":{"polluted":1}}}', { 'content-type': 'application/json', authorization: SERVICE_AUTH }),
    expect: invalidRequest,
  })
  add('#15', 'text/plain carrying a form', { request: () => tokenReq(CC, { 'content-type': 'text/plain', authorization: SERVICE_AUTH }), expect: invalidRequest })
  add('#16', 'multipart/form-data', {
    request: () =>
      tokenReq('--x\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n--x--\r\n', {
        'content-type': 'multipart/form-data; boundary=x',
        authorization: SERVICE_AUTH,
      }),
    expect: invalidRequest,
  })
  add('#17', 'application/x-www-form-urlencodedX', {
    request: () => tokenReq(CC, { 'content-type': 'application/x-www-form-urlencodedX', authorization: SERVICE_AUTH }),
    expect: invalidRequest,
  })
  add('#17', 'application/x-www-form-urlencoded-evil', {
    request: () => tokenReq(CC, { 'content-type': 'application/x-www-form-urlencoded-evil', authorization: SERVICE_AUTH }),
    expect: invalidRequest,
  })
  add('#18', 'charset=UTF-8 (negative control)', {
    request: () => tokenReq(CC, { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', authorization: SERVICE_AUTH }),
    expect: ok,
    changesState: true,
  })
  add('#18', 'upper-case media type (negative control)', {
    request: () => tokenReq(CC, { 'content-type': 'APPLICATION/X-WWW-FORM-URLENCODED', authorization: SERVICE_AUTH }),
    expect: ok,
    changesState: true,
  })
  add('#19', 'charset=ISO-8859-1: decoded as UTF-8', {
    request: () => tokenReq(CC, { 'content-type': 'application/x-www-form-urlencoded; charset=ISO-8859-1', authorization: SERVICE_AUTH }),
    expect: ok,
    changesState: true,
  })
  add('#19', 'charset=foo: decoded as UTF-8', {
    request: () => tokenReq(CC, { 'content-type': 'application/x-www-form-urlencoded; charset=foo', authorization: SERVICE_AUTH }),
    expect: ok,
    changesState: true,
  })
  add('#20', 'two Content-Type headers', {
    request: () => tokenReq(CC, { 'content-type': ['application/x-www-form-urlencoded', 'application/json'], authorization: SERVICE_AUTH }),
    expect: invalidRequest,
  })
  for (const endpoint of ['token', 'introspect', 'revoke'] as const) {
    add('#21', `POST /${endpoint} with no body, no Content-Type, no credentials`, { request: () => ({ method: 'POST', url: `${A}/${endpoint}` }), expect: invalidClient })
  }
  add('#21', 'POST /token with no body, no Content-Type, valid auth', {
    request: () => ({ method: 'POST', url: `${A}/token`, headers: { authorization: SERVICE_AUTH } }),
    expect: invalidRequest,
  })
  add('#22', 'empty form at /token with valid auth', { request: () => tokenReq(''), expect: invalidRequest })
  add('#22', 'empty form at /introspect with valid auth', { request: () => tokenReq('', { ...FORM, authorization: WEB_AUTH }, `${A}/introspect`), expect: invalidRequest })
  add('#22', 'empty form at /revoke with valid auth', { request: () => tokenReq('', { ...FORM, authorization: WEB_AUTH }, `${A}/revoke`), expect: invalidRequest })
  const padded = (size: number) => `${CC}&pad=${'x'.repeat(size - CC.length - '&pad='.length)}`
  add('#23', 'body exactly at the 64 KiB limit', { request: () => tokenReq(padded(65536)), expect: ok, changesState: true })
  add('#23', 'limit + 1 byte', { request: () => tokenReq(padded(65537)), expect: { status: 413, error: 'invalid_request' } })
  add('#23', '2 MB body', { request: () => tokenReq(padded(2_000_000)), expect: { status: 413, error: 'invalid_request' } })
  add('#24', '10,000 distinct unknown parameters', {
    request: () => tokenReq(`${Array.from({ length: 10_000 }, (_, i) => `${i.toString(36)}=1`).join('&')}&${CC}`),
    expect: ok,
    changesState: true,
  })
  add('#25', 'a 50 KB refresh_token', { request: () => refreshAsWeb('R'.repeat(50_000)), expect: invalidGrant })
  add('#26', 'refresh_token=%E0%A4%A', { request: () => refreshAsWeb('%E0%A4%A'), expect: invalidGrant })
  add('#26', 'refresh_token=%ZZ', { request: () => refreshAsWeb('%ZZ'), expect: invalidGrant })
  add('#27', 'grant_type= (empty)', { request: () => tokenReq('grant_type=&scope=api%3Aread'), expect: invalidRequest })
  add('#27', 'grant_type without =', { request: () => tokenReq('grant_type&scope=api%3Aread'), expect: invalidRequest })
  add('#28', '__proto__, constructor, toString, hasOwnProperty next to a valid request', {
    request: () => tokenReq(`__proto__=x&constructor=y&toString=1&hasOwnProperty=1&${CC}`),
    expect: ok,
    changesState: true,
    after: async () => (({}) as Record<string, unknown>)['x'] === undefined && typeof Object.prototype.hasOwnProperty === 'function' ? undefined : 'prototype changed',
  })
  add('#29', 'grant_type[]=', { request: () => tokenReq('grant_type[]=client_credentials&scope=api%3Aread'), expect: invalidRequest })
  add('#29', 'grant_type[a]=b', { request: () => tokenReq('grant_type[a]=b&scope=api%3Aread'), expect: invalidRequest })
  add('#30', 'NUL in refresh_token', { request: () => refreshAsWeb('abc%00def-a-much-longer-junk'), expect: invalidGrant })
  add('#30', 'CR LF in client_id', { request: () => tokenReq(`${CC}&client_id=service-app%0D%0A%7B%22level%22%3A60%7D&client_secret=x`, { ...FORM }), expect: invalidClient })
  add('#31', 'invalid UTF-8 bytes in a value', { request: () => refreshAsWeb('%FF%FEjunk-junk-junk'), expect: invalidGrant })
  add('#31', 'raw invalid UTF-8 bytes in the body', {
    request: () => tokenReq(Buffer.concat([Buffer.from('grant_type=refresh_token&refresh_token='), Buffer.from([0xff, 0xfe, 0x41])]), { ...FORM, authorization: WEB_AUTH }),
    expect: invalidGrant,
  })
  for (const [name, value] of [
    ['Cyrillic е look-alike', 'refresh_tok%D0%B5n'],
    ['upper case', 'REFRESH_TOKEN'],
    ['full-width letters', encodeURIComponent('ｒｅｆｒｅｓｈ_token')],
    ['a trailing %20', 'refresh_token%20'],
  ]) {
    add('#32', `grant_type: ${name}`, {
      request: () => tokenReq(`grant_type=${value}&refresh_token=x`, { ...FORM, authorization: WEB_AUTH }),
      expect: { status: 400, error: 'unsupported_grant_type' },
    })
  }
  for (const [name, id] of [
    ['emoji', 'web-app😀'],
    ['RTL override', 'web-\u202eapp'],
    ['zero-width joiner', 'web\u200dapp'],
  ]) {
    add('#33', `client_id with ${name}`, { request: () => tokenReq(`${CC}&${form({ client_id: id!, client_secret: WEB.secret })}`, { ...FORM }), expect: invalidClient })
  }

  // C. Duplicate parameters and type confusion.
  add('#34', 'grant_type twice, same value', { request: () => tokenReq(`${CC}&grant_type=client_credentials`), expect: invalidRequest })
  add('#35', 'two refresh_token values, one valid', {
    request: (f) => refreshAsNative(f.native.refresh_token, '&refresh_token=junk'),
    expect: invalidRequest,
    after: (f) => stillUsable(f, f.native.refresh_token),
  })
  add('#36', 'client_secret twice in the body', {
    request: () => tokenReq(`${CC}&client_id=service-app&client_secret=service-app-secret&client_secret=x`, { ...FORM }),
    expect: invalidRequest,
  })
  add('#36', 'client_id twice in the body', {
    request: () => tokenReq(`${CC}&client_id=service-app&client_id=web-app&client_secret=service-app-secret`, { ...FORM }),
    expect: invalidRequest,
  })
  add('#37', 'two token values at /introspect', {
    request: (f) => tokenReq(`token=${f.native.access_token}&token=junk`, { ...FORM, authorization: WEB_AUTH }, `${A}/introspect`),
    expect: invalidRequest,
  })
  add('#38', 'two token values at /revoke', {
    request: (f) => tokenReq(`token=${f.web.refresh_token}&token=junk`, { ...FORM, authorization: WEB_AUTH }, `${A}/revoke`),
    expect: invalidRequest,
    after: mustBeActive((f) => f.web.refresh_token),
  })
  add('#39', 'scope twice', { request: () => tokenReq(`${CC}&scope=api%3Awrite`), expect: invalidRequest })
  add('#40', 'a duplicated unknown parameter (negative control)', { request: () => tokenReq(`foo=1&foo=2&${CC}`), expect: ok, changesState: true })
  add('#41', 'two Authorization headers (two clients)', { request: () => tokenReq(CC, { ...FORM, authorization: [SERVICE_AUTH, WEB_AUTH] }), expect: invalidRequest })

  // D. Client authentication.
  add('#42', 'no credentials at all', { request: () => tokenReq(CC, { ...FORM }), expect: invalidClient })
  add('#43', 'unknown client_id over Basic', { request: () => tokenReq(CC, { ...FORM, authorization: basic('no-such-client', 'service-app-secret') }), expect: invalidClient })
  add('#44', 'wrong secret of the same length', {
    request: () => tokenReq(CC, { ...FORM, authorization: basic(SERVICE.id, 'service-app-secreX') }),
    expect: invalidClient,
    after: async (f, body) => {
      const unknown = await f.t.app.inject(tokenReq(CC, { ...FORM, authorization: basic('no-such-client', 'service-app-secret') }))
      return unknown.body === body ? undefined : 'unknown client and wrong secret give different bodies (client enumeration)'
    },
  })
  for (const [name, secret] of [
    ['1 character', 'x'],
    ['40 KB', 's'.repeat(40_000)],
    ['multi-byte UTF-8', 'sécrèt-ü-秘密'],
  ]) {
    add('#45', `wrong secret: ${name} (post)`, { request: () => tokenReq(`${CC}&${form({ client_id: SERVICE.id, client_secret: secret! })}`, { ...FORM }), expect: invalidClient })
  }
  add('#45', 'wrong secret: multi-byte UTF-8 (Basic)', { request: () => tokenReq(CC, { ...FORM, authorization: basic(SERVICE.id, 'sécrèt-ü-秘密') }), expect: invalidClient })
  add('#46', 'Authorization: Basic (no token68)', { request: () => tokenReq(CC, { ...FORM, authorization: 'Basic' }), expect: invalidClient, departure: OKTA_BASIC })
  add('#47', 'Basic !!!', { request: () => tokenReq(CC, { ...FORM, authorization: 'Basic !!!' }), expect: invalidClient, departure: OKTA_BASIC })
  add('#47', 'valid base64 with junk after it', { request: () => tokenReq(CC, { ...FORM, authorization: `${SERVICE_AUTH}!!` }), expect: invalidClient, departure: OKTA_BASIC })
  add('#48', 'decodes to text with no colon', {
    request: () => tokenReq(CC, { ...FORM, authorization: 'Basic Zm9v' }),
    expect: invalidClient,
    departure: `${OKTA_BASIC} (no colon = public client id, as okta-auth-js sends it)`,
  })
  add('#49', 'empty id', { request: () => tokenReq(CC, { ...FORM, authorization: basicOf(':service-app-secret') }), expect: invalidClient, departure: OKTA_BASIC })
  add('#49', 'empty secret', { request: () => tokenReq(CC, { ...FORM, authorization: basicOf('service-app:') }), expect: invalidClient, departure: OKTA_BASIC })
  for (const scheme of ['basic', 'BASIC', 'Basic ']) {
    add('#50', `scheme "${scheme}" (negative control)`, {
      request: () => tokenReq(CC, { ...FORM, authorization: `${scheme} ${SERVICE_AUTH.slice(6)}` }),
      expect: ok,
      changesState: true,
    })
  }
  for (const scheme of ['Bearer', 'Digest', 'Negotiate']) {
    add('#51', `scheme ${scheme}`, { request: (f) => tokenReq(CC, { ...FORM, authorization: `${scheme} ${f.native.access_token}` }), expect: invalidClient, departure: OKTA_BASIC })
  }
  for (const client of APPENDIX_B_CLIENTS.slice(0, 2)) {
    add('#52', `Appendix B encoded id ${JSON.stringify(client.id)} (negative control)`, {
      config: 'appendixB',
      request: () => tokenReq(CC, { ...FORM, authorization: basicAppendixB(client.id, client.secret) }),
      expect: ok,
      changesState: true,
    })
  }
  add('#53', 'bad percent-encoding inside Basic', {
    request: () => tokenReq(CC, { ...FORM, authorization: basicOf('foo with %:foo with $') }),
    expect: invalidClient,
    departure: OKTA_BASIC,
  })
  add('#54', 'secret with a raw, unencoded +', {
    config: 'appendixB',
    request: () => tokenReq(CC, { ...FORM, authorization: basicOf(`plus-client:a+b-plus-secret`) }),
    expect: invalidClient,
  })
  add('#54', 'the same secret form-encoded (control)', {
    config: 'appendixB',
    request: () => tokenReq(CC, { ...FORM, authorization: basicOf(`plus-client:${formEncode('a+b-plus-secret')}`) }),
    expect: ok,
    changesState: true,
  })
  add('#55', 'latin-1 byte in the Basic header', {
    request: () => tokenReq(CC, { ...FORM, authorization: 'Basic \u00e9\u00e9\u00e9\u00e9' }),
    expect: invalidClient,
    departure: OKTA_BASIC,
  })
  add('#55', 'decoded credentials holding control characters', {
    request: () => tokenReq(CC, { ...FORM, authorization: basicOf('service-app:\u0001\u0007secret') }),
    expect: invalidClient,
  })
  add('#56', 'Basic header and client_secret in the body', {
    request: () => tokenReq(`${CC}&client_secret=${SERVICE.secret}`),
    expect: { status: 401, error: 'invalid_request' },
    departure: OKTA_MULTIPLE,
  })
  add('#57', 'Basic for A, body client_id=B', { request: () => tokenReq(`${CC}&client_id=web-app`), expect: { status: 401, error: 'invalid_request' }, departure: OKTA_MULTIPLE })
  add('#57', 'Basic for A, body client_id=A (accepted)', { request: () => tokenReq(`${CC}&client_id=service-app`), expect: ok, changesState: true })
  add('#58', 'a public client also sends a client_secret', {
    request: (f) => refreshAsNative(f.native.refresh_token, '&client_secret=some-secret-value'),
    expect: invalidClient,
    after: (f) => stillUsable(f, f.native.refresh_token),
  })
  add('#59', 'a confidential client sends only client_id', { request: () => tokenReq(`${CC}&client_id=service-app`, { ...FORM }), expect: invalidClient })
  add('#60', 'client_secret in the query string', {
    request: () => tokenReq(CC, { ...FORM, authorization: SERVICE_AUTH }, `${A}/token?client_secret=${SERVICE.secret}`),
    expect: invalidRequest,
  })
  add('#60', 'refresh_token in the query string', {
    request: (f) => tokenReq('grant_type=refresh_token', { ...FORM, authorization: WEB_AUTH }, `${A}/token?refresh_token=${f.web.refresh_token}`),
    expect: invalidRequest,
    after: (f) => stillUsable(f, f.web.refresh_token, 'web-app'),
  })

  // E. /token grant-level inputs.
  add('#63', 'grant_type missing', { request: () => tokenReq('scope=api%3Aread'), expect: invalidRequest })
  for (const grant of ['foo', 'implicit', 'token', 'code'])
    add('#64', `grant_type=${grant}`, { request: () => tokenReq(`grant_type=${grant}&scope=api%3Aread`), expect: { status: 400, error: 'unsupported_grant_type' } })
  add('#65', 'service client using password', {
    request: () => tokenReq('grant_type=password&username=alice%40example.com&password=alice-password&scope=openid'),
    expect: { status: 400, error: 'unauthorized_client' },
  })
  add('#65', 'public native client using client_credentials', {
    request: () => tokenReq(`${CC}&client_id=native-app`, { ...FORM }),
    expect: { status: 400, error: 'unauthorized_client' },
  })
  add('#66', 'refresh_token missing', { request: () => tokenReq('grant_type=refresh_token', { ...FORM, authorization: WEB_AUTH }), expect: invalidRequest })
  add('#67', 'unknown refresh token of the right shape', { request: () => refreshAsWeb('A'.repeat(43)), expect: invalidGrant })
  add('#67', 'garbage refresh token', { request: () => refreshAsWeb('this-is-garbage-not-a-token'), expect: invalidGrant })
  add('#68', 'absolute lifetime passed', { config: 'lifetime', request: anHourLater((f) => refreshAsNative(f.native.refresh_token)), expect: invalidGrant })
  add('#69', 'idle longer than 7 days', {
    request: (f) => {
      f.t.clock.advance(7 * 86_400 + 1)
      return refreshAsNative(f.native.refresh_token)
    },
    expect: invalidGrant,
  })
  add('#70', 'revoked through /revoke', {
    request: async (f) => {
      await post(f.t.app, 'revoke', { token: f.native.refresh_token, client_id: 'native-app' })
      return refreshAsNative(f.native.refresh_token)
    },
    expect: invalidGrant,
  })
  add('#71', "another client's refresh token", {
    request: (f) => refreshAsWeb(f.native.refresh_token),
    expect: invalidGrant,
    after: (f) => stillUsable(f, f.native.refresh_token),
  })
  add('#72', 'an access token as refresh_token', { request: (f) => refreshAsWeb(f.web.access_token), expect: invalidGrant })
  add('#72', 'an ID token as refresh_token', { request: (f) => refreshAsWeb(f.web.id_token!), expect: invalidGrant })
  add('#73', 'an alg:none JWT as refresh_token', { request: (f) => refreshAsWeb(unsignedJwt(payloadOf(f.web.access_token))), expect: invalidGrant })
  add('#73', 'a JWT signed by a foreign key as refresh_token', {
    request: async (f) => refreshAsWeb(await signedByForeignKey(payloadOf(f.web.access_token), kidOf(f.web.access_token))),
    expect: invalidGrant,
  })
  add('#74', 'refresh asking for more scope than granted', {
    request: (f) => refreshAsNative(f.native.refresh_token, '&scope=openid%20api%3Awrite'),
    expect: { status: 400, error: 'access_denied' },
    departure: 'bar: 400 invalid_scope; Okta: 400 access_denied "Some of the scopes requested for the refresh request were not granted…"',
    after: (f) => stillUsable(f, f.native.refresh_token),
  })
  add('#75', 'refresh asking for less scope (negative control)', {
    request: (f) => refreshAsNative(f.native.refresh_token, '&scope=openid%20offline_access'),
    expect: ok,
    changesState: true,
    after: async (f, body) => {
      const next = JSON.parse(body) as { refresh_token: string; scope: string }
      const scope = (await post(f.t.app, 'introspect', { token: next.refresh_token, client_id: 'native-app' })).json<{ scope: string }>().scope
      return next.scope === 'openid offline_access' && scope === 'openid profile email offline_access' ? undefined : `AT scope ${next.scope}, new RT scope ${scope}`
    },
  })
  for (const [name, scope] of [
    ['a double quote', 'a%22b'],
    ['a backslash', 'a%5Cb'],
    ['a control character', 'a%01b'],
    ['over 4096 characters', 'a'.repeat(4097)],
  ]) {
    add('#76', `malformed scope: ${name}`, {
      request: (f) => refreshAsNative(f.native.refresh_token, `&scope=${scope}`),
      expect: invalidScope,
      after: (f) => stillUsable(f, f.native.refresh_token),
    })
  }
  add('#76', 'a scope the server does not have (here: a refresh token), never echoed', {
    request: (f) => refreshAsNative(f.native.refresh_token, `&scope=openid%20${f.native.refresh_token}`),
    expect: invalidScope,
    after: (f) => stillUsable(f, f.native.refresh_token),
  })
  add('#77', 'an already-rotated refresh token outside grace (reuse: family revoked)', {
    request: async (f) => refreshAsNative((await rotatedOutsideGrace(f)).old),
    expect: invalidGrant,
    changesState: true,
    after: async (f) => ((await isActive(f, f.native.access_token)) ? "the family's access token survived the reuse" : undefined),
  })
  add('#78', 'a refresh token of a family revoked by reuse detection', {
    request: async (f) => {
      const { old, current } = await rotatedOutsideGrace(f)
      await f.t.app.inject(refreshAsNative(old))
      return refreshAsNative(current)
    },
    expect: invalidGrant,
  })
  add('#86', 'client_credentials without scope', { request: () => tokenReq('grant_type=client_credentials'), expect: invalidScope })
  add('#86', 'client_credentials with an unknown scope', { request: () => tokenReq('grant_type=client_credentials&scope=nope'), expect: invalidScope })
  add('#86', 'client_credentials with offline_access', { request: () => tokenReq('grant_type=client_credentials&scope=api%3Aread%20offline_access'), expect: invalidScope })
  const pw = (params: Record<string, string>) => tokenReq(form({ grant_type: 'password', scope: 'openid', ...params }), { ...FORM, authorization: WEB_AUTH })
  add('#87', 'password grant: wrong password', { request: () => pw({ username: 'alice@example.com', password: 'not-alice-password' }), expect: invalidGrant })
  add('#87', 'password grant: username missing', { request: () => pw({ password: 'alice-password' }), expect: invalidRequest })
  add('#87', 'password grant: a 10 KB username', { request: () => pw({ username: 'u'.repeat(10_000), password: 'alice-password' }), expect: invalidGrant })

  // F. /introspect.
  add('#88', 'token missing', { request: () => at('introspect', {}), expect: invalidRequest })
  add('#89', 'no client authentication', { request: (f) => at('introspect', { token: f.web.access_token }, null), expect: invalidClient })
  add('#90', 'wrong secret with a live token', { request: (f) => at('introspect', { token: f.web.access_token }, basic(WEB.id, 'wrong-web-secret')), expect: invalidClient })
  for (const junk of ['this is not even a token', '   ', 'a.b.c'])
    add('#91', `garbage ${JSON.stringify(junk)}`, { request: () => at('introspect', { token: junk }), expect: inactive })
  add('#92', 'expired access token', { request: anHourLater((f) => at('introspect', { token: f.web.access_token })), expect: inactive })
  add('#92', 'revoked access token', { request: onceRevoked('introspect', (f) => f.web.access_token), expect: inactive })
  add('#92', 'revoked refresh token', { request: onceRevoked('introspect', (f) => f.web.refresh_token), expect: inactive })
  add('#92', 'rotated (consumed) refresh token, past grace', {
    request: async (f) => at('introspect', { token: (await rotatedOutsideGrace(f)).old, client_id: 'native-app' }, null),
    expect: inactive,
  })
  add('#93', 'alg:none JWT with valid claims', { request: (f) => at('introspect', { token: unsignedJwt(payloadOf(f.web.access_token)) }), expect: inactive })
  add('#93', "alg:none JWT with a real key's kid", {
    request: (f) => at('introspect', { token: unsignedJwt(payloadOf(f.web.access_token), kidOf(f.web.access_token)) }),
    expect: inactive,
  })
  add('#94', 'our kid, a foreign RSA key', {
    request: async (f) => at('introspect', { token: await signedByForeignKey(payloadOf(f.web.access_token), kidOf(f.web.access_token)) }),
    expect: inactive,
  })
  add('#94', 'an unknown kid', { request: async (f) => at('introspect', { token: await signedByForeignKey(payloadOf(f.web.access_token), 'no-such-kid') }), expect: inactive })
  add('#94', "an embedded jwk header carrying the attacker's key", {
    request: async (f) => {
      const { SignJWT, generateKeyPair, exportJWK } = await import('jose')
      const pair = await generateKeyPair('RS256', { extractable: true })
      const jwk = await exportJWK(pair.publicKey)
      const token = await new SignJWT(payloadOf(f.web.access_token)).setProtectedHeader({ alg: 'RS256', kid: kidOf(f.web.access_token), jwk }).sign(pair.privateKey)
      return at('introspect', { token })
    },
    expect: inactive,
  })
  add('#95', 'HS256 keyed with our public key', {
    request: (f) => at('introspect', { token: hs256WithPublicKey(payloadOf(f.web.access_token), f.t.ctx.servers.resolve('default').accessTokenKey) }),
    expect: inactive,
  })
  add('#96', 'payload tampered (scope changed)', {
    request: (f) => at('introspect', { token: withTamperedPayload(f.web.access_token, (p) => (p['scp'] = ['api:write'])) }),
    expect: inactive,
  })
  add('#96', 'an unknown crit header', {
    request: async (f) => {
      const [, payload, signature] = f.web.access_token.split('.')
      const header = Buffer.from(JSON.stringify({ kid: kidOf(f.web.access_token), alg: 'RS256', crit: ['x-unknown'], 'x-unknown': 1 })).toString('base64url')
      return at('introspect', { token: `${header}.${payload}.${signature}` })
    },
    expect: inactive,
  })
  for (const junk of ['abc', 'a.b', '..', 'a.b.c.d.e']) add('#97', `unparseable ${JSON.stringify(junk)}`, { request: () => at('introspect', { token: junk }), expect: inactive })
  add('#98', "another authorization server's token", { request: async (f) => at('introspect', { token: (await signIn(f.t.app, { server: '' })).access_token }), expect: inactive })
  add('#99', "another client's access token, asked by a confidential client (policy: real answer)", {
    request: (f) => at('introspect', { token: f.native.access_token }),
    expect: { status: 200 },
    after: async (_f, body) => (JSON.parse(body).active === true ? undefined : 'expected active:true'),
  })
  add('#99', "another client's access token, asked by a public client", {
    request: (f) => at('introspect', { token: f.native.access_token, client_id: 'spa-app' }, null),
    expect: inactive,
  })
  add('#100', 'wrong hint refresh_token for an access token', {
    request: (f) => at('introspect', { token: f.web.access_token, token_type_hint: 'refresh_token' }),
    expect: { status: 200 },
    after: async (_f, body) => (JSON.parse(body).active === true ? undefined : 'expected active:true'),
  })
  add('#100', 'unknown hint foo', {
    request: (f) => at('introspect', { token: f.web.access_token, token_type_hint: 'foo' }),
    expect: { status: 200 },
    after: async (_f, body) => (JSON.parse(body).active === true ? undefined : 'expected active:true'),
  })
  add('#102', 'an ID token with token_type_hint=id_token (mirrors Okta: active)', {
    request: (f) => at('introspect', { token: f.web.id_token!, token_type_hint: 'id_token' }),
    expect: { status: 200 },
    after: async (_f, body) => (JSON.parse(body).active === true ? undefined : 'expected active:true'),
  })
  add('#103', 'a 60 KB token', { request: () => at('introspect', { token: 'T'.repeat(60_000) }), expect: inactive })
  add('#103', 'a JWT with a 50 KB header', {
    request: (f) => {
      const [, payload, signature] = f.web.access_token.split('.')
      const header = Buffer.from(JSON.stringify({ kid: kidOf(f.web.access_token), alg: 'RS256', pad: 'p'.repeat(36_000) })).toString('base64url')
      return at('introspect', { token: `${header}.${payload}.${signature}` })
    },
    expect: inactive,
  })
  add('#104', 'a valid token with a trailing newline', { request: (f) => at('introspect', { token: `${f.web.access_token}\n` }), expect: inactive })
  add('#104', 'a valid token with a leading space', { request: (f) => at('introspect', { token: ` ${f.web.access_token}` }), expect: inactive })
  add('#105', 'a public client_id in the query string', {
    request: (f) => at('introspect', { token: f.native.access_token }, null, '?client_id=native-app'),
    expect: { status: 200 },
    after: async (_f, body) => (JSON.parse(body).active === true ? undefined : 'expected the same answer as with client_id in the body'),
  })
  add('#105', 'a secret in the query string', {
    request: (f) => at('introspect', { token: f.web.access_token }, null, `?client_id=web-app&client_secret=${WEB.secret}`),
    expect: invalidRequest,
  })

  // G. /revoke.
  add('#106', 'token missing', { request: () => at('revoke', {}), expect: invalidRequest })
  add('#107', 'no client authentication', {
    request: (f) => at('revoke', { token: f.web.refresh_token }, null),
    expect: invalidClient,
    after: mustBeActive((f) => f.web.refresh_token),
  })
  add('#107', 'a wrong secret', {
    request: (f) => at('revoke', { token: f.web.refresh_token }, basic(WEB.id, 'wrong-web-secret')),
    expect: invalidClient,
    after: mustBeActive((f) => f.web.refresh_token),
  })
  add('#108', 'a garbage token', { request: () => at('revoke', { token: 'garbage-garbage-garbage' }), expect: revoked })
  add('#108', 'an expired access token', { request: anHourLater((f) => at('revoke', { token: f.web.access_token })), expect: revoked })
  add('#108', 'an already-revoked refresh token', { request: onceRevoked('revoke', (f) => f.web.refresh_token), expect: revoked })
  add('#109', "another client's token: 200 and it stays active", {
    request: (f) => at('revoke', { token: f.native.refresh_token }),
    expect: revoked,
    after: (f) => stillUsable(f, f.native.refresh_token),
  })
  add('#110', 'unknown token_type_hint=foo: ignored, the token is revoked', {
    request: (f) => at('revoke', { token: f.web.refresh_token, token_type_hint: 'foo' }),
    expect: revoked,
    changesState: true,
    after: mustBeInactive((f) => f.web.refresh_token),
  })
  add('#111', 'wrong hint access_token for a refresh token: revoked', {
    request: (f) => at('revoke', { token: f.web.refresh_token, token_type_hint: 'access_token' }),
    expect: revoked,
    changesState: true,
    after: mustBeInactive((f) => f.web.refresh_token),
  })
  add('#112', "a forged alg:none JWT carrying a real token's jti and family", {
    request: (f) => at('revoke', { token: unsignedJwt(payloadOf(f.web.access_token)) }),
    expect: revoked,
    after: mustBeActive((f) => f.web.access_token),
  })
  add('#112', "a JWT signed by a foreign key carrying a real token's jti", {
    request: async (f) => at('revoke', { token: await signedByForeignKey(payloadOf(f.web.access_token), kidOf(f.web.access_token)) }),
    expect: revoked,
    after: mustBeActive((f) => f.web.access_token),
  })
  add('#113', 'the same token revoked twice', {
    request: async (f) => {
      await post(f.t.app, 'revoke', { token: f.web.refresh_token }, { authorization: WEB_AUTH })
      return at('revoke', { token: f.web.refresh_token })
    },
    expect: revoked,
  })
  add('#113', 'the same token revoked 16 times in parallel', {
    request: async (f) => {
      const all = await Promise.all(Array.from({ length: 16 }, () => post(f.t.app, 'revoke', { token: f.web.refresh_token }, { authorization: WEB_AUTH })))
      if (all.some((x) => x.statusCode !== 200)) throw new Error('a parallel revoke failed')
      return at('revoke', { token: f.web.refresh_token })
    },
    expect: revoked,
  })

  // H. /keys and discovery.
  for (const method of ['POST', 'PUT'] as const)
    add('#114', `${method} /keys`, { request: () => ({ method, url: `${A}/keys`, headers: FORM, payload: 'a=b' }), expect: { status: 405, error: 'invalid_request' } })
  add('#115', 'GET /keys?client_id=<10 KB garbage>', {
    request: () => ({ method: 'GET', url: `${A}/keys?client_id=${'g'.repeat(10_000)}` }),
    expect: { status: 200 },
    after: async (f, body) => (body === (await f.t.app.inject({ method: 'GET', url: `${A}/keys` })).body ? undefined : 'a different JWKS'),
  })
  add('#116', 'unknown authorization server /oauth2/nope/v1/keys', {
    request: () => ({ method: 'GET', url: '/oauth2/nope/v1/keys' }),
    expect: { status: 404 },
    departure: 'bar: 404 OAuth JSON; Okta: 404 with its API error body E0000007',
  })
  for (const url of [`${A}/keys`, '/oauth2/v1/keys']) {
    add('#117', `JWKS hygiene at ${url}`, {
      request: () => ({ method: 'GET', url }),
      expect: { status: 200 },
      after: async (f, body) => jwksProblems(JSON.parse(body), (await f.t.app.inject({ method: 'GET', url })).headers['cache-control']),
    })
  }
  add('discovery', 'POST to the discovery document', {
    request: () => ({ method: 'POST', url: '/oauth2/default/.well-known/openid-configuration', headers: FORM, payload: 'a=b' }),
    expect: { status: 404, error: 'invalid_request' },
  })
  add('discovery', 'discovery of an unknown server', { request: () => ({ method: 'GET', url: '/oauth2/nope/.well-known/openid-configuration' }), expect: { status: 404 } })
  return r
}

/** docs/reliability.md § #117: public RSA signing keys only, distinct kids, at least 2048 bits, a max-age. */
function jwksProblems(jwks: { keys?: Array<Record<string, unknown>> }, cacheControl: unknown): string | undefined {
  const keys = jwks.keys
  if (!Array.isArray(keys) || keys.length === 0) return 'no keys'
  for (const k of keys) {
    for (const member of ['kid', 'kty', 'alg', 'use']) if (typeof k[member] !== 'string') return `a key without ${member}`
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) if (member in k) return `a key with private member ${member}`
    if (k['kty'] !== 'RSA') return `a ${k['kty']} key`
    if (Buffer.from(String(k['n']), 'base64url').length * 8 < 2048) return 'an RSA key under 2048 bits'
  }
  if (new Set(keys.map((k) => k['kid'])).size !== keys.length) return 'duplicate kids'
  if (!/max-age=\d+/.test(String(cacheControl))) return 'no max-age'
  return undefined
}

export const catalogueRows = rows
