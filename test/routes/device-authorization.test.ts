/** The device authorization grant through inject: codes, polling errors, approval, denial, single use (docs/device-exchange-par.md). */
import t from 'tap'
import { oktaErrors } from '../../src/errors/okta-errors.js'
import { ALICE, DEFAULT_AS, FORM, buildTestApp, form, post } from '../helpers/app.js'
import { control } from '../helpers/control.js'
import { DEVICE_GRANT, withNewGrants } from '../helpers/grants-config.js'
import { Cookies } from '../helpers/authorize.js'

const start = (app: Awaited<ReturnType<typeof buildTestApp>>['app'], params: Record<string, string> = { client_id: 'native-app', scope: 'openid profile offline_access' }) =>
  app.inject({ method: 'POST', url: `${DEFAULT_AS}/device/authorize`, headers: FORM, payload: form(params) })
const poll = (app: Awaited<ReturnType<typeof buildTestApp>>['app'], deviceCode: string, client = 'native-app') =>
  post(app, 'token', { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: client })

t.test('device authorization: Okta shapes, polling errors, one redemption', async (t) => {
  const { app, clock } = await buildTestApp(t, { change: withNewGrants })
  const res = await start(app)
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.same(Object.keys(body), ['device_code', 'user_code', 'verification_uri', 'verification_uri_complete', 'expires_in', 'interval'])
  t.match(body.device_code, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  t.match(body.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/)
  t.equal(body.verification_uri, 'http://mockta.test/activate')
  t.equal(body.verification_uri_complete, `http://mockta.test/activate?user_code=${body.user_code}`)
  t.equal(body.expires_in, 600)
  t.equal(body.interval, 1)
  t.equal(res.headers['cache-control'], 'no-cache, no-store')

  let r = await poll(app, body.device_code)
  t.same(r.json(), { error: 'authorization_pending', error_description: 'The device authorization is pending. Please try again later.' })
  r = await poll(app, body.device_code)
  t.same(r.json(), { error: 'slow_down', error_description: 'Slow down the polling frequency. Please try again later.' })
  // slow_down added 5 seconds to the interval (RFC 8628 §3.5): six seconds on, the poll is on time.
  clock.advance(6)
  t.equal((await poll(app, body.device_code)).json().error, 'authorization_pending')
  // Another client cannot redeem it, and learns nothing.
  r = await post(app, 'token', { grant_type: DEVICE_GRANT, device_code: body.device_code }, { authorization: `Basic ${Buffer.from('web-app:web-app-secret').toString('base64')}` })
  t.equal(r.json().error, 'unauthorized_client')

  const approved = await control(app, 'POST', `/device/${body.user_code.toLowerCase()}/approve`, { user: ALICE.username })
  t.equal(approved.statusCode, 200, approved.body)
  t.same(approved.json(), { userCode: body.user_code, status: 'approved', clientId: 'native-app', userId: ALICE.id })
  t.equal((await control(app, 'POST', `/device/${body.user_code}/deny`)).statusCode, 409)
  clock.advance(6)
  const [a, b] = await Promise.all([poll(app, body.device_code), poll(app, body.device_code)])
  const wins = [a, b].filter((x) => x.statusCode === 200)
  t.equal(wins.length, 1, 'one poll wins')
  const tokens = wins[0]!.json()
  t.ok(tokens.access_token && tokens.id_token && tokens.refresh_token)
  t.equal(tokens.scope, 'openid profile offline_access')
  const loser = [a, b].find((x) => x.statusCode !== 200)!
  t.same(loser.json(), { error: 'invalid_grant', error_description: 'The device code is invalid or has expired.' })
  clock.advance(6)
  t.equal((await poll(app, body.device_code)).json().error, 'invalid_grant')
})

t.test('denied, expired, unknown, missing, not allowed', async (t) => {
  const { app, clock } = await buildTestApp(t, { change: withNewGrants })
  const denied = (await start(app)).json()
  t.equal((await control(app, 'POST', `/device/${denied.user_code}/deny`)).json().status, 'denied')
  t.same((await poll(app, denied.device_code)).json(), { error: 'access_denied', error_description: 'The user denied the device authorization request.' })
  const late = (await start(app)).json()
  clock.advance(601)
  t.same((await poll(app, late.device_code)).json(), { error: 'expired_token', error_description: 'The device code has expired.' })
  t.equal((await control(app, 'POST', `/device/${late.user_code}/approve`, { user: ALICE.username })).statusCode, 404)
  t.equal((await poll(app, 'no-such-code')).json().error, 'invalid_grant')
  t.same((await post(app, 'token', { grant_type: DEVICE_GRANT, client_id: 'native-app' })).json(), {
    error: 'invalid_request',
    error_description: "The required parameter 'device_code' is missing.",
  })
  t.equal((await control(app, 'POST', '/device/ABCDEFGH/approve', { user: 'nobody@example.com' })).statusCode, 404)
  t.equal((await control(app, 'POST', '/device/ABCDEFGH/approve', {})).statusCode, 400)
  // Client without the grant; no scope; no client.
  t.equal((await start(app, { client_id: 'spa-app', scope: 'openid' })).json().error, 'unauthorized_client')
  t.same((await start(app, { client_id: 'native-app' })).json(), { error: 'invalid_scope', error_description: 'No scopes were requested.' })
  t.equal((await start(app, { client_id: 'native-app', scope: 'nope' })).json().error, 'invalid_scope')
  const none = await start(app, { scope: 'openid' })
  t.equal(none.statusCode, 401)
  t.same(none.json(), { error: 'invalid_client', error_description: 'No client credentials found.' })
  t.equal((await app.inject({ method: 'GET', url: `${DEFAULT_AS}/device/authorize` })).statusCode, 405)
})

t.test('the activation page: code, sign-in, approve; and deny', async (t) => {
  const { app } = await buildTestApp(t, { change: withNewGrants })
  const first = (await start(app)).json()
  const cookies = new Cookies()
  let page = await app.inject({ method: 'GET', url: '/activate' })
  t.match(page.body, /Enter the code shown on your device/)
  page = await app.inject({ method: 'GET', url: '/activate?user_code=WRONGWRONG' })
  t.equal(page.statusCode, 400)
  page = await app.inject({ method: 'GET', url: `/activate?user_code=${first.user_code.slice(0, 4)}-${first.user_code.slice(4)}`, headers: cookies.header() })
  t.equal(page.statusCode, 200)
  t.match(page.body, /action="\/activate"/)
  const signIn = await app.inject({
    method: 'POST',
    url: '/activate',
    headers: { ...FORM, ...cookies.header() },
    payload: form({ tx: first.user_code, username: ALICE.username, password: ALICE.password }),
  })
  cookies.take(signIn)
  t.match(signIn.body, /Allow access\?/)
  const bad = await app.inject({
    method: 'POST',
    url: '/activate',
    headers: { ...FORM, ...cookies.header(), origin: 'https://evil.example' },
    payload: form({ user_code: first.user_code, decision: 'approve' }),
  })
  t.equal(bad.statusCode, 400)
  // Chromium posts our no-referrer pages' forms with Origin: null; Sec-Fetch-Site decides.
  const opaque = await app.inject({
    method: 'POST',
    url: '/activate',
    headers: { ...FORM, ...cookies.header(), origin: 'null', 'sec-fetch-site': 'cross-site' },
    payload: form({ user_code: first.user_code, decision: 'approve' }),
  })
  t.equal(opaque.statusCode, 400)
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/activate',
        headers: { ...FORM, ...cookies.header(), origin: 'null' },
        payload: form({ user_code: first.user_code, decision: 'approve' }),
      })
    ).statusCode,
    400,
  )
  const done = await app.inject({ method: 'POST', url: '/activate', headers: { ...FORM, ...cookies.header() }, payload: form({ user_code: first.user_code, decision: 'approve' }) })
  t.match(done.body, /Device activated/)
  t.equal((await poll(app, first.device_code)).statusCode, 200)

  // Signed in already: straight to the question; deny.
  const second = (await start(app)).json()
  page = await app.inject({ method: 'GET', url: `/activate?user_code=${second.user_code}`, headers: cookies.header() })
  t.match(page.body, /Allow access\?/)
  const denied = await app.inject({ method: 'POST', url: '/activate', headers: { ...FORM, ...cookies.header() }, payload: form({ user_code: second.user_code, decision: 'deny' }) })
  t.match(denied.body, /Device not activated/)
  t.equal((await poll(app, second.device_code)).json().error, 'access_denied')
  const wrong = await app.inject({
    method: 'POST',
    url: '/activate',
    headers: FORM,
    payload: form({ tx: (await start(app)).json().user_code, username: ALICE.username, password: 'nope' }),
  })
  t.equal(wrong.statusCode, 401)
})

