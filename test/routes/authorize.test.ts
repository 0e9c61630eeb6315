/**
 * /authorize: the sign-in page, sessions (SSO, prompt, max_age, login_hint), response modes, CSRF
 * protection of the form, and every /authorize error, table-driven against Okta's catalogue.
 */
import t from 'tap'
import { oktaWire } from '../helpers/okta-catalogue.js'
import { ALICE, BOB, buildTestApp, DEFAULT_AS, WEB } from '../helpers/app.js'
import {
  authorize,
  authorizeParams,
  autoSignIn,
  codeThroughForm,
  Cookies,
  pkcePair,
  redirectParams,
  SPA,
  submitSignIn,
  transactionIdOf,
  WEB_REDIRECT,
} from '../helpers/authorize.js'
import { mocktaErrors } from '../../src/errors/okta-errors.js'
import { SIGN_IN_FAILED } from '../../src/http/browser-sign-in/sign-in-page.js'

const { challenge } = pkcePair()
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

t.test('the sign-in page: app name, labelled fields, configured users, no external assets, never cached', async (t) => {
  const { app } = await buildTestApp(t)
  const cookies = new Cookies()
  const res = await authorize(app, authorizeParams(challenge), cookies)
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  t.equal(res.headers['cache-control'], 'no-cache, no-store')
  t.match(res.headers['content-security-policy'], /default-src 'none'.*frame-ancestors 'none'/)
  t.match(res.body, '<html lang="en">')
  t.match(res.body, 'Single-page app', "the client's name")
  t.match(res.body, '<label for="username">Username</label>')
  t.match(res.body, /<input id="username" name="username"[^>]*autocomplete="username"[^>]*autofocus/)
  t.match(res.body, '<label for="password">Password</label>')
  t.match(res.body, /<input id="password" name="password" type="password" autocomplete="current-password"/)
  t.match(res.body, 'name="demo_user" value="alice@example.com">Alice Anderson')
  t.match(res.body, 'name="demo_user" value="bob@example.com">Bob Brown')
  t.notMatch(res.body, /<script|src=|href=|@import|url\(/, 'no scripts and no external assets')
  t.ok(cookies.has('mockta_browser'), 'the browser binding cookie is set')
  t.match(String(res.headers['set-cookie']), /HttpOnly; SameSite=Lax/)
})

t.test('sign-in through the form: a code and the state on the redirect URI, then a session cookie', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const cookies = new Cookies()
  const page = await authorize(app, authorizeParams(challenge), cookies)
  const done = await submitSignIn(app, transactionIdOf(page.body), { username: 'ALICE@example.com', password: ALICE.password }, cookies)
  t.equal(done.statusCode, 302)
  t.ok(String(done.headers['location']).startsWith(`${SPA.redirectUri}?`))
  const params = redirectParams(done)
  t.match(params, { code: /^[A-Za-z0-9_-]{43}$/, state: 'state-123' })
  t.ok(cookies.has('mockta_sid'), 'signed in')
  const sid = String(done.headers['set-cookie']).match(/mockta_sid=([^;]+)/)?.[1]
  t.equal(await ctx.store.findSession(sid!, ctx.clock.nowMs()), undefined, 'the store keys sessions by hash, not by the cookie value')
})

t.test('one click on a listed user signs in (demo list); the list can be turned off', async (t) => {
  const { app } = await buildTestApp(t)
  const cookies = new Cookies()
  const page = await authorize(app, authorizeParams(challenge), cookies)
  const done = await submitSignIn(app, transactionIdOf(page.body), { demo_user: BOB.username }, cookies)
  t.match(redirectParams(done), { code: /./, state: 'state-123' })

  const off = await buildTestApp(t, { change: (c) => (c.signIn.listUsers = false) })
  const jar = new Cookies()
  const hidden = await authorize(off.app, authorizeParams(challenge), jar)
  t.notMatch(hidden.body, 'demo_user')
  const refused = await submitSignIn(off.app, transactionIdOf(hidden.body), { demo_user: BOB.username }, jar)
  t.equal(refused.statusCode, 401, 'demo sign-in is refused when the list is off')
})

