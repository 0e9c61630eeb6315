/** /v1/logout (docs/okta-behaviour.md § 10): ends the sign-in session, returns to a registered URI with state. */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, DEFAULT_AS, signIn } from '../helpers/app.js'
import { authorize, authorizeParams, codeThroughForm, Cookies, pkcePair, redeem, redirectParams, SPA } from '../helpers/authorize.js'
import { oktaWire } from '../helpers/okta-catalogue.js'
import { mocktaErrors } from '../../src/errors/okta-errors.js'

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

async function signedInBrowser(app: FastifyInstance): Promise<{ cookies: Cookies; idToken: string }> {
  const { verifier, challenge } = pkcePair()
  const { code, cookies } = await codeThroughForm(app, authorizeParams(challenge))
  return { cookies, idToken: (await redeem(app, code, verifier)).json().id_token }
}

const logout = (app: FastifyInstance, params: Record<string, string>, cookies = new Cookies(), prefix = DEFAULT_AS) =>
  app.inject({ method: 'GET', url: `${prefix}/logout?${new URLSearchParams(params)}`, headers: cookies.header() }).then((res) => {
    cookies.take(res)
    return res
  })

t.test('logout ends the session and returns to the registered URI with state', async (t) => {
  const { app } = await buildTestApp(t)
  const { cookies, idToken } = await signedInBrowser(app)
  const res = await logout(app, { id_token_hint: idToken, post_logout_redirect_uri: SPA.logoutUri, state: 'bye' }, cookies)
  t.equal(res.statusCode, 302)
  t.equal(res.headers['location'], `${SPA.logoutUri}?state=bye`)
  t.match(String(res.headers['set-cookie']), /mockta_sid=; Max-Age=0/)
  t.notOk(cookies.has('mockta_sid'))
  const { challenge } = pkcePair()
  const none = await authorize(app, authorizeParams(challenge, { prompt: 'none' }), cookies)
  t.strictSame(redirectParams(none), { ...oktaWire('no_existing_session').body, state: 'state-123' }, 'signed out')
})

t.test('the session is ended server-side: the old cookie no longer signs in', async (t) => {
  const { app } = await buildTestApp(t)
  const { cookies, idToken } = await signedInBrowser(app)
  const stolen = new Cookies()
  stolen.take({ headers: { 'set-cookie': cookies.header()['cookie']!.split('; ') } })
  await logout(app, { id_token_hint: idToken }, cookies)
  const { challenge } = pkcePair()
  const none = await authorize(app, authorizeParams(challenge, { prompt: 'none' }), stolen)
  t.match(redirectParams(none), { error: 'login_required' })
})

t.test('without post_logout_redirect_uri: a signed-out page; POST works; not signed in still signs out; expired hint still works', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const { idToken } = await signedInBrowser(app)
  const page = await logout(app, { id_token_hint: idToken })
  t.equal(page.statusCode, 200)
  t.match(page.body, 'You are signed out')
  const post = await app.inject({
    method: 'POST',
    url: `${DEFAULT_AS}/logout`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: SPA.logoutUri }).toString(),
  })
  t.equal(post.headers['location'], SPA.logoutUri)
  clock.advance(4 * 3600)
  t.equal((await logout(app, { id_token_hint: idToken, post_logout_redirect_uri: SPA.logoutUri })).statusCode, 302, 'an expired hint still signs out')
})

t.test('logout errors are pages, never redirects', async (t) => {
  const { app } = await buildTestApp(t)
  const { idToken } = await signedInBrowser(app)
  const password = await signIn(app, { scope: 'openid' })
  const orgToken = await signIn(app, { scope: 'openid', server: '' })
  const cases: Array<[string, Record<string, string>, { error: string; error_description: string }]> = [
    ['unregistered post_logout_redirect_uri', { id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example/' }, oktaWire('illegal_post_logout_redirect_uri').body],
    [
      "another client's post_logout_redirect_uri",
      { id_token_hint: password.id_token!, post_logout_redirect_uri: SPA.logoutUri },
      oktaWire('illegal_post_logout_redirect_uri').body,
    ],
    ['id_token_hint missing', { post_logout_redirect_uri: SPA.logoutUri }, { error: 'invalid_request', error_description: mocktaErrors.id_token_hint_missing.description }],
    ['id_token_hint not a token', { id_token_hint: 'garbage' }, { error: 'invalid_request', error_description: mocktaErrors.id_token_hint_invalid.description }],
    ['id_token_hint an access token', { id_token_hint: password.access_token }, { error: 'invalid_request', error_description: mocktaErrors.id_token_hint_invalid.description }],
    ['id_token_hint from another server', { id_token_hint: orgToken.id_token! }, { error: 'invalid_request', error_description: mocktaErrors.id_token_hint_invalid.description }],
  ]
  for (const [name, params, expected] of cases) {
    const res = await logout(app, params)
    t.equal(res.statusCode, 400, name)
    t.equal(res.headers['location'], undefined, name)
    t.match(res.body, `<strong>${expected.error}</strong>`, name)
    t.match(res.body, escape(expected.error_description), name)
    t.notMatch(res.body, 'evil.example', name)
  }
})
