/**
 * The Authentication API's transactions (docs/authentication-api.md § 1.4–1.6): MFA_REQUIRED with TOTP
 * and email factors, MFA_CHALLENGE, PASSWORD_EXPIRED and change_password, cancel and previous, the
 * state token's single use and lifetime on the injected clock, and Okta's error bodies.
 */
import t from 'tap'
import type { Test } from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { currentTotp } from '../../src/authn/totp.js'
import { BASE_URL, buildTestApp } from '../helpers/app.js'
import { authorize, authorizeParams, Cookies, pkcePair, redeem, redirectParams } from '../helpers/authorize.js'
import { CAROL, CAROL_USER, DAVE, DAVE_USER, ERIN, GOOD_NEW_PASSWORD, TOTP_SECRET, factorIdOf, withMfaUsers } from '../helpers/authn-users.js'
import { control } from '../helpers/control.js'

const JSON_TYPE = { 'content-type': 'application/json', accept: 'application/json' }
const { challenge, verifier } = pkcePair()
const TOTP_ID = factorIdOf(CAROL_USER, 'token:software:totp')
const EMAIL_ID = factorIdOf(CAROL_USER, 'email')

const post = (app: FastifyInstance, path: string, body: unknown) =>
  app.inject({ method: 'POST', url: `/api/v1/authn${path}`, headers: JSON_TYPE, payload: typeof body === 'string' ? body : JSON.stringify(body) })

const primary = (app: FastifyInstance, user: { username: string; password: string }) => post(app, '', { username: user.username, password: user.password })

function assertOktaError(t: Test, res: LightMyRequestResponse, status: number, errorCode: string, summary: string, causes?: string[]): void {
  t.equal(res.statusCode, status, errorCode)
  t.match(res.headers['content-type'], /^application\/json/)
  t.match(res.json(), { errorCode, errorSummary: summary, errorLink: errorCode, errorId: /^oae[0-9A-Za-z]{17}$/, errorCauses: Array })
  if (causes)
    t.strictSame(
      res.json().errorCauses,
      causes.map((errorSummary) => ({ errorSummary })),
    )
}

const INVALID_PASSCODE: [string, string[]] = ['Invalid Passcode/Answer', ["Your passcode doesn't match our records. Please try again."]]

async function latestCode(app: FastifyInstance, to: string): Promise<string> {
  const res = await control(app, 'GET', `/outbox?to=${encodeURIComponent(to)}&limit=1`)
  return (res.json() as Array<{ code: string }>)[0]!.code
}

t.test('MFA_REQUIRED: a state token, the factors as Okta shapes them, a cancel link; no session token', async (t) => {
  const { app, clock } = await buildTestApp(t, { change: withMfaUsers })
  const res = await primary(app, CAROL)
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.status, 'MFA_REQUIRED')
  t.match(body.stateToken, /^00[A-Za-z0-9_-]{40}$/)
  t.equal(body.expiresAt, new Date(clock.nowMs() + 300_000).toISOString())
  t.notOk('sessionToken' in body)
  t.match(body._embedded.user, { id: CAROL_USER.id, profile: { login: CAROL.username, firstName: 'Carol' } })
  const verify = (id: string) => ({ href: `${BASE_URL}/api/v1/authn/factors/${id}/verify`, hints: { allow: ['POST'] } })
  t.strictSame(body._embedded.factors, [
    { id: TOTP_ID, factorType: 'token:software:totp', provider: 'OKTA', vendorName: 'OKTA', profile: { credentialId: CAROL.username }, _links: { verify: verify(TOTP_ID) } },
    { id: EMAIL_ID, factorType: 'email', provider: 'OKTA', vendorName: 'OKTA', profile: { email: 'c...l@example.com' }, _links: { verify: verify(EMAIL_ID) } },
  ])
  t.match(TOTP_ID, /^ost[A-Za-z0-9]{17}$/)
  t.match(EMAIL_ID, /^emf[A-Za-z0-9]{17}$/)
  t.strictSame(body._links, { cancel: { href: `${BASE_URL}/api/v1/authn/cancel`, hints: { allow: ['POST'] } } })
  t.notOk(res.body.includes(TOTP_SECRET), 'the secret is never shown')
})

