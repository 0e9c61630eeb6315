/** CORS (docs/okta-behaviour.md § 10): preflight and response headers per endpoint; /token per client. */
import t from 'tap'
import { buildTestApp, DEFAULT_AS, FORM, form, signIn } from '../helpers/app.js'
import { assertOktaError } from '../helpers/oauth-assert.js'

const SPA_ORIGIN = 'http://localhost:3000'
const preflight = (url: string, origin: string, method = 'POST', headers = 'content-type, x-okta-user-agent-extended') => ({
  method: 'OPTIONS' as const,
  url,
  headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
})

t.test('preflight: /token for client origins and trusted origins only; the others for any origin', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => (c.trustedOrigins = ['https://trusted.example']) })
  const ok = await app.inject(preflight(`${DEFAULT_AS}/token`, SPA_ORIGIN))
  t.equal(ok.statusCode, 204)
  t.match(ok.headers, {
    'access-control-allow-origin': SPA_ORIGIN,
    'access-control-allow-methods': 'POST',
    'access-control-max-age': '3600',
    'access-control-allow-headers': 'content-type, x-okta-user-agent-extended',
    vary: 'Origin',
  })
  t.equal((await app.inject(preflight('/oauth2/v1/token', 'https://trusted.example'))).headers['access-control-allow-origin'], 'https://trusted.example')
  const refused = await app.inject(preflight(`${DEFAULT_AS}/token`, 'https://evil.example'))
  t.equal(refused.statusCode, 204)
  t.equal(refused.headers['access-control-allow-origin'], undefined, 'an unknown origin gets no CORS headers')
  for (const [path, method] of [
    ['/keys', 'GET'],
    ['/introspect', 'POST'],
    ['/revoke', 'POST'],
    ['/userinfo', 'GET, POST'],
  ] as const) {
    const res = await app.inject(preflight(`${DEFAULT_AS}${path}`, 'https://any.example', method.split(',')[0]!))
    t.match(res.headers, { 'access-control-allow-origin': 'https://any.example', 'access-control-allow-methods': method }, path)
  }
  for (const url of ['/.well-known/openid-configuration', '/oauth2/default/.well-known/oauth-authorization-server', '/.well-known/oauth-authorization-server/oauth2/default']) {
    t.equal((await app.inject(preflight(url, 'https://any.example', 'GET'))).headers['access-control-allow-origin'], 'https://any.example', url)
  }
  const authorize = await app.inject(preflight(`${DEFAULT_AS}/authorize`, SPA_ORIGIN, 'GET'))
  t.equal(authorize.headers['access-control-allow-origin'], undefined, '/authorize is a navigation, not CORS')
  const bad = await app.inject(preflight(`${DEFAULT_AS}/keys`, 'https://any.example', 'GET', 'x\r\ny'))
  t.equal(bad.headers['access-control-allow-headers'], undefined, 'a malformed header list is not echoed')
})

t.test('responses carry the origin; userinfo exposes WWW-Authenticate', async (t) => {
  const { app } = await buildTestApp(t)
  const keys = await app.inject({ method: 'GET', url: `${DEFAULT_AS}/keys`, headers: { origin: 'https://any.example' } })
  t.match(keys.headers, { 'access-control-allow-origin': 'https://any.example', vary: 'Origin' })
  const userinfo = await app.inject({ method: 'GET', url: `${DEFAULT_AS}/userinfo`, headers: { origin: SPA_ORIGIN } })
  t.match(userinfo.headers, { 'access-control-allow-origin': SPA_ORIGIN, 'access-control-expose-headers': 'WWW-Authenticate' })
  const noOrigin = await app.inject({ method: 'GET', url: `${DEFAULT_AS}/keys` })
  t.equal(noOrigin.headers['access-control-allow-origin'], undefined)
})

