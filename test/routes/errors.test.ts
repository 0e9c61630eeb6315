/**
 * The error contract at the framework level (docs/reliability.md § G1, G2, 1A–1C, SP-8, SP-14): methods,
 * paths, media types, body limits and parser edge cases all end in an OAuth-shaped answer, never a 5xx
 * and never Fastify's own body.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { DEFAULT_AS, FORM, SERVICE, basic, buildTestApp, signIn } from '../helpers/app.js'
import { assertMocktaError, assertOAuthShape, assertOktaError } from '../helpers/oauth-assert.js'
import { supportedGrantTypes } from '../../src/grants/index.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import { randomIds } from '../../src/ids.js'
import { refreshTokenFor } from '../../src/oauth/refresh-token.js'

const CC = 'grant_type=client_credentials&scope=api%3Aread'
const GRANT_TYPES = supportedGrantTypes.join(', ')
const AUTH = { authorization: basic(SERVICE.id, SERVICE.secret) }

/** POSTs a raw body to the default server's /token as the service app, with the given headers. */
const send = (app: FastifyInstance, payload: string | Buffer, headers: Record<string, string> = FORM, endpoint = 'token') =>
  app.inject({ method: 'POST', url: `${DEFAULT_AS}/${endpoint}`, headers: { ...AUTH, ...headers }, payload })

t.test('a method an endpoint does not serve: 405 with Allow (RFC 9110 §15.5.6)', async (t) => {
  const { app } = await buildTestApp(t)
  for (const endpoint of ['token', 'introspect', 'revoke']) {
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
      const res = await app.inject({ method, url: `${DEFAULT_AS}/${endpoint}?token=x` })
      assertMocktaError(t, res, 'method_not_allowed', 405, 'invalid_request')
      t.equal(res.headers['allow'], 'POST', `${method} /${endpoint}: Allow`)
    }
  }
  for (const url of ['/oauth2/default/v1/keys', '/oauth2/v1/keys']) {
    const res = await app.inject({ method: 'POST', url, headers: FORM, payload: 'a=b' })
    assertMocktaError(t, res, 'method_not_allowed', 405, 'invalid_request')
    t.equal(res.headers['allow'], 'GET, HEAD')
  }
})

t.test('an unknown path: 404 in the OAuth shape, nothing issued (docs/reliability.md § #3)', async (t) => {
  const { app } = await buildTestApp(t)
  for (const url of ['/nope', `${DEFAULT_AS}/token/`, `${DEFAULT_AS}/TOKEN`, `${DEFAULT_AS}//token`, '/oauth2/default/v2/token']) {
    const res = await app.inject({ method: 'POST', url, headers: { ...FORM, ...AUTH }, payload: CC })
    assertMocktaError(t, res, 'not_found', 404, 'invalid_request')
  }
})

t.test('bodies that are not application/x-www-form-urlencoded: 400 invalid_request (docs/reliability.md § #12–#17)', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: Record<string, [payload: string, headers: Record<string, string>]> = {
    'a JSON object': ['{"grant_type":"client_credentials","scope":"api:read"}', { 'content-type': 'application/json' }],
    'JSON with __proto__': ['{"__proto__":{"polluted":1},"grant_type":"client_credentials"}', { 'content-type': 'application/json' }],
    'malformed JSON': ['{"grant_type":', { 'content-type': 'application/json' }],
    'text/plain carrying a form': [CC, { 'content-type': 'text/plain' }],
    multipart: ['--x\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n--x--\r\n', { 'content-type': 'multipart/form-data; boundary=x' }],
    'no content type': [CC, {}],
    'a look-alike media type': [CC, { 'content-type': 'application/x-www-form-urlencodedX' }],
    'a longer look-alike': [CC, { 'content-type': 'application/x-www-form-urlencoded-evil' }],
  }
  for (const [name, [payload, headers]] of Object.entries(cases)) {
    const res = await send(app, payload, headers)
    t.test(name, async (t) => assertMocktaError(t, res, 'unsupported_media_type', 400, 'invalid_request'))
  }
  t.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype pollution')
})