t.test('TOTP: the current code (control plane, injected clock) gives SUCCESS; a wrong one E0000068; a used one E0000082', async (t) => {
  const { app, clock } = await buildTestApp(t, { change: withMfaUsers })
  const stateToken = (await primary(app, CAROL)).json().stateToken as string
  const wrong = await post(app, `/factors/${TOTP_ID}/verify`, { stateToken, passCode: '000000' === currentTotp(TOTP_SECRET, clock.nowMs()).code ? '111111' : '000000' })
  assertOktaError(t, wrong, 403, 'E0000068', ...INVALID_PASSCODE)
  const missing = await post(app, `/factors/${TOTP_ID}/verify`, { stateToken })
  assertOktaError(t, missing, 403, 'E0000068', INVALID_PASSCODE[0])

  const shown = await control(app, 'GET', `/users/${CAROL.username}/totp`)
  t.equal(shown.statusCode, 200)
  const { code, factorId, validForSeconds, periodSeconds } = shown.json()
  t.equal(factorId, TOTP_ID)
  t.equal(code, currentTotp(TOTP_SECRET, clock.nowMs()).code, 'the code of the injected clock')
  t.ok(validForSeconds >= 1 && validForSeconds <= 30)
  t.equal(periodSeconds, 30)
  const ok = await post(app, `/factors/${TOTP_ID}/verify`, { stateToken, passCode: code })
  t.equal(ok.statusCode, 200)
  t.equal(ok.json().status, 'SUCCESS')
  t.match(ok.json().sessionToken, /^[A-Za-z0-9_-]{43}$/)
  t.match(ok.json()._embedded.user, { id: CAROL_USER.id })

  const again = await post(app, `/factors/${TOTP_ID}/verify`, { stateToken, passCode: code })
  assertOktaError(t, again, 401, 'E0000011', 'Invalid token provided')
  // The same code in a new transaction: used already.
  const second = (await primary(app, CAROL)).json().stateToken as string
  assertOktaError(
    t,
    await post(app, `/factors/${TOTP_ID}/verify`, { stateToken: second, passCode: code }),
    403,
    'E0000082',
    'Each code can only be used once. Please wait for a new code and try again.',
  )
  clock.advance(60)
  const next = (await control(app, 'GET', `/users/${CAROL_USER.id}/totp`)).json().code as string
  t.not(next, code, 'the code follows the clock')
  const survived = await post(app, `/factors/${TOTP_ID}/verify`, { stateToken: second, passCode: next })
  t.equal(survived.json().status, 'SUCCESS', `the transaction survived the wrong codes: ${survived.body}`)
})

t.test('the session token after MFA signs the browser in at /authorize (prompt=none); the session shows the factor', async (t) => {
  const { app, clock } = await buildTestApp(t, { change: withMfaUsers })
  const stateToken = (await primary(app, CAROL)).json().stateToken as string
  const sessionToken = (await post(app, `/factors/${TOTP_ID}/verify`, { stateToken, passCode: currentTotp(TOTP_SECRET, clock.nowMs()).code })).json().sessionToken as string
  const cookies = new Cookies()
  const res = await authorize(app, authorizeParams(challenge, { prompt: 'none', sessionToken }), cookies)
  const code = redirectParams(res)['code']
  t.ok(code, 'a code')
  const idToken = (await redeem(app, code!, verifier)).json().id_token as string
  t.strictSame(JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()).amr, ['pwd', 'otp'], "the ID token's amr names the factor")
  // The session cookie again, without the session token: the next code carries the factor too.
  const again = redirectParams(await authorize(app, authorizeParams(challenge, { prompt: 'none' }), cookies))['code']!
  const second = (await redeem(app, again, verifier)).json().id_token as string
  t.strictSame(JSON.parse(Buffer.from(second.split('.')[1]!, 'base64url').toString()).amr, ['pwd', 'otp'])
  const me = (await app.inject({ method: 'GET', url: '/api/v1/sessions/me', headers: cookies.header() })).json()
  t.match(me, { userId: CAROL_USER.id, amr: ['pwd', 'otp'], mfaActive: true, lastFactorVerification: me.lastPasswordVerification })
  // A password alone: as before.
  const dave = (await primary(app, { username: DAVE.username, password: DAVE.password })).json().stateToken as string
  const plain = (await post(app, '/credentials/change_password', { stateToken: dave, oldPassword: DAVE.password, newPassword: GOOD_NEW_PASSWORD })).json().sessionToken as string
  const other = new Cookies()
  await authorize(app, authorizeParams(challenge, { prompt: 'none', sessionToken: plain }), other)
  t.match((await app.inject({ method: 'GET', url: '/api/v1/sessions/me', headers: other.header() })).json(), { amr: ['pwd'], mfaActive: false, lastFactorVerification: null })
})