t.test('/token checks the browser origin per client', async (t) => {
  const { app } = await buildTestApp(t)
  const { refresh_token } = await signIn(app)
  const body = form({ grant_type: 'refresh_token', client_id: 'spa-app', refresh_token: 'x'.repeat(43) })
  // spa-app's own origin: the request is processed (this token is not spa-app's, so invalid_grant).
  const own = await app.inject({ method: 'POST', url: `${DEFAULT_AS}/token`, headers: { ...FORM, origin: SPA_ORIGIN }, payload: body })
  t.equal(own.json().error, 'invalid_grant')
  t.equal(own.headers['access-control-allow-origin'], SPA_ORIGIN)
  // native-app has no http(s) redirect URI: a browser request for it is refused, whatever the origin.
  const native = await app.inject({
    method: 'POST',
    url: `${DEFAULT_AS}/token`,
    headers: { ...FORM, origin: SPA_ORIGIN },
    payload: form({ grant_type: 'refresh_token', client_id: 'native-app', refresh_token }),
  })
  assertOktaError(t, native, 'illegal_origin_browser_request')
  const evil = await app.inject({ method: 'POST', url: `${DEFAULT_AS}/token`, headers: { ...FORM, origin: 'https://evil.example' }, payload: body })
  assertOktaError(t, evil, 'illegal_origin_browser_request')
  t.equal(evil.headers['access-control-allow-origin'], undefined)
})

t.test('Identity Engine: /v1/interact and /idp/idx/* are credentialed, for trusted origins only', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => (c.trustedOrigins = ['https://trusted.example']) })
  // What okta-auth-js and the Sign-In Widget ask for before an ion+json POST.
  const asked = 'accept, content-type, x-okta-user-agent-extended, x-device-fingerprint'
  for (const url of [
    `${DEFAULT_AS}/interact`,
    '/oauth2/v1/interact',
    '/oauth2/custom/v1/interact',
    '/idp/idx/introspect',
    '/idp/idx/identify',
    '/idp/idx/challenge/answer',
    '/idp/idx/enroll/new',
  ]) {
    for (const origin of [SPA_ORIGIN, 'https://trusted.example']) {
      const res = await app.inject(preflight(url, origin, 'POST', asked))
      t.equal(res.statusCode, 204, url)
      t.match(
        res.headers,
        {
          'access-control-allow-origin': origin,
          'access-control-allow-credentials': 'true',
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': asked,
          vary: 'Origin',
        },
        `${url} from ${origin}`,
      )
    }
    const refused = await app.inject(preflight(url, 'https://evil.example', 'POST', asked))
    t.equal(refused.headers['access-control-allow-origin'], undefined, `${url}: an unknown origin gets no CORS headers`)
    t.equal(refused.headers['access-control-allow-credentials'], undefined)
  }

  const interact = await app.inject({ method: 'POST', url: `${DEFAULT_AS}/interact`, headers: { ...FORM, origin: SPA_ORIGIN }, payload: form({ client_id: 'spa-app' }) })
  t.match(interact.headers, { 'access-control-allow-origin': SPA_ORIGIN, 'access-control-allow-credentials': 'true', vary: 'Origin' }, 'an error answer is readable too')
  const introspect = await app.inject({
    method: 'POST',
    url: '/idp/idx/introspect',
    headers: { 'content-type': 'application/ion+json; okta-version=1.0.0', origin: SPA_ORIGIN },
    payload: JSON.stringify({ interactionHandle: 'unknown' }),
  })
  t.equal(introspect.statusCode, 401)
  t.match(introspect.headers, { 'access-control-allow-origin': SPA_ORIGIN, 'access-control-allow-credentials': 'true' })
  const evil = await app.inject({ method: 'POST', url: '/idp/idx/introspect', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, payload: '{}' })
  t.equal(evil.headers['access-control-allow-origin'], undefined)
  const unknownPath = await app.inject(preflight('/idp/idx/nothing-here', SPA_ORIGIN))
  t.equal(unknownPath.headers['access-control-allow-origin'], SPA_ORIGIN, 'an unknown IDX path: its 404 is readable')
  // The token call of the Interaction Code flow stays per client and uncredentialed (okta-auth-js sends no cookie there).
  const token = await app.inject(preflight(`${DEFAULT_AS}/token`, SPA_ORIGIN))
  t.equal(token.headers['access-control-allow-credentials'], undefined)
})
