/**
 * The dashboard is protected exactly as the control API (docs/security.md, docs/dashboard.md): the page
 * and its assets answer only allowed Host names, refuse cross-site fetches, and need the admin token
 * when one is configured; the token, entered once, is kept in an HttpOnly cookie scoped to /__mockta/,
 * and a write authorised by that cookie must also be JSON from the page's own origin (no CSRF).
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

const TOKEN = 's3cret-admin-token'
const PAGES = ['/__mockta/', '/__mockta/ui/callback', '/__mockta/ui/app.js', '/__mockta/ui/app.css']
const HOST = 'localhost:8080'
const JSON_TYPE = { 'content-type': 'application/json' }

t.test('on loopback: the page and its assets, self-contained, with a strict CSP', async (t) => {
  const { app } = await buildTestApp(t)
  const page = await app.inject({ method: 'GET', url: '/__mockta/', headers: { host: HOST } })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.headers['content-security-policy'], /default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'/)
  t.equal(page.headers['x-frame-options'], 'DENY')
  t.notMatch(page.body, /https?:\/\//, 'no external asset')
  t.match(page.body, /<script src="\/__mockta\/ui\/app.js" defer>/)
  for (const [path, type] of [
    ['/__mockta/ui/app.js', /^text\/javascript/],
    ['/__mockta/ui/app.css', /^text\/css/],
  ] as const) {
    const res = await app.inject({ method: 'GET', url: path, headers: { host: HOST } })
    t.equal(res.statusCode, 200, path)
    t.match(res.headers['content-type'], type, path)
    t.equal(res.headers['x-content-type-options'], 'nosniff')
  }
  t.equal((await app.inject({ method: 'GET', url: '/__mockta/ui/callback?code=x&state=y', headers: { host: HOST } })).statusCode, 200)
  const bare = await app.inject({ method: 'GET', url: '/__mockta', headers: { host: HOST } })
  t.equal(bare.statusCode, 302, '/__mockta goes to /__mockta/, where the cookie path reaches')
  t.equal(bare.headers['location'], '/__mockta/')
  t.equal((await app.inject({ method: 'GET', url: '/__mockta/ui/nothing', headers: { host: HOST } })).statusCode, 404)
  t.same((await app.inject({ method: 'GET', url: '/__mockta/ui/session', headers: { host: HOST } })).json(), { adminToken: false })
  const noToken = await app.inject({ method: 'POST', url: '/__mockta/ui/session', headers: { host: HOST, ...JSON_TYPE }, payload: JSON.stringify({ token: 'x' }) })
  t.equal(noToken.statusCode, 409, 'a mockta without a token has nothing to sign in to')
})

t.test('refused for a foreign Host and for cross-site fetches, like the control API', async (t) => {
  const { app } = await buildTestApp(t)
  for (const url of PAGES) {
    const foreign = await app.inject({ method: 'GET', url, headers: { host: 'attacker.example:8080' } })
    t.equal(foreign.statusCode, 403, `${url}: foreign Host`)
    t.match(foreign.json(), { error: 'forbidden', message: /control.allowedHosts/ })
    const crossSite = await app.inject({ method: 'GET', url, headers: { host: HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' } })
    t.equal(crossSite.statusCode, 403, `${url}: cross-site fetch`)
    const origin = await app.inject({ method: 'GET', url, headers: { host: HOST, origin: 'https://evil.example' } })
    t.equal(origin.statusCode, 403, `${url}: another site's Origin`)
  }
  const navigation = await app.inject({ method: 'GET', url: '/__mockta/', headers: { host: HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } })
  t.equal(navigation.statusCode, 200, 'following a link to the page still works (it changes nothing, and the page stays out of the linking site’s reach)')
  const signIn = await app.inject({ method: 'POST', url: '/__mockta/ui/session', headers: { host: HOST, ...JSON_TYPE, origin: 'https://evil.example' }, payload: '{"token":"x"}' })
  t.equal(signIn.statusCode, 403, 'the token form refuses other sites too')
})

t.test('with an admin token: the token form, then an HttpOnly cookie scoped to /__mockta/', async (t) => {
  const { app, clock, logs } = await buildTestApp(t, { change: (c) => (c.control.adminToken = TOKEN) })
  const ask = await app.inject({ method: 'GET', url: '/__mockta/', headers: { host: HOST } })
  t.equal(ask.statusCode, 401, 'the page asks for the token')
  t.match(ask.headers['content-type'], /^text\/html/)
  t.match(ask.body, /Admin token/)
  t.match(ask.headers['content-security-policy'], /script-src 'sha256-[A-Za-z0-9+/=]+'/, 'its one inline script is allowed by hash')
  t.equal((await app.inject({ method: 'GET', url: '/__mockta/ui/app.js', headers: { host: HOST } })).statusCode, 401, 'assets need the token')
  t.equal((await app.inject({ method: 'GET', url: '/__mockta', headers: { host: HOST } })).headers['location'], '/__mockta/', 'the bare path is sent to the page first')
  t.equal((await app.inject({ method: 'GET', url: '/__mockta/clock', headers: { host: HOST } })).statusCode, 401)

  const signIn = (body: string, headers: Record<string, string> = JSON_TYPE) =>
    app.inject({ method: 'POST', url: '/__mockta/ui/session', headers: { host: HOST, ...headers }, payload: body })
  t.equal((await signIn(JSON.stringify({ token: 'wrong' }))).statusCode, 401)
  t.equal((await signIn(`token=${TOKEN}`, { 'content-type': 'application/x-www-form-urlencoded' })).statusCode, 415, 'a form cannot sign in')
  const ok = await signIn(JSON.stringify({ token: TOKEN }))
  t.equal(ok.statusCode, 204)
  const setCookie = String(ok.headers['set-cookie'])
  t.match(setCookie, /^mockta_admin=/)
  t.match(setCookie, /Path=\/__mockta\//)
  t.match(setCookie, /HttpOnly/)
  t.match(setCookie, /SameSite=Strict/)
  const cookie = setCookie.split(';', 1)[0]!

  t.equal((await app.inject({ method: 'GET', url: '/__mockta/', headers: { host: HOST, cookie } })).statusCode, 200, 'the page opens with the cookie')
  t.equal((await app.inject({ method: 'GET', url: '/__mockta/ui/app.js', headers: { host: HOST, cookie } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/__mockta/clock', headers: { host: HOST, cookie } })).statusCode, 200, 'and the control API reads')
  t.same((await app.inject({ method: 'GET', url: '/__mockta/ui/session', headers: { host: HOST, cookie } })).json(), { adminToken: true })
  t.equal((await app.inject({ method: 'GET', url: '/__mockta/clock', headers: { host: HOST, cookie: 'mockta_admin=guess' } })).statusCode, 401, 'a wrong cookie is no token')
  t.equal((await app.inject({ method: 'GET', url: '/__mockta/', headers: { host: 'attacker.example', cookie } })).statusCode, 403, 'the cookie does not lift the Host rule')

  const before = clock.nowMs()
  const advance = (headers: Record<string, string>, payload = '{"seconds":60}') =>
    app.inject({ method: 'POST', url: '/__mockta/clock/advance', headers: { host: HOST, cookie, ...headers }, payload })
  t.equal((await advance(JSON_TYPE)).statusCode, 403, 'a cookie write without Origin is refused')
  t.match((await advance(JSON_TYPE)).json(), { error: 'forbidden', message: /dashboard page/ })
  t.equal((await advance({ ...JSON_TYPE, origin: 'http://localhost:3000' })).statusCode, 403, 'another origin of the same site is refused')
  t.equal((await advance({ ...JSON_TYPE, origin: 'https://evil.example' })).statusCode, 403)
  t.equal((await advance({ 'content-type': 'application/x-www-form-urlencoded', origin: `http://${HOST}` }, 'seconds=60')).statusCode, 415, 'still JSON only')
  t.equal((await advance({ 'content-type': 'text/plain', origin: `http://${HOST}` })).statusCode, 415)
  t.equal(clock.nowMs(), before, 'none of them moved the clock')
  t.equal((await advance({ ...JSON_TYPE, origin: `http://${HOST}` })).statusCode, 200, 'from the page itself, it works')
  t.equal(clock.nowMs(), before + 60_000)
  const bearer = await app.inject({
    method: 'POST',
    url: '/__mockta/clock/advance',
    headers: { host: HOST, authorization: `Bearer ${TOKEN}`, ...JSON_TYPE },
    payload: '{"seconds":1}',
  })
  t.equal(bearer.statusCode, 200, 'Bearer callers need no Origin')

  const out = await app.inject({ method: 'DELETE', url: '/__mockta/ui/session', headers: { host: HOST, cookie, ...JSON_TYPE, origin: `http://${HOST}` }, payload: '{}' })
  t.equal(out.statusCode, 204)
  t.match(String(out.headers['set-cookie']), /mockta_admin=;.*Max-Age=0/)
  t.notOk(logs().includes(TOKEN), 'the token is never logged')
})