t.test('email: verify without a code sends one to the outbox (MFA_CHALLENGE); the code gives SUCCESS, once', async (t) => {
  const { app, clock } = await buildTestApp(t, { change: withMfaUsers })
  const stateToken = (await primary(app, CAROL)).json().stateToken as string
  const challenged = await post(app, `/factors/${EMAIL_ID}/verify`, { stateToken })
  t.equal(challenged.statusCode, 200)
  const body = challenged.json()
  t.equal(body.status, 'MFA_CHALLENGE')
  t.equal(body.stateToken, stateToken, 'the same state token goes on')
  t.equal(body.factorResult, 'CHALLENGE')
  t.strictSame(body._embedded.factor, { id: EMAIL_ID, factorType: 'email', provider: 'OKTA', vendorName: 'OKTA', profile: { email: 'c...l@example.com' } })
  const verify = `${BASE_URL}/api/v1/authn/factors/${EMAIL_ID}/verify`
  t.strictSame(body._links.next, { name: 'verify', href: verify, hints: { allow: ['POST'] } })
  t.strictSame(body._links.resend, [{ name: 'email', href: `${verify}/resend`, hints: { allow: ['POST'] } }])
  t.strictSame(body._links.prev, { href: `${BASE_URL}/api/v1/authn/previous`, hints: { allow: ['POST'] } })
  const [message] = (await control(app, 'GET', '/outbox?to=carol@example.com')).json() as Array<Record<string, unknown>>
  t.match(message, { to: 'carol@example.com', kind: 'authn-factor', code: /^\d{6}$/, userId: CAROL_USER.id, createdAtMs: clock.nowMs() })
  const code = message!['code'] as string
  t.notOk(challenged.body.includes(code), 'the code is not in the answer')

  assertOktaError(t, await post(app, `/factors/${EMAIL_ID}/verify`, { stateToken, passCode: code === '123456' ? '654321' : '123456' }), 403, 'E0000068', ...INVALID_PASSCODE)
  // A TOTP code for the email factor, or the email code for the TOTP factor, does not do.
  assertOktaError(
    t,
    await post(app, `/factors/${TOTP_ID}/verify`, { stateToken, passCode: code === currentTotp(TOTP_SECRET, clock.nowMs()).code ? '999999' : code }),
    403,
    'E0000068',
    INVALID_PASSCODE[0],
  )
  const ok = await post(app, `/factors/${EMAIL_ID}/verify`, { stateToken, passCode: code })
  t.equal(ok.json().status, 'SUCCESS')
  assertOktaError(t, await post(app, `/factors/${EMAIL_ID}/verify`, { stateToken, passCode: code }), 401, 'E0000011', 'Invalid token provided')
})

