/**
 * Fuzzing the Authentication and Sessions APIs (docs/authentication-api.md § 1.2): any body, media type
 * and path under /api/v1/authn and /api/v1/sessions/me gets Okta's API error body or a
 * well-formed answer, a status Okta uses, never a 5xx, and never repeats a value it was sent; a
 * session token comes back only for the right password.
 */
import fc from 'fast-check'
import t from 'tap'
import { ALICE, buildTestApp } from '../helpers/app.js'
import { CAROL, CAROL_USER, DAVE, factorIdOf, withMfaUsers } from '../helpers/authn-users.js'
import { count, newTally, runProperty } from '../helpers/fuzz.js'

const MARKER = 'FUZZ-MARK'

t.test('/api/v1/authn and /api/v1/sessions/me: any request gets an Okta answer', async (t) => {
  const { app } = await buildTestApp(t, { change: withMfaUsers })
  const tally = newTally()
  const route = fc.constantFrom(
    ['POST', '/api/v1/authn'],
    ['POST', '/api/v1/authn/cancel'],
    ['GET', '/api/v1/sessions/me'],
    ['DELETE', '/api/v1/sessions/me'],
    ['POST', '/api/v1/sessions/me/lifecycle/refresh'],
  ) as fc.Arbitrary<[string, string]>
  const value: fc.Arbitrary<unknown> = fc.oneof(
    fc.constant(ALICE.username),
    fc.constant(ALICE.password),
    fc.string({ maxLength: 40 }).map((s) => `${MARKER}${s}`),
    fc.string({ minLength: 1030, maxLength: 1100 }).map((s) => `${MARKER}${s}`),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
    fc.record({ warnBeforePasswordExpired: fc.boolean(), deviceToken: fc.string({ maxLength: 40 }).map((s) => `${MARKER}${s}`) }),
  )
  const key = fc.constantFrom('username', 'password', 'options', 'context', 'stateToken', 'token', '__proto__', 'constructor')
  const body = fc.oneof(
    { weight: 4, arbitrary: fc.dictionary(key, value, { maxKeys: 4 }).map((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => `${MARKER}${s}`) },
    { weight: 1, arbitrary: fc.constant('') },
  )
  const type = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x')
  const cookie = fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 40 }).map((s) => `mockta_session=${encodeURIComponent(MARKER + s)}`),
  )
  await runProperty(
    t,
    'authn-body',
    [route, body, type, cookie] as const,
    async ([method, url], payload, contentType, sessionCookie) => {
      const headers: Record<string, string> = { 'content-type': contentType, ...(sessionCookie !== undefined && { cookie: sessionCookie }) }
      const res = await app.inject({ method: method as 'POST', url, headers, ...(method !== 'GET' && { payload }) })
      count(tally, res)
      if (![200, 400, 401, 404, 413, 415].includes(res.statusCode)) throw new Error(`unexpected status ${res.statusCode}: ${res.body.slice(0, 200)}`)
      if (!String(res.headers['content-type']).startsWith('application/json')) throw new Error(`content type ${String(res.headers['content-type'])}`)
      if (res.body.includes(MARKER)) throw new Error(`a sent value repeated: ${res.body.slice(0, 200)}`)
      const answer = res.json<Record<string, unknown>>()
      if (res.statusCode >= 400 && (typeof answer['errorCode'] !== 'string' || typeof answer['errorId'] !== 'string' || !Array.isArray(answer['errorCauses'])))
        throw new Error(`not an Okta error: ${res.body.slice(0, 200)}`)
      if (answer['sessionToken'] !== undefined) {
        const sent = JSON.parse(payload) as Record<string, unknown>
        if (sent['password'] !== ALICE.password || String(sent['username']).toLowerCase() !== ALICE.username) throw new Error('a session token without the right password')
      }
    },
    tally,
    { numRuns: 300 },
  )
})

/**
 * The transaction endpoints (docs/authentication-api.md § 1.4–1.6): live and made-up state tokens,
 * any passcode and password, any factor id in the path. Okta's answers only, never a 5xx, nothing
 * echoed, and SUCCESS only for the right code or a policy-meeting password.
 */
t.test('/api/v1/authn transactions: any step gets an Okta answer', async (t) => {
  const { app } = await buildTestApp(t, { change: withMfaUsers })
  const tally = newTally()
  const start = async (user: { username: string; password: string }): Promise<string> =>
    (
      await app.inject({
        method: 'POST',
        url: '/api/v1/authn',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username: user.username, password: user.password }),
      })
    ).json().stateToken as string
  const totp = factorIdOf(CAROL_USER, 'token:software:totp')
  const email = factorIdOf(CAROL_USER, 'email')
  const path = fc.constantFrom(
    `/api/v1/authn/factors/${totp}/verify`,
    `/api/v1/authn/factors/${email}/verify`,
    `/api/v1/authn/factors/${email}/verify/resend`,
    `/api/v1/authn/factors/${MARKER}x/verify`,
    '/api/v1/authn/previous',
    '/api/v1/authn/credentials/change_password',
    '/api/v1/authn/cancel',
  )
  const stateToken = fc.oneof(
    fc.constantFrom('mfa', 'expired'),
    fc.string({ maxLength: 50 }).map((s) => `${MARKER}${s}`),
    fc.integer(),
    fc.constant(null),
  )
  const text = fc.oneof(
    fc.stringMatching(/^\d{6}$/),
    fc.string({ maxLength: 30 }).map((s) => `${MARKER}${s}`),
    fc.string({ minLength: 1030, maxLength: 1100 }).map((s) => `${MARKER}${s}`),
    fc.constant(DAVE.password),
    fc.integer(),
    fc.constant(undefined),
  )
  await runProperty(
    t,
    'authn-transaction',
    [path, stateToken, text, text, text] as const,
    async (url, token, passCode, oldPassword, newPassword) => {
      const live = token === 'mfa' ? await start(CAROL) : token === 'expired' ? await start(DAVE) : token
      const payload = JSON.stringify({ stateToken: live, passCode, oldPassword, newPassword })
      const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload })
      count(tally, res)
      if (![200, 400, 401, 403, 404].includes(res.statusCode)) throw new Error(`unexpected status ${res.statusCode}: ${res.body.slice(0, 200)}`)
      if (res.body.includes(MARKER)) throw new Error(`a sent value repeated: ${res.body.slice(0, 200)}`)
      const answer = res.json<Record<string, unknown>>()
      if (res.statusCode >= 400 && (typeof answer['errorCode'] !== 'string' || typeof answer['errorId'] !== 'string' || !Array.isArray(answer['errorCauses'])))
        throw new Error(`not an Okta error: ${res.body.slice(0, 200)}`)
      if (typeof live === 'string' && res.body.includes(live) && answer['stateToken'] !== live) throw new Error('a state token echoed outside its place')
      if (answer['status'] === 'SUCCESS' && url.endsWith('change_password') && oldPassword !== DAVE.password) throw new Error('a password changed without the old one')
    },
    tally,
    { numRuns: 200 },
  )
})
