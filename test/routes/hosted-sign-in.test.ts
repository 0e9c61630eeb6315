/**
 * The hosted sign-in page with the real widget, by HTTP (docs/sign-in-widget.md § hosted): the page
 * and its security headers, the widget's files, the IDX walk ending in success-redirect, and
 * /login/token/redirect: only the browser that opened the page, once, back with code and state. The
 * browser run of the same is test/e2e/browser-widget.test.ts.
 */
import t from 'tap'
import { buildMockta } from '../../src/app.js'
import { findSignInWidget } from '../../src/sign-in-widget.js'
import { ALICE, BASE_URL, buildTestApp, FORM, form, testConfig } from '../helpers/app.js'
import { authorize, authorizeParams, Cookies, pkcePair, redirectParams, SPA } from '../helpers/authorize.js'

const widget = findSignInWidget()!
const ASSETS = `/assets/js/sdk/okta-signin-widget/${widget.version}`
const ION = { 'content-type': 'application/ion+json; okta-version=1.0.0' }

const stateTokenOf = (html: string): string => {
  const json = /<script type="application\/json" id="siw-settings">(.*?)<\/script>/s.exec(html)
  return (JSON.parse(json![1]!) as { stateToken: string }).stateToken
}

t.test('the widget page: booted with a stateToken, strict headers, the widget files from the package', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => (c.signIn.page = 'okta-widget') })
  const res = await authorize(app, authorizeParams(pkcePair().challenge))
  t.equal(res.statusCode, 200)
  t.match(res.body, `<script src="${ASSETS}/js/okta-sign-in.min.js"></script>`)
  t.match(res.body, '<title>Single-page app - Sign In</title>')
  t.notMatch(res.body, 'spa-app', 'no clientId: the widget walks the stateToken')
  t.match(stateTokenOf(res.body), /^02/)
  const csp = String(res.headers['content-security-policy'])
  t.match(csp, "default-src 'none'")
  t.match(csp, /script-src 'self' 'sha256-[^']+'/)
  t.match(csp, "frame-ancestors 'none'")
  t.equal(res.headers['cache-control'], 'no-cache, no-store')

  const js = await app.inject({ url: `${ASSETS}/js/okta-sign-in.min.js` })
  t.equal(js.statusCode, 200)
  t.match(js.headers['content-type'], 'text/javascript')
  const css = await app.inject({ url: `${ASSETS}/css/okta-sign-in.min.css` })
  t.equal(css.statusCode, 200)
  for (const bad of ['/js/okta-sign-in.min.js.map', '/%2e%2e/package.json', '/..%2fpackage.json', '/js/nothing.js', '/']) {
    const r = await app.inject({ url: `${ASSETS}${bad}` })
    t.equal(r.statusCode, 404, `${bad}: not served`)
  }
  t.equal((await app.inject({ url: '/assets/js/sdk/okta-signin-widget/0.0.1/js/okta-sign-in.min.js' })).statusCode, 404, 'only the installed version')
})

t.test('signIn.page stays mockta by default; a client can ask for the widget alone', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => (c.clients.find((x) => x.id === 'web-app')!.signInPage = 'okta-widget') })
  const spa = await authorize(app, authorizeParams(pkcePair().challenge))
  t.match(spa.body, 'action="/mockta/sign-in"', "mockta's own page for the SPA")
  const web = await authorize(app, authorizeParams(pkcePair().challenge, { client_id: 'web-app', redirect_uri: 'http://localhost:3000/authorization-code/callback' }))
  t.match(web.body, 'id="siw-settings"', 'the widget page for the client that asks for it')
})

t.test('start-up fails, saying what to install, when the page is asked for and the widget is missing', async (t) => {
  const config = testConfig((c) => (c.clients[0]!.signInPage = 'okta-widget'))
  await t.rejects(buildMockta(config, { signInWidget: null }), { message: /npm install @okta\/okta-signin-widget@7/ })
  const { app } = await buildMockta(testConfig(), { signInWidget: null })
  t.teardown(() => app.close())
  t.equal((await app.inject({ url: `${ASSETS}/js/okta-sign-in.min.js` })).statusCode, 404, 'no widget files without the page')
})

t.test('sign-in on the page: success-redirect, then /login/token/redirect once, in this browser only', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => (c.signIn.page = 'okta-widget') })
  const { verifier, challenge } = pkcePair()
  const cookies = new Cookies()
  const stateToken = stateTokenOf((await authorize(app, authorizeParams(challenge), cookies)).body)
  const idx = async (path: string, body: object) => app.inject({ method: 'POST', url: `/idp/idx/${path}`, headers: ION, payload: JSON.stringify(body) })
  const first = (await idx('introspect', { stateToken })).json()
  t.equal(first.remediation.value[0].name, 'identify')

  const redirect = `/login/token/redirect?stateToken=${encodeURIComponent(stateToken)}`
  const early = await app.inject({ url: redirect, headers: cookies.header() })
  t.equal(early.statusCode, 400, 'not before the sign-in succeeded')

  const done = await idx('identify', { identifier: ALICE.username, credentials: { passcode: ALICE.password }, stateHandle: stateToken })
  t.equal(done.statusCode, 200)
  const body = done.json()
  t.same(body.success, { name: 'success-redirect', href: `${BASE_URL}${redirect}` })
  t.notOk(body.successWithInteractionCode, 'no interaction code for a hosted sign-in')
  t.notOk(body.remediation)

  t.equal((await app.inject({ url: redirect })).statusCode, 400, 'without the browser cookie')
  t.equal((await app.inject({ url: redirect, headers: { cookie: 'mockta_browser=another-browser' } })).statusCode, 400, 'from another browser')
  for (const bad of [
    '/login/token/redirect',
    '/login/token/redirect?stateToken=',
    `/login/token/redirect?stateToken=${'x'.repeat(600)}`,
    '/login/token/redirect?stateToken=02nope',
  ]) {
    const r = await app.inject({ url: bad, headers: cookies.header() })
    t.equal(r.statusCode, 400, `${bad.slice(0, 40)}: the expired-sign-in page`)
    t.match(r.body, 'Start the sign-in again')
  }

  const [one, two] = await Promise.all([app.inject({ url: redirect, headers: cookies.header() }), app.inject({ url: redirect, headers: cookies.header() })])
  const winners = [one!, two!].filter((r) => r.statusCode === 302)
  t.equal(winners.length, 1, 'exactly one of two concurrent redirects wins')
  const winner = winners[0]!
  t.match(String(winner.headers.location), `${SPA.redirectUri}?`)
  const params = redirectParams(winner)
  t.equal(params['state'], 'state-123')
  t.match(String(winner.headers['set-cookie']), /mockta_sid=/, 'the browser is signed in')

  const tokens = await app.inject({
    method: 'POST',
    url: '/oauth2/default/v1/token',
    headers: FORM,
    payload: form({ grant_type: 'authorization_code', client_id: SPA.id, redirect_uri: SPA.redirectUri, code: params['code']!, code_verifier: verifier }),
  })
  t.equal(tokens.statusCode, 200)
  t.ok(tokens.json().refresh_token, 'the app redeems the code as usual')
  t.equal((await app.inject({ url: redirect, headers: cookies.header() })).statusCode, 400, 'a replay: the sign-in is over')
})