t.test('email: resend replaces the code; previous forgets it; code and transaction end 5 minutes on the clock', async (t) => {
  const { app, clock } = await buildTestApp(t, { change: withMfaUsers })
  const stateToken = (await primary(app, CAROL)).json().stateToken as string
  await post(app, `/factors/${EMAIL_ID}/verify`, { stateToken })
  const first = await latestCode(app, 'carol@example.com')
  const resent = await post(app, `/factors/${EMAIL_ID}/verify/resend`, { stateToken })
  t.equal(resent.json().status, 'MFA_CHALLENGE')
  const second = await latestCode(app, 'carol@example.com')
  t.equal(((await control(app, 'GET', '/outbox?to=carol@example.com')).json() as unknown[]).length, 2)
  if (first !== second) assertOktaError(t, await post(app, `/factors/${EMAIL_ID}/verify`, { stateToken, passCode: first }), 403, 'E0000068', INVALID_PASSCODE[0])

  const back = await post(app, '/previous', { stateToken })
  t.equal(back.json().status, 'MFA_REQUIRED')
  t.equal(back.json()._embedded.factors.length, 2)
  assertOktaError(t, await post(app, `/factors/${EMAIL_ID}/verify`, { stateToken, passCode: second }), 403, 'E0000068', INVALID_PASSCODE[0])
  assertOktaError(t, await post(app, '/previous', { stateToken }), 403, 'E0000079', 'This operation is not allowed in the current authentication state.', [
    'This operation is not allowed in the current authentication state.',
  ])

  await post(app, `/factors/${EMAIL_ID}/verify`, { stateToken })
  const third = await latestCode(app, 'carol@example.com')
  clock.advance(299)
  // A wrong code is no step: it neither ends nor slides the transaction, and the code keeps its own 5 minutes.
  await post(app, `/factors/${EMAIL_ID}/verify`, { stateToken, passCode: third === '000001' ? '000002' : '000001' })
  clock.advance(1)
  assertOktaError(t, await post(app, `/factors/${EMAIL_ID}/verify`, { stateToken, passCode: third }), 401, 'E0000011', 'Invalid token provided')
})

t.test('the state token lives 5 minutes from its last step on the injected clock; cancel ends it', async (t) => {
  const { app, clock } = await buildTestApp(t, { change: withMfaUsers })
  const stateToken = (await primary(app, CAROL)).json().stateToken as string
  clock.advance(299)
  t.equal((await post(app, `/factors/${EMAIL_ID}/verify`, { stateToken })).json().status, 'MFA_CHALLENGE', 'alive just before')
  clock.advance(299)
  t.equal((await post(app, '/previous', { stateToken })).json().status, 'MFA_REQUIRED', 'the step slid it on')
  clock.advance(300)
  assertOktaError(
    t,
    await post(app, `/factors/${TOTP_ID}/verify`, { stateToken, passCode: currentTotp(TOTP_SECRET, clock.nowMs()).code }),
    401,
    'E0000011',
    'Invalid token provided',
  )

  const other = (await primary(app, CAROL)).json().stateToken as string
  const cancelled = await post(app, '/cancel', { stateToken: other })
  t.equal(cancelled.statusCode, 200)
  t.strictSame(cancelled.json(), { status: 'UNAUTHENTICATED' })
  assertOktaError(t, await post(app, '/cancel', { stateToken: other }), 401, 'E0000011', 'Invalid token provided')
  assertOktaError(t, await post(app, `/factors/${EMAIL_ID}/verify`, { stateToken: other }), 401, 'E0000011', 'Invalid token provided')
})