t.test('journal and discovery', async (t) => {
  const { app } = await buildTestApp(t, { change: withNewGrants })
  await start(app)
  const entries = (await control(app, 'GET', '/journal')).json() as Array<{ endpoint: string }>
  t.ok(entries.some((e) => e.endpoint === 'device_authorize'))
  const doc = (await app.inject({ method: 'GET', url: '/oauth2/default/.well-known/openid-configuration' })).json()
  t.equal(doc.device_authorization_endpoint, 'http://mockta.test/oauth2/default/v1/device/authorize')
  t.equal(doc.pushed_authorization_request_endpoint, 'http://mockta.test/oauth2/default/v1/par')
  t.ok(doc.grant_types_supported.includes(DEVICE_GRANT))
  t.ok(doc.grant_types_supported.includes('urn:ietf:params:oauth:grant-type:token-exchange'))
  const org = (await app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).json()
  t.notOk(org.grant_types_supported.includes('urn:ietf:params:oauth:grant-type:token-exchange'))
  t.equal(org.device_authorization_endpoint, 'http://mockta.test/oauth2/v1/device/authorize')
})

/** The catalogue rows this file drives (test/conformance/okta-error-catalogue.test.ts reads this list); their texts are asserted above. */
const DRIVEN_CODES = ['authorization_pending', 'slow_down', 'expired_token', 'invalid_device_code'] as const
t.test('the driven rows are catalogue rows', async (t) => {
  for (const code of DRIVEN_CODES) t.ok(oktaErrors[code].description.length > 0, code)
})