t.test('media type parameters and case are accepted (RFC 9110 §8.3.1; docs/reliability.md § #18)', async (t) => {
  const { app } = await buildTestApp(t)
  for (const type of ['application/x-www-form-urlencoded; charset=UTF-8', 'APPLICATION/X-WWW-FORM-URLENCODED', 'Application/X-Www-Form-Urlencoded;charset=utf-8']) {
    const res = await send(app, CC, { 'content-type': type })
    t.equal(res.statusCode, 200, `${type}: ${res.body}`)
  }
})

t.test('the 64 KiB body limit: at the limit processed, over it 413 (docs/reliability.md § #23)', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const limit = ctx.config.limits.bodyLimitBytes
  t.equal(limit, 65536)
  const padded = (size: number) => `${CC}&pad=${'x'.repeat(size - CC.length - '&pad='.length)}`
  t.equal((await send(app, padded(limit))).statusCode, 200, 'exactly at the limit')
  assertMocktaError(t, await send(app, padded(limit + 1)), 'body_too_large', 413, 'invalid_request')
  assertMocktaError(t, await send(app, padded(2_000_000)), 'body_too_large', 413, 'invalid_request')
})

t.test('parser edge cases never reach a 5xx (docs/reliability.md § #24–#31)', async (t) => {
  const { app, logs } = await buildTestApp(t)
  const refresh = (rt: string) => `grant_type=refresh_token&refresh_token=${rt}`
  const asWeb = (body: string) => send(app, body, { ...FORM, authorization: basic('web-app', 'web-app-secret') })
  assertOktaError(t, await asWeb(refresh('%E0%A4%A')), 'invalid_refresh_token')
  assertOktaError(t, await asWeb(refresh('%ZZ')), 'invalid_refresh_token')
  assertOktaError(t, await asWeb(refresh('abc%00def')), 'invalid_refresh_token')
  assertOktaError(t, await asWeb(refresh('%FF%FE')), 'invalid_refresh_token')
  assertOktaError(t, await send(app, 'grant_type[]=client_credentials&scope=api%3Aread'), 'token_request_missing_grant_type', GRANT_TYPES)
  assertOktaError(t, await send(app, 'grant_type[a]=b&scope=api%3Aread'), 'token_request_missing_grant_type', GRANT_TYPES)
  const crlf = await app.inject({ method: 'POST', url: `${DEFAULT_AS}/token`, headers: FORM, payload: `${CC}&client_id=service-app%0D%0A%7B%22level%22%3A60%7D&client_secret=x` })
  assertOktaError(t, crlf, 'invalid_client')

  const polluting = await send(app, `__proto__=x&constructor=y&toString=1&hasOwnProperty=1&valueOf=2&${CC}`)
  t.equal(polluting.statusCode, 200, `__proto__ and friends are ignored: ${polluting.body}`)
  t.equal(({} as Record<string, unknown>)['x'], undefined, 'Object.prototype unchanged')
  t.equal(typeof Object.prototype.toString, 'function')

  // 10,000 distinct unknown parameters, under the body limit (RFC 6749 §3.2: ignored).
  const many = Array.from({ length: 10_000 }, (_, i) => `${i.toString(36)}=1`).join('&')
  const res = await send(app, `${many}&${CC}`)
  t.equal(res.statusCode, 200, 'ten thousand unknown parameters')

  // No log line was forged by the CR LF: every line is one JSON object.
  for (const line of logs().split('\n').filter(Boolean)) t.doesNotThrow(() => JSON.parse(line))
})