t.test('bad input on the transaction endpoints: Okta errors, never a 5xx, nothing echoed', async (t) => {
  const { app } = await buildTestApp(t, { change: withMfaUsers })
  const stateToken = (await primary(app, CAROL)).json().stateToken as string
  const cases: Array<[string, string, unknown, number, string]> = [
    ['unknown state token', `/factors/${TOTP_ID}/verify`, { stateToken: '00canary', passCode: '123456' }, 401, 'E0000011'],
    ['no state token', `/factors/${TOTP_ID}/verify`, { passCode: 'canary' }, 401, 'E0000011'],
    ['a number for the state token', `/factors/${TOTP_ID}/verify`, { stateToken: 42 }, 400, 'E0000003'],
    ['not JSON', `/factors/${TOTP_ID}/verify`, '{"stateToken": "canary', 400, 'E0000003'],
    ['an unknown factor', '/factors/ostcanary0000000000000/verify', { stateToken, passCode: '123456' }, 404, 'E0000007'],
    ['a passcode of letters', `/factors/${TOTP_ID}/verify`, { stateToken, passCode: 'canary' }, 403, 'E0000068'],
    ['an oversized passcode', `/factors/${TOTP_ID}/verify`, { stateToken, passCode: 'canary'.repeat(400) }, 400, 'E0000003'],
    ['change_password in MFA_REQUIRED', '/credentials/change_password', { stateToken, oldPassword: 'canary', newPassword: 'Canary-12345' }, 403, 'E0000079'],
    ['change_password without a state token', '/credentials/change_password', { oldPassword: 'canary' }, 401, 'E0000011'],
    ['previous with an unknown token', '/previous', { stateToken: 'canary' }, 401, 'E0000011'],
  ]
  for (const [name, path, body, status, code] of cases) {
    const res = await post(app, path, body)
    t.equal(res.statusCode, status, name)
    t.equal(res.json().errorCode, code, name)
    t.notMatch(res.body, 'canary', `${name}: nothing echoed`)
  }
})

t.test('PASSWORD_EXPIRED: the policy and the change-password link; change_password gives SUCCESS and the new password', async (t) => {
  const { app, clock } = await buildTestApp(t, { change: withMfaUsers })
  const res = await primary(app, DAVE)
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.status, 'PASSWORD_EXPIRED')
  t.match(body.stateToken, /^00[A-Za-z0-9_-]{40}$/)
  t.equal(body.expiresAt, new Date(clock.nowMs() + 300_000).toISOString())
  t.match(body._embedded.user, { id: DAVE_USER.id, profile: { login: DAVE.username } })
  t.strictSame(body._embedded.policy, {
    expiration: { passwordExpireDays: 0 },
    complexity: { minLength: 8, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 0, excludeUsername: true },
  })
  t.strictSame(body._links, {
    next: { name: 'changePassword', href: `${BASE_URL}/api/v1/authn/credentials/change_password`, hints: { allow: ['POST'] } },
    cancel: { href: `${BASE_URL}/api/v1/authn/cancel`, hints: { allow: ['POST'] } },
  })
  const { stateToken } = body
  const change = (oldPassword: string, newPassword: string) => post(app, '/credentials/change_password', { stateToken, oldPassword, newPassword })
  assertOktaError(t, await change('wrong-canary', GOOD_NEW_PASSWORD), 403, 'E0000014', 'Update of credentials failed', ['oldPassword: The credentials provided were incorrect.'])
  const policy = 'Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username.'
  for (const weak of ['Sh0rt', 'alllowercase1', 'ALLUPPERCASE1', 'NoNumbersHere', 'Dave-Passw0rd']) {
    assertOktaError(t, await change(DAVE.password, weak), 403, 'E0000080', 'The password does not meet the complexity requirements of the current password policy.', [policy])
  }
  assertOktaError(t, await post(app, '/credentials/change_password', { stateToken, oldPassword: DAVE.password }), 400, 'E0000001', 'Api validation failed: authRequest', [
    'newPassword: The field cannot be left blank.',
  ])
  assertOktaError(
    t,
    await post(app, `/factors/${TOTP_ID}/verify`, { stateToken, passCode: '123456' }),
    403,
    'E0000079',
    'This operation is not allowed in the current authentication state.',
  )

  const ok = await change(DAVE.password, GOOD_NEW_PASSWORD)
  t.equal(ok.statusCode, 200)
  t.equal(ok.json().status, 'SUCCESS')
  t.match(ok.json().sessionToken, /^[A-Za-z0-9_-]{43}$/)
  assertOktaError(t, await change(DAVE.password, GOOD_NEW_PASSWORD), 401, 'E0000011', 'Invalid token provided')

  assertOktaError(t, await primary(app, DAVE), 401, 'E0000004', 'Authentication failed')
  t.equal((await primary(app, { username: DAVE.username, password: GOOD_NEW_PASSWORD })).json().status, 'SUCCESS', 'the new password, and the user is ACTIVE')
  const [listed] = (await control(app, 'GET', '/users')).json().filter((u: { login: string }) => u.login === DAVE.username)
  t.equal(listed.status, 'ACTIVE')
  t.notOk('password' in listed)
})

