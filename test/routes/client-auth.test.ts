/**
 * Client authentication at /token, /introspect and /revoke (docs/okta-behaviour.md § 3; docs/reliability.md § 1D, SP-11):
 * every accepted form, and Okta's exact 401/400 for every rejected one.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ClientConfig } from '../../src/config/types.js'
import { BASE_URL, DEFAULT_AS, FORM, SERVICE, WEB, basic, buildTestApp, form, post } from '../helpers/app.js'
import { basicAppendixB, basicOf } from '../helpers/client-credentials.js'
import { assertMocktaError, assertOktaError } from '../helpers/oauth-assert.js'

const ISSUER = `${BASE_URL}/oauth2/default`
const CHALLENGE = `Basic realm="${ISSUER}"`
const CC = { grant_type: 'client_credentials', scope: 'api:read' }

/** Service clients whose credentials need RFC 6749 Appendix B encoding. */
const ODD_CLIENTS = [
  { id: 'an:identifier', secret: 'some secure & non-standard secret' },
  { id: ' %&+', secret: ' %&+' },
  { id: 'plus-client', secret: 'a+b' },
]

const serviceClient = (id: string, secret: string): ClientConfig => ({
  id,
  name: id,
  type: 'service',
  secret,
  authMethods: ['client_secret_basic', 'client_secret_post'],
  grantTypes: ['client_credentials'],
  redirectUris: [],
  postLogoutRedirectUris: [],
  scopes: ['api:read'],
  pkceRequired: false,
  refreshToken: { rotation: 'rotate', graceSeconds: 30 },
})

const token = (app: FastifyInstance, params: Record<string, string>, authorization?: string) => post(app, 'token', params, authorization === undefined ? {} : { authorization })

t.test('client_secret_basic and client_secret_post are accepted at every endpoint', async (t) => {
  const { app } = await buildTestApp(t)
  const viaBasic = await token(app, CC, basic(SERVICE.id, SERVICE.secret))
  t.equal(viaBasic.statusCode, 200, viaBasic.body)
  t.equal(viaBasic.json().token_type, 'Bearer')
  const viaPost = await token(app, { ...CC, client_id: SERVICE.id, client_secret: SERVICE.secret })
  t.equal(viaPost.statusCode, 200, viaPost.body)
  for (const endpoint of ['introspect', 'revoke'] as const) {
    t.equal((await post(app, endpoint, { token: 'x' }, { authorization: basic(WEB.id, WEB.secret) })).statusCode, 200, `${endpoint} basic`)
    t.equal((await post(app, endpoint, { token: 'x', client_id: WEB.id, client_secret: WEB.secret })).statusCode, 200, `${endpoint} post`)
  }
})

t.test('RFC 6749 Appendix B: id and secret are form-encoded before base64', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => c.clients.push(...ODD_CLIENTS.map((o) => serviceClient(o.id, o.secret))) })
  for (const { id, secret } of ODD_CLIENTS) {
    const strict = await token(app, CC, basicAppendixB(id, secret))
    t.equal(strict.statusCode, 200, `${JSON.stringify(id)}: space as "+": ${strict.body}`)
    // A space percent-encoded as %20 decodes the same.
    t.equal((await token(app, CC, basic(id, secret))).statusCode, 200, `${JSON.stringify(id)}: space as %20`)
    t.equal((await token(app, { ...CC, client_id: id, client_secret: secret })).statusCode, 200, `${JSON.stringify(id)}: post`)
  }
  // Without the encoding the first ':' splits the id, and a raw '+' decodes to a space (docs/reliability.md § #54).
  assertOktaError(t, await token(app, CC, basicOf('an:identifier:some secure & non-standard secret')), 'invalid_client')
  assertOktaError(t, await token(app, CC, basicOf('plus-client:a+b')), 'invalid_client')
})