t.test('duplicate parameters: known ones are an error naming them, unknown ones are ignored (docs/reliability.md § #34–#40)', async (t) => {
  const { app } = await buildTestApp(t)
  assertOktaError(t, await send(app, `${CC}&grant_type=client_credentials`), 'illegal_duplicated_parameters', 'grant_type')
  assertOktaError(t, await send(app, `${CC}&scope=api%3Awrite`), 'illegal_duplicated_parameters', 'scope')
  const secrets = `${CC}&client_id=service-app&client_secret=service-app-secret&client_secret=x`
  assertOktaError(t, await app.inject({ method: 'POST', url: `${DEFAULT_AS}/token`, headers: FORM, payload: secrets }), 'illegal_duplicated_parameters', 'client_secret')
  const tokens = await signIn(app)
  for (const endpoint of ['introspect', 'revoke']) {
    const res = await send(app, `token=${tokens.refresh_token}&token=junk`, FORM, endpoint)
    assertOktaError(t, res, 'illegal_duplicated_parameters', 'token')
  }
  const still = await send(app, `token=${tokens.refresh_token}`, { ...FORM, authorization: basic('web-app', 'web-app-secret') }, 'introspect')
  t.equal(still.statusCode, 200)
  t.equal(
    (await app.inject({ method: 'POST', url: `${DEFAULT_AS}/introspect`, headers: FORM, payload: `client_id=native-app&token=${tokens.refresh_token}` })).json().active,
    true,
    'the duplicated revoke revoked nothing',
  )
  t.equal((await send(app, `foo=1&foo=2&${CC}`)).statusCode, 200, 'a duplicated unknown parameter is ignored')
})

t.test('a parameter without a value is treated as omitted (RFC 6749 §3.1)', async (t) => {
  const { app } = await buildTestApp(t)
  assertOktaError(t, await send(app, 'grant_type=&scope=api%3Aread'), 'token_request_missing_grant_type', GRANT_TYPES)
  assertOktaError(t, await send(app, 'grant_type&scope=api%3Aread'), 'token_request_missing_grant_type', GRANT_TYPES)
  assertOktaError(t, await send(app, 'grant_type=client_credentials&scope='), 'missing_scopes')
  t.equal((await send(app, `${CC}&foo=`)).statusCode, 200)
})

t.test('a compressed body is refused, not parsed as form data (RFC 9110 §8.4; docs/reliability.md § #10)', async (t) => {
  const { app } = await buildTestApp(t)
  for (const encoding of ['gzip', 'br', 'deflate', 'GZIP']) {
    assertMocktaError(t, await send(app, CC, { ...FORM, 'content-encoding': encoding }), 'content_encoding', 400, 'invalid_request')
  }
  t.equal((await send(app, CC, { ...FORM, 'content-encoding': 'identity' })).statusCode, 200, 'identity is no coding')
})

t.test("an internal error: Okta's server_error, and its message reaches neither the body nor the logs (SP-14)", async (t) => {
  const canary = 'CANARY-7f3a9c-internal-detail'
  class FailingStore extends MemoryStore {
    override async findRefreshToken(): Promise<never> {
      throw new Error(`store exploded while reading ${canary}`)
    }
  }
  const { app, ctx, logs } = await buildTestApp(t, { store: new FailingStore(10) })
  // A token with a good MAC reaches the store (docs/refresh-tokens.md, "Token form").
  const token = refreshTokenFor({ familyId: randomIds.familyId(), generation: 0 }, ctx.tokenSecret)
  const res = await app.inject({ method: 'POST', url: `${DEFAULT_AS}/introspect`, headers: FORM, payload: `client_id=native-app&token=${token}` })
  assertOktaError(t, res, 'server_error')
  assertOAuthShape(t, res)
  t.notMatch(res.body, canary)
  t.notMatch(res.body, /store exploded|at .*\.ts/)
  t.notMatch(logs(), canary, 'no canary in the logs')
  t.match(logs(), /"level":50.*"msg":"unhandled error"/, 'the failure is still logged')
  t.equal(res.headers['cache-control'], 'no-cache, no-store')
})
