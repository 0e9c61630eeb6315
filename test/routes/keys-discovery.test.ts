/**
 * GET /v1/keys (docs/okta-behaviour.md § 8; docs/reliability.md § 1H, SP-13, SP-19) and the discovery documents (docs/okta-behaviour.md
 * § 1.1, 1.3): what verifiers fetch before they trust a token.
 */
import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import { BASE_URL, FORM, buildTestApp, signIn } from '../helpers/app.js'
import { kidOf, payloadOf } from '../helpers/forged-jwt.js'
import type { Asserts } from '../helpers/oauth-assert.js'

const KEYS = { default: '/oauth2/default/v1/keys', org: '/oauth2/v1/keys' }
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

const get = (app: FastifyInstance, url: string) => app.inject({ method: 'GET', url })

const modulusBits = (n: string): number => {
  const bytes = Buffer.from(n, 'base64url')
  return (bytes.length - 1) * 8 + (32 - Math.clz32(bytes[0]!))
}

t.test('/v1/keys publishes public RS256 signing keys only, cacheable for a while', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [server, url] of Object.entries(KEYS)) {
    const res = await get(app, url)
    t.equal(res.statusCode, 200, `${server}: 200`)
    t.match(res.headers['content-type'], /^application\/json/)
    t.match(res.headers['cache-control'], /^max-age=\d+, must-revalidate$/, `${server}: Cache-Control as Okta sends it`)
    const { keys } = res.json() as JSONWebKeySet
    t.ok(keys.length >= 1, `${server}: at least one key`)
    for (const key of keys) {
      t.strictSame(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use'], `${server} ${key.kid}: exactly the public members`)
      t.match(key, { kty: 'RSA', alg: 'RS256', use: 'sig', kid: /^[A-Za-z0-9_-]{43}$/, n: /^[A-Za-z0-9_-]+$/, e: 'AQAB' })
      t.notOk(
        PRIVATE_MEMBERS.some((m) => m in key),
        `${server} ${key.kid}: no private or symmetric member`,
      )
      t.ok(modulusBits(key.n!) >= 2048, `${server} ${key.kid}: at least 2048 bits`)
    }
    t.equal(new Set(keys.map((k) => k.kid)).size, keys.length, `${server}: distinct kids`)
  }
})

t.test("the org server does not publish its access-token key, as Okta doesn't (docs/okta-behaviour.md § 5.1)", async (t) => {
  const { app } = await buildTestApp(t)
  const org = await signIn(app, { server: '' })
  const published = (await get(app, KEYS.org)).json().keys.map((k: { kid: string }) => k.kid)
  t.notOk(published.includes(kidOf(org.access_token)), 'the org access token’s kid is absent from /oauth2/v1/keys')
  t.ok(published.includes(kidOf(org.id_token!)), 'the org ID token’s kid is published')
  // Its tokens are still good: introspection is how they are checked (G-VAT).
  const res = await app.inject({ method: 'POST', url: '/oauth2/v1/introspect', headers: FORM, payload: `client_id=native-app&token=${org.access_token}` })
  t.equal(res.json().active, true)
})

t.test('a custom-server access token and ID token verify against its /keys with jose', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const tokens = await signIn(app)
  const jwks = createLocalJWKSet((await get(app, KEYS.default)).json())
  const options = { algorithms: ['RS256'], issuer: `${BASE_URL}/oauth2/default`, currentDate: new Date(clock.nowMs()) }
  const at = await jwtVerify(tokens.access_token, jwks, { ...options, audience: 'api://default' })
  t.equal(at.payload.sub, 'alice@example.com')
  t.strictSame(at.protectedHeader, { kid: kidOf(tokens.access_token), alg: 'RS256' }, 'kid and alg, no typ (docs/okta-behaviour.md § 5.1)')
  const id = await jwtVerify(tokens.id_token!, jwks, { ...options, audience: 'native-app' })
  t.equal(id.payload.sub, '00ualice000000000001')
})