t.test('public clients: client_id in the body, Basic without a colon, ?client_id= at introspect and revoke', async (t) => {
  const { app } = await buildTestApp(t)
  const password = { grant_type: 'password', username: 'alice@example.com', password: 'alice-password', scope: 'openid' }
  t.equal((await token(app, { ...password, client_id: 'native-app' })).statusCode, 200, 'body client_id at /token')
  for (const endpoint of ['introspect', 'revoke'] as const) {
    t.equal((await post(app, endpoint, { token: 'x', client_id: 'native-app' })).statusCode, 200, `${endpoint}: body`)
    // okta-auth-js sends `Basic base64(client_id)` for public clients (AUTHJS revokeToken.ts, introspect.ts).
    t.equal((await post(app, endpoint, { token: 'x' }, { authorization: basicOf('native-app') })).statusCode, 200, `${endpoint}: Basic id`)
    const query = await app.inject({ method: 'POST', url: `${DEFAULT_AS}/${endpoint}?client_id=native-app`, headers: FORM, payload: form({ token: 'x' }) })
    t.equal(query.statusCode, 200, `${endpoint}: query`)
  }
  // Okta documents the query form for /introspect and /revoke only.
  const query = await app.inject({ method: 'POST', url: `${DEFAULT_AS}/token?client_id=native-app`, headers: FORM, payload: form(password) })
  assertOktaError(t, query, 'missing_client_credentials')
  // A confidential client cannot drop its secret by using the colon-less form.
  assertOktaError(t, await post(app, 'introspect', { token: 'x' }, { authorization: basicOf(WEB.id) }), 'invalid_client')
})

t.test('no credentials: 401 "No client credentials found." without a challenge', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [endpoint, params] of [
    ['token', CC],
    ['introspect', { token: 'x' }],
    ['revoke', { token: 'x' }],
  ] as const) {
    const res = await post(app, endpoint, params)
    assertOktaError(t, res, 'missing_client_credentials')
    t.equal(res.headers['www-authenticate'], undefined, `${endpoint}: no challenge without an Authorization header`)
  }
})

t.test('unknown client and wrong secret: identical bodies; a Basic challenge only after Basic', async (t) => {
  const { app } = await buildTestApp(t)
  const attempts = {
    unknownBasic: await token(app, CC, basic('no-such-client', SERVICE.secret)),
    wrongBasic: await token(app, CC, basic(SERVICE.id, 'service-app-secreT')),
    unknownPost: await token(app, { ...CC, client_id: 'no-such-client', client_secret: SERVICE.secret }),
    wrongPost: await token(app, { ...CC, client_id: SERVICE.id, client_secret: 'service-app-secreT' }),
  }
  for (const [name, res] of Object.entries(attempts)) {
    assertOktaError(t, res, 'invalid_client')
    t.equal(res.body, attempts.unknownBasic.body, `${name}: byte-identical body (no client enumeration)`)
    t.equal(res.headers['www-authenticate'], name.endsWith('Basic') ? CHALLENGE : undefined, `${name}: challenge`)
  }
  // The realm is the issuer of the server addressed: the org server's is the bare origin.
  const org = await post(app, 'token', CC, { authorization: basic(SERVICE.id, 'wrong'), server: '' })
  t.equal(org.headers['www-authenticate'], `Basic realm="${BASE_URL}"`)
})

t.test('malformed Basic credentials: 401 "Found Authentication header but was not valid client credentials."', async (t) => {
  const { app } = await buildTestApp(t)
  const good = Buffer.from(`${SERVICE.id}:${SERVICE.secret}`).toString('base64')
  const malformed: Record<string, string> = {
    'no token68': 'Basic',
    'not base64': 'Basic !!!',
    'valid base64 then junk': `Basic ${good}!!`,
    'bad padding': 'Basic Zm9vOmJhcg=',
    'bad percent-encoding in the id': basicOf('foo with %:foo with $'),
    'bad percent-encoding in the secret': basicOf(`${SERVICE.id}:%E0%A4%A`),
    'invalid UTF-8': `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x61]).toString('base64')}`,
    'empty id': basicOf(`:${SERVICE.secret}`),
    'empty secret': basicOf(`${SERVICE.id}:`),
    'Bearer scheme': 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln',
    'Digest scheme': 'Digest username="service-app"',
  }
  for (const [name, authorization] of Object.entries(malformed)) {
    const res = await token(app, CC, authorization)
    t.test(name, async (t) => {
      assertOktaError(t, res, 'invalid_basic_auth_creds')
      t.equal(res.headers['www-authenticate'], CHALLENGE)
    })
  }
})

t.test('the scheme is case-insensitive and may be followed by several spaces (RFC 9110 §11.1)', async (t) => {
  const { app } = await buildTestApp(t)
  const credentials = basic(SERVICE.id, SERVICE.secret).slice('Basic '.length)
  for (const authorization of [`basic ${credentials}`, `BASIC ${credentials}`, `Basic  ${credentials}`]) {
    t.equal((await token(app, CC, authorization)).statusCode, 200, authorization.slice(0, 8))
  }
})