t.test('a failed sign-in says so without telling whether the user exists; the form stays usable', async (t) => {
  const { app } = await buildTestApp(t)
  const cookies = new Cookies()
  const page = await authorize(app, authorizeParams(challenge), cookies)
  const tx = transactionIdOf(page.body)
  const wrongPassword = await submitSignIn(app, tx, { username: ALICE.username, password: 'nope' }, cookies)
  const unknownUser = await submitSignIn(app, tx, { username: 'nobody@example.com', password: 'nope' }, cookies)
  t.equal(wrongPassword.statusCode, 401)
  t.equal(unknownUser.statusCode, 401)
  for (const res of [wrongPassword, unknownUser]) {
    t.match(res.body, `<div class="alert" role="alert" id="sign-in-error">${escape(SIGN_IN_FAILED)}</div>`)
    t.match(res.body, /id="password"[^>]*autofocus/, 'focus goes to the password')
  }
  t.equal(wrongPassword.body.replace(escape(ALICE.username), 'X'), unknownUser.body.replace('nobody@example.com', 'X'), 'the same page either way')
  const done = await submitSignIn(app, tx, { username: ALICE.username, password: ALICE.password }, cookies)
  t.equal(done.statusCode, 302)
})

t.test('the form is bound to the browser that opened it and completes once (CSRF, replay)', async (t) => {
  const { app } = await buildTestApp(t)
  const cookies = new Cookies()
  const page = await authorize(app, authorizeParams(challenge), cookies)
  const tx = transactionIdOf(page.body)
  const expired = oktaWire('invalid_request').status
  const otherBrowser = new Cookies()
  await authorize(app, authorizeParams(challenge), otherBrowser)
  for (const [name, jar] of [
    ['no cookie', new Cookies()],
    ['another browser', otherBrowser],
  ] as const) {
    const res = await submitSignIn(app, tx, { username: ALICE.username, password: ALICE.password }, jar)
    t.equal(res.statusCode, expired, name)
    t.match(res.body, escape(mocktaErrors.sign_in_transaction_invalid.description), name)
    t.equal(res.headers['location'], undefined)
  }
  t.equal((await submitSignIn(app, tx, { username: ALICE.username, password: ALICE.password }, cookies)).statusCode, 302)
  const again = await submitSignIn(app, tx, { username: ALICE.username, password: ALICE.password }, cookies)
  t.equal(again.statusCode, 400, 'a completed transaction cannot be replayed')
})

t.test('the form expires after 10 minutes', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const cookies = new Cookies()
  const page = await authorize(app, authorizeParams(challenge), cookies)
  clock.advance(601)
  const res = await submitSignIn(app, transactionIdOf(page.body), { username: ALICE.username, password: ALICE.password }, cookies)
  t.equal(res.statusCode, 400)
})

t.test('SSO: a signed-in browser gets a code at once, for another app too; prompt=login shows the form again', async (t) => {
  const { app } = await buildTestApp(t)
  const { cookies } = await codeThroughForm(app, authorizeParams(challenge))
  const again = await authorize(app, authorizeParams(challenge, { state: 's2' }), cookies)
  t.match(redirectParams(again), { code: /./, state: 's2' })
  const web = await authorize(app, authorizeParams(challenge, { client_id: WEB.id, redirect_uri: WEB_REDIRECT, state: 'w' }), cookies)
  t.match(redirectParams(web), { code: /./, state: 'w' }, 'the web app signs in without a form')
  const none = await authorize(app, authorizeParams(challenge, { prompt: 'none' }), cookies)
  t.match(redirectParams(none), { code: /./ }, 'prompt=none with a session')
  const login = await authorize(app, authorizeParams(challenge, { prompt: 'login' }), cookies)
  t.equal(login.statusCode, 200, 'prompt=login forces the form')
  t.match(login.body, 'id="password"')
})

