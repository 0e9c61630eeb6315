/** POST /api/v1/authn, /api/v1/authn/cancel and the Sessions API (docs/authentication-api.md). */
import t from 'tap'
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { ALICE, BOB, BASE_URL, buildTestApp, DEFAULT_AS } from '../helpers/app.js'
import { control } from '../helpers/control.js'
import { authorize, authorizeParams, Cookies, pkcePair, redeem, redirectParams, SPA } from '../helpers/authorize.js'

const JSON_TYPE = { 'content-type': 'application/json', accept: 'application/json' }
const { verifier, challenge } = pkcePair()

const authn = (app: FastifyInstance, body: unknown, headers: Record<string, string> = JSON_TYPE) =>
  app.inject({ method: 'POST', url: '/api/v1/authn', headers, payload: typeof body === 'string' ? body : JSON.stringify(body) })

function assertOktaError(t: Test, res: { statusCode: number; json(): unknown }, status: number, errorCode: string, summary: string): void {
  t.equal(res.statusCode, status, errorCode)
  const body = res.json() as Record<string, unknown>
  t.match(body, { errorCode, errorSummary: summary, errorLink: errorCode, errorId: /^oae[0-9A-Za-z]{17}$/, errorCauses: Array })
}

t.test('SUCCESS: a session token, its expiry five minutes on, and the user as Okta shapes it', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const res = await authn(app, { username: ALICE.username, password: ALICE.password, options: { warnBeforePasswordExpired: true } })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const body = res.json()
  t.equal(body.status, 'SUCCESS')
  t.match(body.sessionToken, /^[A-Za-z0-9_-]{43}$/)
  t.equal(body.expiresAt, new Date(clock.nowMs() + 300_000).toISOString())
  t.strictSame(body._embedded.user, {
    id: ALICE.id,
    profile: { login: ALICE.username, firstName: 'Alice', lastName: 'Anderson', locale: 'en_US', timeZone: 'America/Los_Angeles' },
  })
  const upper = await authn(app, { username: ALICE.username.toUpperCase(), password: ALICE.password })
  t.equal(upper.json().status, 'SUCCESS', 'logins are case-insensitive')
  t.not(upper.json().sessionToken, body.sessionToken, 'a fresh token each time')
})

t.test('unknown user and wrong password: the same 401 E0000004, nothing echoed', async (t) => {
  const { app } = await buildTestApp(t)
  const wrong = await authn(app, { username: ALICE.username, password: 'wrong-canary-4c1e' })
  const unknown = await authn(app, { username: 'nobody-canary@example.com', password: ALICE.password })
  for (const res of [wrong, unknown]) {
    assertOktaError(t, res, 401, 'E0000004', 'Authentication failed')
    t.notMatch(res.body, 'canary')
    t.strictSame(res.json().errorCauses, [])
  }
})