t.test('one mechanism only: header plus body credentials', async (t) => {
  const { app } = await buildTestApp(t)
  const header = basic(SERVICE.id, SERVICE.secret)
  const cases: Record<string, Record<string, string>> = {
    'body secret too': { client_secret: SERVICE.secret },
    'body client_id of another client': { client_id: WEB.id },
    'a client_assertion too': { client_assertion: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' },
  }
  for (const [name, extra] of Object.entries(cases)) {
    const res = await token(app, { ...CC, ...extra }, header)
    t.test(name, async (t) => {
      assertOktaError(t, res, 'multiple_client_credentials')
      t.equal(res.headers['www-authenticate'], CHALLENGE)
    })
  }
  t.equal((await token(app, { ...CC, client_id: SERVICE.id }, header)).statusCode, 200, 'a body client_id naming the same client is accepted')
})

t.test('client credentials in the query string: 400 at every endpoint', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [endpoint, params] of [
    ['token', CC],
    ['introspect', { token: 'x' }],
    ['revoke', { token: 'x' }],
  ] as const) {
    for (const query of [`client_secret=${SERVICE.secret}`, 'client_assertion=eyJ.e30.c2ln']) {
      const res = await app.inject({
        method: 'POST',
        url: `${DEFAULT_AS}/${endpoint}?${query}`,
        headers: { ...FORM, authorization: basic(SERVICE.id, SERVICE.secret) },
        payload: form(params),
      })
      assertOktaError(t, res, 'client_credentials_in_query')
    }
  }
})

t.test('a method the client does not have: 401 invalid_client', async (t) => {
  const { app } = await buildTestApp(t)
  const password = { grant_type: 'password', username: 'alice@example.com', password: 'alice-password', scope: 'openid' }
  // A public client that sends a secret (docs/okta-behaviour.md § 3: treated as a method mismatch).
  assertOktaError(t, await token(app, { ...password, client_id: 'native-app', client_secret: 'anything' }), 'invalid_client')
  assertOktaError(t, await token(app, password, basic('native-app', 'anything')), 'invalid_client')
  // A confidential client that sends only its id (RFC 6749 §6).
  assertOktaError(t, await token(app, { ...CC, client_id: SERVICE.id }), 'invalid_client')
  assertOktaError(t, await post(app, 'introspect', { token: 'x', client_id: WEB.id }), 'invalid_client')
})

t.test('secrets of any length or alphabet are compared without a 5xx (SP-1)', async (t) => {
  const { app } = await buildTestApp(t)
  const secrets = { '1 char': 'x', '60 KB': 'x'.repeat(60_000), '100 KB': 'x'.repeat(100_000), 'multi-byte': 'sécret ☃ 𝄞 service-app-secret' }
  for (const [name, secret] of Object.entries(secrets)) {
    assertOktaError(t, await token(app, CC, basic(SERVICE.id, secret)), 'invalid_client')
    if (name !== '100 KB') assertOktaError(t, await token(app, { ...CC, client_id: SERVICE.id, client_secret: secret }), 'invalid_client')
  }
  // Raw UTF-8 in the Basic credentials, not percent-encoded.
  assertOktaError(t, await token(app, CC, basicOf(`${SERVICE.id}:sécret☃`)), 'invalid_client')
  // Empty: absent in the body (RFC 6749 §3.1), malformed in the header.
  assertOktaError(t, await token(app, { ...CC, client_id: SERVICE.id, client_secret: '' }), 'invalid_client')
  assertOktaError(t, await token(app, CC, basicOf(`${SERVICE.id}:`)), 'invalid_basic_auth_creds')
  // A 100 KB secret in the body is over the 64 KiB body limit.
  const huge = await token(app, { ...CC, client_id: SERVICE.id, client_secret: secrets['100 KB'] })
  assertMocktaError(t, huge, 'body_too_large', 413, 'invalid_request')
})

t.test('two Authorization headers: 400, whichever comes first (docs/reliability.md § #41)', async (t) => {
  const { app } = await buildTestApp(t)
  for (const order of [
    [basic(SERVICE.id, SERVICE.secret), basic(WEB.id, WEB.secret)],
    [basic(WEB.id, 'wrong'), basic(SERVICE.id, SERVICE.secret)],
  ]) {
    // An array sends the header once per value (light-my-request keeps each in rawHeaders, as Node does).
    const res = await app.inject({ method: 'POST', url: `${DEFAULT_AS}/token`, headers: { ...FORM, Authorization: order }, payload: form(CC) })
    assertMocktaError(t, res, 'duplicate_header', 400, 'invalid_request')
  }
})