t.test('a factor comes before an expired password, with the same state token', async (t) => {
  const { app, clock } = await buildTestApp(t, { change: withMfaUsers })
  const first = (await primary(app, ERIN)).json()
  t.equal(first.status, 'MFA_REQUIRED')
  const [factor] = first._embedded.factors
  const verified = (await post(app, `/factors/${factor.id}/verify`, { stateToken: first.stateToken, passCode: currentTotp(TOTP_SECRET, clock.nowMs()).code })).json()
  t.equal(verified.status, 'PASSWORD_EXPIRED')
  t.equal(verified.stateToken, first.stateToken)
  const ok = await post(app, '/credentials/change_password', { stateToken: first.stateToken, oldPassword: ERIN.password, newPassword: GOOD_NEW_PASSWORD })
  t.equal(ok.json().status, 'SUCCESS')
  // The factor stays, its secret kept, after the password changed through the runtime data.
  const again = (await primary(app, { username: ERIN.username, password: GOOD_NEW_PASSWORD })).json()
  t.equal(again.status, 'MFA_REQUIRED')
  clock.advance(30)
  const code = (await control(app, 'GET', `/users/${ERIN.username}/totp`)).json().code as string
  t.equal((await post(app, `/factors/${factor.id}/verify`, { stateToken: again.stateToken, passCode: code })).json().status, 'SUCCESS')
})

t.test('the TOTP control endpoint: 404 for an unknown user and for a user without a TOTP factor', async (t) => {
  const { app } = await buildTestApp(t, { change: withMfaUsers })
  t.equal((await control(app, 'GET', '/users/nobody@example.com/totp')).statusCode, 404)
  t.equal((await control(app, 'GET', `/users/${DAVE.username}/totp`)).statusCode, 404)
  const users = (await control(app, 'GET', '/users')).json() as Array<{ login: string; factors?: unknown }>
  t.strictSame(users.find((u) => u.login === CAROL.username)?.factors, [
    { type: 'token:software:totp', id: TOTP_ID },
    { type: 'email', id: EMAIL_ID, email: 'carol@example.com' },
  ])
  t.notOk(JSON.stringify(users).includes(TOTP_SECRET), 'the listing hides the TOTP secret')
})

t.test('the journal records the transaction calls without passwords, codes, state or session tokens', async (t) => {
  const { app, clock, logs } = await buildTestApp(t, { change: withMfaUsers })
  const stateToken = (await primary(app, CAROL)).json().stateToken as string
  await post(app, `/factors/${EMAIL_ID}/verify`, { stateToken })
  const emailCode = await latestCode(app, 'carol@example.com')
  const totp = currentTotp(TOTP_SECRET, clock.nowMs()).code
  const sessionToken = (await post(app, `/factors/${TOTP_ID}/verify`, { stateToken, passCode: totp })).json().sessionToken as string
  const dave = (await primary(app, DAVE)).json().stateToken as string
  await post(app, '/credentials/change_password', { stateToken: dave, oldPassword: DAVE.password, newPassword: GOOD_NEW_PASSWORD })
  const entries = (await app.inject({ method: 'GET', url: '/__mockta/journal?endpoint=authn' })).json() as Array<Record<string, unknown>>
  t.match(
    entries.map((e) => e['path']),
    ['/api/v1/authn', `/api/v1/authn/factors/${EMAIL_ID}/verify`, `/api/v1/authn/factors/${TOTP_ID}/verify`, '/api/v1/authn', '/api/v1/authn/credentials/change_password'],
  )
  const all = JSON.stringify((await app.inject({ method: 'GET', url: '/__mockta/journal' })).json())
  for (const secret of [CAROL.password, DAVE.password, GOOD_NEW_PASSWORD, stateToken, dave, emailCode, totp, sessionToken]) {
    t.notOk(all.includes(secret), 'not in the journal')
    t.notOk(logs().includes(secret), 'not in the logs')
  }
})
