/**
 * POST /v1/introspect (RFC 7662; docs/okta-behaviour.md § 6; docs/reliability.md § 1F, SP-10, SP-12): Okta's members for
 * live tokens, exactly `{"active":false}` for everything else.
 */
import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { BASE_URL, WEB, basic, buildTestApp, post, refresh, signIn } from '../helpers/app.js'
import { hs256WithPublicKey, kidOf, payloadOf, signedByForeignKey, unsignedJwt, withTamperedPayload } from '../helpers/forged-jwt.js'
import { assertOktaError, type Asserts } from '../helpers/oauth-assert.js'

const ISSUER = `${BASE_URL}/oauth2/default`
const INACTIVE = '{"active":false}'

const introspectAs = (app: FastifyInstance, token: string, extra: Record<string, string> = {}, client: 'native-app' | 'web-app' = 'native-app') =>
  client === 'web-app'
    ? post(app, 'introspect', { token, ...extra }, { authorization: basic(WEB.id, WEB.secret) })
    : post(app, 'introspect', { token, ...extra, client_id: client })

/** Exactly `{"active":false}`, byte for byte: no other member says anything about the token (RFC 7662 §2.2). */
function assertInactive(t: Asserts, res: LightMyRequestResponse, what: string): void {
  t.equal(res.statusCode, 200, `${what}: 200`)
  t.equal(res.body, INACTIVE, `${what}: exactly {"active":false}`)
}

t.test('a live access token: Okta’s members, in Okta’s order', async (t) => {
  const { app } = await buildTestApp(t)
  const tokens = await signIn(app)
  const at = payloadOf(tokens.access_token)
  const res = await introspectAs(app, tokens.access_token)
  t.equal(res.statusCode, 200)
  const body = res.json()
  // G-OIE-RT's introspection example, member for member.
  t.strictSame(Object.keys(body), ['active', 'scope', 'username', 'exp', 'iat', 'sub', 'aud', 'iss', 'jti', 'token_type', 'client_id', 'uid'])
  t.strictSame(body, {
    active: true,
    scope: 'openid profile email offline_access',
    username: 'alice@example.com',
    exp: at.exp,
    iat: at.iat,
    sub: 'alice@example.com',
    aud: 'api://default',
    iss: ISSUER,
    jti: at.jti,
    token_type: 'Bearer',
    client_id: 'native-app',
    uid: '00ualice000000000001',
  })
  t.equal(body.exp - body.iat, 3600)
})

t.test('a live refresh token: token_type Bearer, exp at the end of the idle window', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const tokens = await signIn(app)
  const res = await introspectAs(app, tokens.refresh_token)
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.strictSame(Object.keys(body), ['active', 'token_type', 'scope', 'client_id', 'username', 'exp', 'sub'])
  t.strictSame(body, {
    active: true,
    token_type: 'Bearer',
    scope: 'openid profile email offline_access',
    client_id: 'native-app',
    username: 'alice@example.com',
    // The default server's refresh tokens have no absolute lifetime and a 7-day idle window.
    exp: Math.floor(clock.nowMs() / 1000) + 7 * 86400,
    sub: 'alice@example.com',
  })
})

t.test('a live ID token: its claims plus active, token_type, client_id and username', async (t) => {
  const { app } = await buildTestApp(t)
  const tokens = await signIn(app)
  const idToken = tokens.id_token!
  const res = await introspectAs(app, idToken, { token_type_hint: 'id_token' })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), { ...payloadOf(idToken), active: true, token_type: 'Bearer', client_id: 'native-app', username: 'alice@example.com' })
  t.equal(res.json().sub, '00ualice000000000001')
})

t.test('inactive: garbage, JWT-shaped junk, forgeries and other servers’ tokens', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const tokens = await signIn(app)
  const org = await signIn(app, { server: '' })
  const at = payloadOf(tokens.access_token)
  const kid = kidOf(tokens.access_token)
  const key = ctx.servers.resolve('default').accessTokenKey
  const inactive: Record<string, string> = {
    garbage: 'this is not even a token',
    'a.b.c': 'a.b.c',
    'a space only': ' ',
    'three empty parts': '..',
    'two parts': 'a.b',
    'five parts (JWE-shaped)': 'a.b.c.d.e',
    '43 characters that are no refresh token': 'A'.repeat(43),
    'alg none': unsignedJwt(at),
    'alg none with our kid': unsignedJwt(at, kid),
    'HS256 keyed with our public key': hs256WithPublicKey(at, key),
    'a foreign RSA key under our kid': await signedByForeignKey(at, kid),
    'a foreign RSA key under an unknown kid': await signedByForeignKey(at, 'no-such-kid'),
    'a tampered payload': withTamperedPayload(tokens.access_token, (p) => (p['scp'] = ['api:write'])),
    'the org server’s access token': org.access_token,
    'the org server’s refresh token': org.refresh_token,
    'the org server’s ID token': org.id_token!,
    'a valid access token with a leading space': ` ${tokens.access_token}`,
    'a valid access token with a trailing newline': `${tokens.access_token}\n`,
    'a valid access token with a trailing space': `${tokens.access_token} `,
    'a valid access token with a CR LF inside its signature': tokens.access_token.replace(/(.{10})$/, '\r\n$1'),
    'a valid refresh token with a trailing space': `${tokens.refresh_token} `,
  }
  for (const [name, token] of Object.entries(inactive)) assertInactive(t, await introspectAs(app, token), name)
  // The other way round: the default server's token is nothing at the org server.
  assertInactive(t, await post(app, 'introspect', { token: tokens.access_token, client_id: 'native-app' }, { server: '' }), 'default AT at the org server')
  // Positive control: the genuine token is active, so the forgeries failed for their forgery alone.
  t.equal((await introspectAs(app, tokens.access_token)).json().active, true)
})