t.test('login_hint pre-fills the username and moves focus to the password; the hint is escaped', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await authorize(app, authorizeParams(challenge, { login_hint: 'bob@example.com"><script>x()</script>' }))
  t.match(res.body, `value="bob@example.com&quot;&gt;&lt;script&gt;x()&lt;/script&gt;"`)
  t.notMatch(res.body, '<script>')
  t.match(res.body, /id="password"[^>]*autofocus/)
})

t.test('max_age: an older sign-in shows the form, or login_required with prompt=none', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const { cookies } = await codeThroughForm(app, authorizeParams(challenge))
  clock.advance(120)
  t.match(redirectParams(await authorize(app, authorizeParams(challenge, { max_age: '300' }), cookies)), { code: /./ })
  t.equal((await authorize(app, authorizeParams(challenge, { max_age: '60' }), cookies)).statusCode, 200)
  const none = await authorize(app, authorizeParams(challenge, { max_age: '60', prompt: 'none' }), cookies)
  t.strictSame(redirectParams(none), { ...oktaWire('login_required').body, state: 'state-123' })
  const fresh = await codeThroughForm(app, authorizeParams(challenge))
  t.equal((await authorize(app, authorizeParams(challenge, { max_age: '0' }), fresh.cookies)).statusCode, 200, 'max_age=0 always asks again')
})

t.test('the session ends after its lifetime', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const { cookies } = await codeThroughForm(app, authorizeParams(challenge))
  clock.advance(7201)
  const none = await authorize(app, authorizeParams(challenge, { prompt: 'none' }), cookies)
  t.strictSame(redirectParams(none), { ...oktaWire('no_existing_session').body, state: 'state-123' })
})

t.test('response modes: fragment and form_post', async (t) => {
  const { app } = await buildTestApp(t, { change: autoSignIn(SPA.id) })
  const fragment = await authorize(app, authorizeParams(challenge, { response_mode: 'fragment' }))
  t.match(redirectParams(fragment, 'fragment'), { code: /./, state: 'state-123' })
  t.equal(new URL(String(fragment.headers['location'])).search, '')
  const post = await authorize(app, authorizeParams(challenge, { response_mode: 'form_post', state: 'a"b<c' }))
  t.equal(post.statusCode, 200)
  t.match(post.body, `<form method="post" action="${SPA.redirectUri}">`)
  t.match(post.body, /<input type="hidden" name="code" value="[A-Za-z0-9_-]{43}">/)
  t.match(post.body, '<input type="hidden" name="state" value="a&quot;b&lt;c">')
  t.match(post.headers['content-security-policy'], /script-src 'sha256-[A-Za-z0-9+/=]+'/, 'only the auto-submit script may run')
  const error = await authorize(app, authorizeParams(challenge, { response_mode: 'form_post', scope: 'nope' }))
  t.match(error.body, '<input type="hidden" name="error" value="invalid_scope">')
})

t.test('POST /authorize, the org server, and a redirect URI with its own query', async (t) => {
  const { app } = await buildTestApp(t, {
    change: (c) => {
      autoSignIn(SPA.id)(c)
      c.clients.find((x) => x.id === SPA.id)!.redirectUris.push('http://localhost:3000/cb?tenant=a')
    },
  })
  const res = await app.inject({
    method: 'POST',
    url: `${DEFAULT_AS}/authorize`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(authorizeParams(challenge)).toString(),
  })
  t.match(redirectParams(res), { code: /./ })
  t.match(redirectParams(await authorize(app, authorizeParams(challenge), new Cookies(), '/oauth2/v1')), { code: /./ })
  const own = await authorize(app, authorizeParams(challenge, { redirect_uri: 'http://localhost:3000/cb?tenant=a' }))
  t.match(redirectParams(own), { tenant: 'a', code: /./ })
})

t.test('autoSignIn: the client completes at once as its user, or as the configured user login_hint names', async (t) => {
  const { app } = await buildTestApp(t, { change: autoSignIn(SPA.id) })
  const first = await authorize(app, authorizeParams(challenge))
  t.match(redirectParams(first), { code: /./, state: 'state-123' })
  const hinted = await authorize(app, authorizeParams(challenge, { login_hint: BOB.username }))
  t.match(redirectParams(hinted), { code: /./ })
})