t.test('bad input: Okta-shaped 400s, never a 5xx, nothing echoed', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: Array<[string, unknown, Record<string, string>, number, string]> = [
    ['not JSON', '{"username": "canary-x', JSON_TYPE, 400, 'E0000003'],
    ['a form body', 'username=canary&password=x', { 'content-type': 'application/x-www-form-urlencoded' }, 400, 'E0000003'],
    ['text/plain', '{"username":"canary"}', { 'content-type': 'text/plain' }, 400, 'E0000003'],
    ['a JSON array', '[1,2]', JSON_TYPE, 400, 'E0000003'],
    ['a JSON string', '"canary"', JSON_TYPE, 400, 'E0000003'],
    ['null', 'null', JSON_TYPE, 400, 'E0000003'],
    ['a number for the username', { username: 42, password: 'canary' }, JSON_TYPE, 400, 'E0000003'],
    ['an oversized password', { username: ALICE.username, password: 'canary'.repeat(400) }, JSON_TYPE, 400, 'E0000003'],
    ['missing password', { username: 'canary@example.com' }, JSON_TYPE, 400, 'E0000001'],
    ['empty body', '', JSON_TYPE, 400, 'E0000001'],
    ['__proto__ only', '{"__proto__": {"username": "canary", "password": "x"}}', JSON_TYPE, 400, 'E0000001'],
  ]
  for (const [name, body, headers, status, code] of cases) {
    const res = await authn(app, body, headers)
    t.equal(res.statusCode, status, name)
    t.equal(res.json().errorCode, code, name)
    t.notMatch(res.body, 'canary', `${name}: nothing echoed`)
  }
  const missing = await authn(app, {})
  t.strictSame(missing.json().errorCauses, [{ errorSummary: 'username: The field cannot be left blank.' }, { errorSummary: 'password: The field cannot be left blank.' }])
  const tooBig = await app.inject({ method: 'POST', url: '/api/v1/authn', headers: JSON_TYPE, payload: JSON.stringify({ username: 'x'.repeat(2_000_000) }) })
  t.ok(tooBig.statusCode >= 400 && tooBig.statusCode < 500, 'a body over the limit is a 4xx')
  t.equal(tooBig.json().errorCode, 'E0000003')
  const get = await app.inject({ method: 'GET', url: '/api/v1/authn' })
  t.ok(get.statusCode >= 400 && get.statusCode < 500, 'GET is not served')
})

t.test('LOCKED_OUT after the configured number of wrong passwords; unlocked through the control plane', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => (c.identityEngine.lockoutThreshold = 3) })
  for (let i = 0; i < 2; i++) assertOktaError(t, await authn(app, { username: BOB.username, password: 'wrong' }), 401, 'E0000004', 'Authentication failed')
  const third = await authn(app, { username: BOB.username, password: 'wrong' })
  t.equal(third.statusCode, 200)
  t.strictSame(third.json(), { status: 'LOCKED_OUT', _links: { next: { name: 'unlock', href: `${BASE_URL}/api/v1/authn/recovery/unlock`, hints: { allow: ['POST'] } } } })
  const right = await authn(app, { username: BOB.username, password: BOB.password })
  t.equal(right.json().status, 'LOCKED_OUT', 'the right password does not help while locked')
  t.equal(right.json().sessionToken, undefined)
  t.equal((await authn(app, { username: ALICE.username, password: ALICE.password })).json().status, 'SUCCESS', 'other users are not affected')
  t.match((await control(app, 'GET', `/users/${BOB.username}/lockout`)).json(), { failures: 3, threshold: 3, lockedOut: true })
  const unlocked = await control(app, 'POST', `/users/${BOB.username}/unlock`)
  t.equal(unlocked.statusCode, 200)
  t.match(unlocked.json(), { failures: 0, lockedOut: false })
  t.equal((await authn(app, { username: BOB.username, password: BOB.password })).json().status, 'SUCCESS', 'signs in after the unlock')
  t.equal((await control(app, 'POST', '/users/nobody/unlock')).statusCode, 404)
})

t.test('a user configured LOCKED_OUT is locked out; an inactive one fails as an unknown one', async (t) => {
  const { app } = await buildTestApp(t, {
    change: (c) => {
      c.users.find((u) => u.login === BOB.username)!.status = 'LOCKED_OUT'
      c.users.find((u) => u.login === ALICE.username)!.status = 'SUSPENDED'
    },
  })
  t.equal((await authn(app, { username: BOB.username, password: BOB.password })).json().status, 'LOCKED_OUT')
  assertOktaError(t, await authn(app, { username: ALICE.username, password: ALICE.password }), 401, 'E0000004', 'Authentication failed')
})

t.test('/api/v1/authn/cancel: an unknown state token is E0000011', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/api/v1/authn/cancel', headers: JSON_TYPE, payload: JSON.stringify({ stateToken: '00canary' }) })
  assertOktaError(t, res, 401, 'E0000011', 'Invalid token provided')
  t.notMatch(res.body, 'canary')
  const bad = await app.inject({ method: 'POST', url: '/api/v1/authn/cancel', headers: JSON_TYPE, payload: '{' })
  t.equal(bad.json().errorCode, 'E0000003')
})