t.test('inactive: expired, revoked, and rotated-out tokens', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const a = await signIn(app)
  clock.advance(3599)
  t.equal((await introspectAs(app, a.access_token)).json().active, true, 'one second before exp')
  clock.advance(1)
  assertInactive(t, await introspectAs(app, a.access_token), 'access token at exp')

  const b = await signIn(app)
  t.equal((await post(app, 'revoke', { token: b.access_token, client_id: 'native-app' })).statusCode, 200)
  assertInactive(t, await introspectAs(app, b.access_token), 'revoked access token')
  t.equal((await post(app, 'revoke', { token: b.refresh_token, client_id: 'native-app' })).statusCode, 200)
  assertInactive(t, await introspectAs(app, b.refresh_token), 'revoked refresh token')

  const c = await signIn(app)
  t.equal((await refresh(app, c.refresh_token)).statusCode, 200)
  clock.advance(31) // past the native app's 30-second grace period
  assertInactive(t, await introspectAs(app, c.refresh_token), 'rotated-out refresh token after the grace period')
})

t.test('token_type_hint is only a hint: wrong or unknown hints change nothing (RFC 7662 §2.1)', async (t) => {
  const { app } = await buildTestApp(t)
  const tokens = await signIn(app)
  const cases: Array<[string, string, string]> = [
    ['access token', tokens.access_token, 'refresh_token'],
    ['access token', tokens.access_token, 'foo'],
    ['refresh token', tokens.refresh_token, 'access_token'],
    ['refresh token', tokens.refresh_token, 'device_secret'],
    ['ID token', tokens.id_token!, 'refresh_token'],
  ]
  for (const [what, token, hint] of cases) {
    const withHint = await introspectAs(app, token, { token_type_hint: hint })
    t.equal(withHint.statusCode, 200)
    t.equal(withHint.json().active, true, `${what} with hint ${hint}`)
    t.strictSame(withHint.json(), (await introspectAs(app, token)).json(), `${what}: same answer as without a hint`)
  }
})

t.test('who may introspect whose token (docs/okta-behaviour.md § 6, docs/reliability.md § #99)', async (t) => {
  const { app } = await buildTestApp(t)
  const web = await signIn(app, { client: 'web-app' })
  const native = await signIn(app)
  // A public client sees only its own tokens.
  for (const [name, token] of Object.entries(web)) {
    if (typeof token !== 'string' || !name.endsWith('token')) continue
    assertInactive(t, await introspectAs(app, token), `native app, web app's ${name}`)
    assertInactive(t, await post(app, 'introspect', { token, client_id: 'spa-app' }), `spa app, web app's ${name}`)
  }
  // A confidential client is a resource server: it may introspect any access token of the server.
  const res = await introspectAs(app, native.access_token, {}, 'web-app')
  t.equal(res.json().active, true)
  t.equal(res.json().client_id, 'native-app')
  // Refresh tokens only by the client they were issued to.
  assertInactive(t, await introspectAs(app, native.refresh_token, {}, 'web-app'), "web app, native app's refresh token")
  t.equal((await introspectAs(app, web.refresh_token, {}, 'web-app')).json().active, true, 'its own refresh token')
})

t.test('errors: missing token, no or bad client authentication', async (t) => {
  const { app } = await buildTestApp(t)
  const tokens = await signIn(app)
  assertOktaError(t, await post(app, 'introspect', { client_id: 'native-app' }), 'request_missing_token')
  assertOktaError(t, await post(app, 'introspect', { token: '', client_id: 'native-app' }), 'request_missing_token')
  assertOktaError(t, await post(app, 'introspect', { token: tokens.access_token }), 'missing_client_credentials')
  // A wrong secret with a live token says nothing about the token (docs/reliability.md § #90).
  assertOktaError(t, await post(app, 'introspect', { token: tokens.access_token }, { authorization: basic(WEB.id, 'wrong') }), 'invalid_client')
})

t.test('every answer, errors included, is marked not cacheable (RFC 6749 §5.1, G4)', async (t) => {
  const { app } = await buildTestApp(t)
  const tokens = await signIn(app)
  const answers = {
    active: await introspectAs(app, tokens.access_token),
    inactive: await introspectAs(app, 'garbage'),
    'missing token': await post(app, 'introspect', { client_id: 'native-app' }),
    'no client': await post(app, 'introspect', { token: 'x' }),
    'bad Basic header': await post(app, 'introspect', { token: 'x' }, { authorization: 'Basic !!!' }),
  }
  for (const [name, res] of Object.entries(answers)) {
    t.equal(res.headers['cache-control'], 'no-cache, no-store', `${name}: Cache-Control`)
    t.equal(res.headers['pragma'], 'no-cache', `${name}: Pragma`)
    t.match(res.headers['content-type'], /^application\/json/, `${name}: JSON`)
  }
})