/** Errors shown as a page: no client or redirect URI to trust yet (RFC 6749 §4.1.2.1). */
const PAGE_ERRORS: Array<[string, Record<string, string | undefined>, string]> = [
  ['client_id missing', { client_id: undefined }, 'invalid_client_id'],
  ['client_id unknown', { client_id: 'no-such-<client>' }, 'invalid_client_id'],
  ['redirect_uri missing', { redirect_uri: undefined }, 'missing_redirect_uri'],
  ['redirect_uri not registered', { redirect_uri: 'https://evil.example/cb' }, 'illegal_redirect_uri'],
  ['redirect_uri differs by a trailing slash', { redirect_uri: `${SPA.redirectUri}/` }, 'illegal_redirect_uri'],
  ['redirect_uri of another client', { redirect_uri: WEB_REDIRECT }, 'illegal_redirect_uri'],
]

t.test('errors before the client and redirect URI are proven: a 400 HTML page, no redirect', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [name, overrides, code] of PAGE_ERRORS) {
    const res = await authorize(app, authorizeParams(challenge, overrides))
    const { body } = oktaWire(code)
    t.equal(res.statusCode, 400, name)
    t.match(res.headers['content-type'], /^text\/html/, name)
    t.equal(res.headers['location'], undefined, `${name}: no redirect`)
    t.match(res.body, `<strong>${body.error}</strong>`, name)
    t.match(res.body, escape(body.error_description), name)
    t.notMatch(res.body, 'evil.example', `${name}: the rejected URI is not echoed`)
    t.notMatch(res.body, '<client>', `${name}: nothing unescaped`)
  }
  const duplicated = await app.inject({ method: 'GET', url: `${DEFAULT_AS}/authorize?${new URLSearchParams(authorizeParams(challenge))}&client_id=web-app` })
  t.equal(duplicated.statusCode, 400)
  t.match(duplicated.body, escape(oktaWire('illegal_duplicated_parameters', 'client_id').body.error_description))
})

/** Errors redirected to the proven redirect URI, with state (RFC 6749 §4.1.2.1). */
const REDIRECT_ERRORS: Array<[string, Record<string, string | undefined>, string, ...string[]]> = [
  ['response_type missing', { response_type: undefined }, 'unsupported_response_type', 'code'],
  ['response_type unknown', { response_type: 'foo' }, 'unsupported_response_type', 'code'],
  ['response_type token for a client without the implicit grant', { response_type: 'token', response_mode: 'query' }, 'unsupported_response_type', 'code'],
  ['response_mode unknown', { response_mode: 'web_message' }, 'unsupported_response_mode'],
  ['state missing', { state: undefined }, 'invalid_state'],
  ['scope missing', { scope: undefined }, 'missing_scopes'],
  ['scope unknown', { scope: 'openid nope' }, 'invalid_scope'],
  ['scope malformed', { scope: 'openid "x"' }, 'invalid_scope'],
  ['code_challenge_method plain', { code_challenge_method: 'plain' }, 'pkce_unsupported_code_challenge_method', 'S256'],
  ['code_challenge without a method (plain by default)', { code_challenge_method: undefined }, 'pkce_unsupported_code_challenge_method', 'S256'],
  ['code_challenge missing for a PKCE client', { code_challenge: undefined, code_challenge_method: undefined }, 'pkce_missing_challenge'],
  ['code_challenge malformed', { code_challenge: 'too-short' }, 'pkce_invalid_challenge'],
  ['prompt unknown', { prompt: 'select_account' }, 'invalid_prompt', 'none, login, consent'],
  ['prompt none with login', { prompt: 'none login' }, 'invalid_prompt', 'none, login, consent'],
  ['max_age not a number', { max_age: '-1' }, 'invalid_max_age'],
  ['max_age too large', { max_age: '2147483648' }, 'invalid_max_age'],
  ['prompt none with max_age 0', { prompt: 'none', max_age: '0' }, 'invalid_prompt_for_zero_max_age'],
  ['prompt none without a session', { prompt: 'none' }, 'no_existing_session'],
]