const DISCOVERY = {
  'default, OpenID': ['/oauth2/default/.well-known/openid-configuration', `${BASE_URL}/oauth2/default`],
  'default, OAuth': ['/oauth2/default/.well-known/oauth-authorization-server', `${BASE_URL}/oauth2/default`],
  'default, RFC 8414 form': ['/.well-known/oauth-authorization-server/oauth2/default', `${BASE_URL}/oauth2/default`],
  'org, OpenID': ['/.well-known/openid-configuration', BASE_URL],
  'org, OAuth': ['/.well-known/oauth-authorization-server', BASE_URL],
} as const

t.test('discovery documents: issuer, and every advertised endpoint is served', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [name, [url, issuer]] of Object.entries(DISCOVERY)) {
    const res = await get(app, url)
    t.equal(res.statusCode, 200, `${name}: 200`)
    t.match(res.headers['content-type'], /^application\/json/)
    const doc = res.json() as Record<string, unknown>
    t.equal(doc['issuer'], issuer, `${name}: issuer`)
    const base = issuer === BASE_URL ? `${BASE_URL}/oauth2/v1` : `${issuer}/v1`
    t.match(doc, { token_endpoint: `${base}/token`, jwks_uri: `${base}/keys`, introspection_endpoint: `${base}/introspect`, revocation_endpoint: `${base}/revoke` })
    const advertised = Object.entries(doc).filter(([k]) => k.endsWith('_endpoint') || k === 'jwks_uri')
    t.ok(advertised.length >= 4, `${name}: endpoints advertised`)
    for (const [member, value] of advertised) {
      t.ok(typeof value === 'string' && value.startsWith(`${BASE_URL}/`), `${name} ${member}: under the base URL`)
      const path = String(value).slice(BASE_URL.length)
      const method = member === 'jwks_uri' ? 'GET' : 'POST'
      const served = method === 'GET' ? await get(app, path) : await app.inject({ method, url: path, headers: FORM, payload: 'token=x' })
      t.notOk([404, 405].includes(served.statusCode), `${name} ${member}: ${method} ${path} is served (${served.statusCode})`)
    }
  }
})

t.test("the discovery issuer is byte-equal to the tokens' iss", async (t) => {
  const { app } = await buildTestApp(t)
  for (const [server, url] of [
    ['default', '/oauth2/default/.well-known/openid-configuration'],
    ['', '/.well-known/openid-configuration'],
  ] as const) {
    const issuer = (await get(app, url)).json().issuer
    const tokens = await signIn(app, { server })
    t.equal(payloadOf(tokens.access_token).iss, issuer, `${server || 'org'}: access token iss`)
    t.equal(payloadOf(tokens.id_token!).iss, issuer, `${server || 'org'}: ID token iss`)
  }
})

function assertUnknownServer(t: Asserts, res: LightMyRequestResponse, what: string): void {
  t.equal(res.statusCode, 404, `${what}: 404`)
  t.match(res.headers['content-type'], /^application\/json/)
  const body = res.json() as Record<string, unknown>
  // Okta's API error, not an OAuth one (docs/okta-behaviour.md § 1.1).
  t.strictSame(Object.keys(body), ['errorCode', 'errorSummary', 'errorLink', 'errorId', 'errorCauses'], `${what}: members`)
  t.match(body, {
    errorCode: 'E0000007',
    errorSummary: 'Not found: Resource not found: nope (AuthorizationServer)',
    errorLink: 'E0000007',
    errorId: /^oae[0-9A-Za-z]{17}$/,
  })
  t.strictSame(body['errorCauses'], [], `${what}: no causes`)
}

t.test('an unknown authorization server: Okta’s E0000007 body', async (t) => {
  const { app } = await buildTestApp(t)
  for (const url of [
    '/oauth2/nope/.well-known/openid-configuration',
    '/oauth2/nope/.well-known/oauth-authorization-server',
    '/.well-known/oauth-authorization-server/oauth2/nope',
    '/oauth2/nope/v1/keys',
  ]) {
    assertUnknownServer(t, await get(app, url), `GET ${url}`)
  }
  for (const endpoint of ['token', 'introspect', 'revoke']) {
    const url = `/oauth2/nope/v1/${endpoint}`
    const res = await app.inject({ method: 'POST', url, headers: FORM, payload: 'grant_type=client_credentials&token=x' })
    assertUnknownServer(t, res, `POST ${url}`)
  }
})