async function sessionToken(app: FastifyInstance, user = ALICE): Promise<string> {
  const res = await authn(app, { username: user.username, password: user.password })
  return res.json().sessionToken as string
}

t.test('sessionToken on /authorize: prompt=none signs the browser in, once; the code redeems and refreshes', async (t) => {
  const { app } = await buildTestApp(t)
  const token = await sessionToken(app)
  const cookies = new Cookies()
  const res = await authorize(app, authorizeParams(challenge, { prompt: 'none', sessionToken: token }), cookies)
  const params = redirectParams(res)
  t.equal(params['state'], 'state-123')
  t.ok(cookies.has('mockta_session') || [...Object.values(cookies.header())].join('').includes('='), 'a session cookie is set')
  const tokens = await redeem(app, params['code']!, verifier)
  t.equal(tokens.statusCode, 200)
  const refreshed = await app.inject({
    method: 'POST',
    url: `${DEFAULT_AS}/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'refresh_token', client_id: SPA.id, refresh_token: tokens.json().refresh_token }).toString(),
  })
  t.equal(refreshed.statusCode, 200, 'the tokens refresh')

  // The browser is now signed in: a second prompt=none needs no token.
  t.ok(redirectParams(await authorize(app, authorizeParams(challenge, { prompt: 'none' }), cookies))['code'])
  // The token was used: on a fresh browser it is as if none was sent.
  const replay = redirectParams(await authorize(app, authorizeParams(challenge, { prompt: 'none', sessionToken: token })))
  t.equal(replay['error'], 'login_required')
  t.equal(replay['error_description'], 'The client specified not to prompt, but the user is not logged in.')
  t.equal(replay['state'], 'state-123')
})

t.test('sessionToken: unknown or expired gives login_required with prompt=none, the sign-in page without', async (t) => {
  const { app, clock } = await buildTestApp(t)
  t.equal(redirectParams(await authorize(app, authorizeParams(challenge, { prompt: 'none', sessionToken: 'forged-canary' })))['error'], 'login_required')
  const token = await sessionToken(app)
  clock.advance(300)
  const expired = await authorize(app, authorizeParams(challenge, { prompt: 'none', sessionToken: token }))
  t.equal(redirectParams(expired)['error'], 'login_required', 'expired after five minutes')
  const page = await authorize(app, authorizeParams(challenge, { sessionToken: 'forged-canary' }))
  t.equal(page.statusCode, 200)
  t.match(page.body, 'name="tx"', 'the sign-in page')
  t.notMatch(page.body, 'canary')
})

t.test('a race: one session token used by many at once signs in exactly one browser', async (t) => {
  const { app } = await buildTestApp(t)
  const token = await sessionToken(app)
  const results = await Promise.all(Array.from({ length: 12 }, () => authorize(app, authorizeParams(challenge, { prompt: 'none', sessionToken: token }))))
  const codes = results.map((r) => redirectParams(r)).filter((p) => p['code'] !== undefined)
  t.equal(codes.length, 1, 'one winner')
  t.equal(results.filter((r) => redirectParams(r)['error'] === 'login_required').length, 11)
})

t.test('okta_post_message: a framable page posting the code and state to the redirect URI origin', async (t) => {
  const { app } = await buildTestApp(t)
  const token = await sessionToken(app)
  const res = await authorize(app, authorizeParams(challenge, { prompt: 'none', sessionToken: token, response_mode: 'okta_post_message' }))
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  t.equal(res.headers['x-frame-options'], undefined)
  t.match(res.headers['content-security-policy'], 'frame-ancestors http://localhost:3000;')
  t.match(res.headers['content-security-policy'], /script-src 'sha256-[A-Za-z0-9+/=]+'/)
  const island = /<script type="application\/json" id="okta-data">(.*)<\/script>/.exec(res.body)![1]!
  const data = JSON.parse(island)
  t.equal(data.origin, 'http://localhost:3000')
  t.equal(data.data.state, 'state-123')
  t.match(data.data.code, /\S+/)
  t.equal((await redeem(app, data.data.code, verifier)).statusCode, 200)

  const error = await authorize(app, authorizeParams(challenge, { prompt: 'none', response_mode: 'okta_post_message', state: '</script><b>x' }))
  t.notMatch(error.body, '</script><b>', 'the state cannot close the script element')
  const errorData = JSON.parse(/<script type="application\/json" id="okta-data">(.*)<\/script>/.exec(error.body)![1]!)
  t.strictSame(errorData.data, {
    error: 'login_required',
    error_description: "A 'prompt' value of 'none' requires an existing session to successfully authorize.",
    state: '</script><b>x',
  })
})

t.test("okta_post_message with a code but without PKCE keeps Okta's refusal", async (t) => {
  const { app } = await buildTestApp(t)
  const res = await authorize(
    app,
    authorizeParams(challenge, {
      response_mode: 'okta_post_message',
      code_challenge: undefined,
      code_challenge_method: undefined,
      client_id: 'web-app',
      redirect_uri: 'http://localhost:3000/authorization-code/callback',
    }),
  )
  const data = JSON.parse(/<script type="application\/json" id="okta-data">(.*)<\/script>/.exec(res.body)![1]!)
  t.equal(data.data.error, 'unsupported_response_mode')
  t.equal(data.data.error_description, "'okta_post_message' response mode cannot be used with the 'code' response type.")
})

t.test('discovery lists okta_post_message', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/oauth2/default/.well-known/openid-configuration' })
  t.ok(res.json().response_modes_supported.includes('okta_post_message'))
})

t.test('/api/v1/sessions/me: 404 without a session; the session after sign-in; refresh; DELETE ends it', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const none = await app.inject({ method: 'GET', url: '/api/v1/sessions/me' })
  assertOktaError(t, none, 404, 'E0000007', 'Not found: Resource not found: me (Session)')
  const forged = await app.inject({ method: 'GET', url: '/api/v1/sessions/me', headers: { cookie: 'mockta_session=forged' } })
  t.equal(forged.statusCode, 404, 'a forged cookie is no session')

  const cookies = new Cookies()
  await authorize(app, authorizeParams(challenge, { prompt: 'none', sessionToken: await sessionToken(app) }), cookies)
  const me = await app.inject({ method: 'GET', url: '/api/v1/sessions/me', headers: cookies.header() })
  t.equal(me.statusCode, 200)
  const body = me.json()
  t.match(body, { id: /^102/, userId: ALICE.id, login: ALICE.username, status: 'ACTIVE', amr: ['pwd'], idp: { type: 'OKTA' }, mfaActive: false })
  t.equal(body._links.refresh.href, `${BASE_URL}/api/v1/sessions/me/lifecycle/refresh`)
  clock.advance(60)
  const refreshed = await app.inject({ method: 'POST', url: '/api/v1/sessions/me/lifecycle/refresh', headers: cookies.header() })
  t.equal(refreshed.statusCode, 200)
  t.ok(Date.parse(refreshed.json().expiresAt) > Date.parse(body.expiresAt), 'a later expiry')
  t.equal(refreshed.json().id, body.id, 'the same session')
  const ended = await app.inject({ method: 'DELETE', url: '/api/v1/sessions/me', headers: cookies.header() })
  t.equal(ended.statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/sessions/me', headers: cookies.header() })).statusCode, 404)
  t.equal((await app.inject({ method: 'DELETE', url: '/api/v1/sessions/me', headers: cookies.header() })).statusCode, 404)
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/sessions/me/lifecycle/refresh', headers: cookies.header() })).statusCode, 404)
})

t.test('credentialed CORS on the Authentication and Sessions APIs, for trusted origins only', async (t) => {
  const { app } = await buildTestApp(t)
  for (const url of ['/api/v1/authn', '/api/v1/sessions/me', '/api/v1/sessions/me/lifecycle/refresh']) {
    const pre = await app.inject({
      method: 'OPTIONS',
      url,
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-okta-user-agent-extended' },
    })
    t.equal(pre.statusCode, 204, url)
    t.equal(pre.headers['access-control-allow-origin'], 'http://localhost:3000', url)
    t.equal(pre.headers['access-control-allow-credentials'], 'true', url)
    t.match(pre.headers['access-control-allow-headers'], 'x-okta-user-agent-extended')
    const evil = await app.inject({ method: 'OPTIONS', url, headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
    t.equal(evil.headers['access-control-allow-origin'], undefined, `${url}: untrusted origin`)
    t.equal(evil.headers['access-control-allow-credentials'], undefined)
  }
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/authn',
    headers: { ...JSON_TYPE, origin: 'http://localhost:3000' },
    payload: JSON.stringify({ username: ALICE.username, password: ALICE.password }),
  })
  t.equal(res.headers['access-control-allow-origin'], 'http://localhost:3000')
  t.equal(res.headers['access-control-allow-credentials'], 'true')
})

t.test('the journal records the calls without passwords or session tokens', async (t) => {
  const { app, logs } = await buildTestApp(t)
  const res = await authn(app, { username: ALICE.username, password: ALICE.password })
  const token = res.json().sessionToken as string
  await authn(app, { username: ALICE.username, password: 'wrong-canary-77' })
  await authorize(app, authorizeParams(challenge, { prompt: 'none', sessionToken: token }))
  const journal = await app.inject({ method: 'GET', url: '/__mockta/journal?endpoint=authn' })
  t.equal(journal.statusCode, 200)
  const entries = journal.json() as Array<Record<string, unknown>>
  t.equal(entries.length, 2)
  t.match(entries[0], { endpoint: 'authn', path: '/api/v1/authn', status: 200, username: ALICE.username })
  t.match(entries[1], { endpoint: 'authn', status: 401, error: 'E0000004' })
  const all = JSON.stringify((await app.inject({ method: 'GET', url: '/__mockta/journal' })).json())
  for (const secret of [ALICE.password, 'wrong-canary-77', token]) {
    t.notOk(all.includes(secret), 'not in the journal')
    t.notOk(logs().includes(secret), 'not in the logs')
  }
})

t.test('faults can target the Authentication API', async (t) => {
  const { app } = await buildTestApp(t)
  const rule = await app.inject({
    method: 'POST',
    url: '/__mockta/faults',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ match: { endpoint: 'authn' }, action: { type: 'rate_limit' }, times: 1 }),
  })
  t.equal(rule.statusCode, 201, rule.body)
  const limited = await authn(app, { username: ALICE.username, password: ALICE.password })
  t.equal(limited.statusCode, 429)
  t.equal(limited.json().errorCode, 'E0000047')
  t.equal((await authn(app, { username: ALICE.username, password: ALICE.password })).statusCode, 200)
})

t.test('/login/sessionCookieRedirect: the token becomes the session, then a redirect to a trusted origin only', async (t) => {
  const { app } = await buildTestApp(t)
  const token = await sessionToken(app)
  const go = (query: Record<string, string>, cookies = new Cookies()) =>
    app.inject({ method: 'GET', url: `/login/sessionCookieRedirect?${new URLSearchParams(query)}`, headers: cookies.header() }).then((res) => (cookies.take(res), res))
  const evil = await go({ token, redirectUrl: 'https://evil.example/canary' })
  t.equal(evil.statusCode, 400, 'no open redirect')
  t.notMatch(evil.body, 'canary')
  const cookies = new Cookies()
  const res = await go({ checkAccountSetupComplete: 'true', token, redirectUrl: 'http://localhost:3000/home' }, cookies)
  t.equal(res.statusCode, 302)
  t.equal(res.headers['location'], 'http://localhost:3000/home')
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/sessions/me', headers: cookies.header() })).json().login, ALICE.username, 'signed in')
  const again = new Cookies()
  const used = await go({ token, redirectUrl: 'http://localhost:3000/home' }, again)
  t.equal(used.statusCode, 302, 'a used token still goes on')
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/sessions/me', headers: again.header() })).statusCode, 404, 'but signs nobody in')
})