t.test('errors after the redirect URI is proven go back to it, with state', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [name, overrides, code, ...args] of REDIRECT_ERRORS) {
    const res = await authorize(app, authorizeParams(challenge, overrides))
    const expected: Record<string, string> = { ...oktaWire(code, ...args).body }
    if (overrides['state'] === undefined && 'state' in overrides) delete expected['state']
    else expected['state'] = 'state-123'
    t.strictSame(redirectParams(res), expected, name)
    t.ok(String(res.headers['location']).startsWith(SPA.redirectUri), `${name}: to the registered URI`)
  }
  const fragment = await authorize(app, authorizeParams(challenge, { response_mode: 'fragment', scope: 'nope' }))
  t.strictSame(redirectParams(fragment, 'fragment'), { ...oktaWire('invalid_scope').body, state: 'state-123' }, 'in the requested mode')
})

t.test("okta_post_message with a code: accepted with PKCE, Okta's refusal without (posted to the opener)", async (t) => {
  const { app } = await buildTestApp(t)
  const island = (body: string) => JSON.parse(/<script type="application\/json" id="okta-data">(.*)<\/script>/.exec(body)![1]!) as { data: Record<string, string>; origin: string }
  const withoutPkce = await authorize(
    app,
    authorizeParams(challenge, { client_id: WEB.id, redirect_uri: WEB_REDIRECT, response_mode: 'okta_post_message', code_challenge: undefined, code_challenge_method: undefined }),
  )
  t.equal(withoutPkce.statusCode, 200)
  t.strictSame(island(withoutPkce.body).data, { ...oktaWire('unsupported_response_mode_okta_post_message_with_code').body, state: 'state-123' })
  const withPkce = await authorize(app, authorizeParams(challenge, { response_mode: 'okta_post_message', prompt: 'none' }))
  t.strictSame(island(withPkce.body).data, { ...oktaWire('no_existing_session').body, state: 'state-123' }, 'accepted: the answer is about the session')
})

t.test('unauthorized_client: a client without the authorization_code grant', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => (c.clients.find((x) => x.id === SPA.id)!.grantTypes = ['refresh_token']) })
  const res = await authorize(app, authorizeParams(challenge))
  t.strictSame(redirectParams(res), { ...oktaWire('unauthorized_client', 'refresh_token').body, state: 'state-123' })
})

t.test('login_required: prompt=none and a sign-in older than max_age (see max_age test); unknown server is a 404', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: `/oauth2/nope/v1/authorize?${new URLSearchParams(authorizeParams(challenge))}` })
  t.equal(res.statusCode, 404)
  const put = await app.inject({ method: 'PUT', url: `${DEFAULT_AS}/authorize` })
  t.equal(put.statusCode, 405)
  t.equal(put.headers['allow'], 'GET, POST, HEAD')
})

t.test('no secret of the sign-in reaches the logs: password, transaction id, session id, code, state', async (t) => {
  const { app, logs } = await buildTestApp(t)
  const cookies = new Cookies()
  const page = await authorize(app, authorizeParams(challenge, { state: 'state-canary-7f3a' }), cookies)
  const tx = transactionIdOf(page.body)
  await submitSignIn(app, tx, { username: ALICE.username, password: 'wrong-password-canary' }, cookies)
  const done = await submitSignIn(app, tx, { username: ALICE.username, password: ALICE.password }, cookies)
  const code = redirectParams(done)['code']!
  const sid = String(done.headers['set-cookie']).match(/mockta_sid=([^;]+)/)![1]!
  const text = logs()
  t.match(text, '/mockta/sign-in', 'requests are logged')
  for (const secret of [ALICE.password, 'wrong-password-canary', tx, code, sid, 'state-canary-7f3a', challenge]) {
    t.notOk(text.includes(secret) || text.includes(encodeURIComponent(secret)), `not logged: ${secret.slice(0, 6)}…`)
  }
})
