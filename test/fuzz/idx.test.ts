/**
 * Fuzzing the IDX API (docs/identity-engine.md, "Requests"): any JSON body, media type and path under
 * /idp/idx/ gets an IDX body in `application/ion+json`, a status Okta uses, never a 5xx, and never
 * repeats a value it was sent; so do the email-code and recovery paths during a challenge, and the
 * magic-link page (docs/identity-engine.md § Magic link).
 */
import fc from 'fast-check'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { count, newTally, runProperty } from '../helpers/fuzz.js'
import { idxCall, ION, startInteraction } from '../helpers/idx.js'
import { ERIN, EMAIL_AUTHENTICATOR_ID, emailChallenge } from '../helpers/idx-email.js'

const MARKER = 'FUZZ-MARK'
const PATH_MARKER = 'PATH-MARK'

t.test('/idp/idx/*: any body gets a well-formed IDX answer', async (t) => {
  const { app } = await buildTestApp(t)
  const { stateHandle } = await startInteraction(app)
  const tally = newTally()
  const path = fc.constantFrom('introspect', 'identify', 'challenge', 'challenge/answer', 'cancel', 'skip', 'enroll', 'enroll/new', 'identify/select', 'credential/enroll')
  const value: fc.Arbitrary<unknown> = fc.oneof(
    fc.constant(stateHandle),
    fc.string({ maxLength: 40 }).map((s) => `${MARKER}${s}`),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
    fc.record({
      passcode: fc.oneof(
        fc.constant('alice-password'),
        fc.string({ maxLength: 10 }).map((s) => `${MARKER}${s}`),
      ),
      id: fc.string({ maxLength: 10 }),
    }),
  )
  const key = fc.constantFrom(
    'stateHandle',
    'stateToken',
    'interactionHandle',
    'identifier',
    'credentials',
    'authenticator',
    'userProfile',
    'rememberMe',
    '__proto__',
    'constructor',
  )
  const body = fc.oneof(
    { weight: 4, arbitrary: fc.dictionary(key, value, { maxKeys: 5 }).map((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => `${MARKER}${s}`) },
  )
  const type = fc.constantFrom(ION, 'application/json', 'application/json; okta-version=1.0.0', 'text/plain', 'application/x-www-form-urlencoded')
  await runProperty(
    t,
    'idx-body',
    [path, body, type] as const,
    async (p, payload, contentType) => {
      const res = await app.inject({ method: 'POST', url: `/idp/idx/${p}`, headers: { 'content-type': contentType }, payload })
      count(tally, res)
      if (![200, 400, 401, 404, 413, 415].includes(res.statusCode)) throw new Error(`unexpected status ${res.statusCode}: ${res.body.slice(0, 200)}`)
      if (res.headers['content-type'] !== ION) throw new Error(`content type ${String(res.headers['content-type'])}`)
      const answer = res.json<Record<string, unknown>>()
      if (answer['version'] !== '1.0.0') throw new Error(`not an IDX body: ${res.body.slice(0, 200)}`)
      if (res.body.includes(MARKER)) throw new Error(`a sent value repeated: ${res.body.slice(0, 200)}`)
    },
    tally,
    { numRuns: 300 },
  )
})

t.test('the email code and recovery paths: any body gets a well-formed IDX answer, no echo', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const { interaction } = await emailChallenge(app, ctx)
  const recovering = await startInteraction(app)
  await idxCall(app, 'recover', { stateHandle: recovering.stateHandle })
  const tally = newTally()
  const path = fc.constantFrom('challenge/resend', 'challenge/poll', 'recover', 'challenge', 'challenge/answer', 'identify')
  const value: fc.Arbitrary<unknown> = fc.oneof(
    fc.constantFrom(interaction.stateHandle, recovering.stateHandle),
    fc.string({ maxLength: 40 }).map((s) => `${MARKER}${s}`),
    fc.integer(),
    fc.constant(null),
    fc.record({
      passcode: fc.oneof(
        fc.stringMatching(/^\d{6}$/),
        fc.string({ maxLength: 10 }).map((s) => `${MARKER}${s}`),
      ),
      id: fc.constantFrom(EMAIL_AUTHENTICATOR_ID, `${MARKER}x`),
    }),
  )
  const key = fc.constantFrom('stateHandle', 'identifier', 'credentials', 'authenticator', '__proto__')
  const body = fc.dictionary(key, value, { maxKeys: 4 }).map((o) => JSON.stringify(o))
  await runProperty(
    t,
    'idx-email-body',
    [path, body] as const,
    async (p, payload) => {
      const res = await app.inject({ method: 'POST', url: `/idp/idx/${p}`, headers: { 'content-type': ION }, payload })
      count(tally, res)
      if (![200, 400, 401].includes(res.statusCode)) throw new Error(`unexpected status ${res.statusCode}: ${res.body.slice(0, 200)}`)
      if (res.headers['content-type'] !== ION || res.json<Record<string, unknown>>()['version'] !== '1.0.0') throw new Error(`not an IDX answer: ${res.body.slice(0, 200)}`)
      if (res.body.includes(MARKER)) throw new Error(`a sent value repeated: ${res.body.slice(0, 200)}`)
    },
    tally,
    { numRuns: 200 },
  )
})

t.test('GET /email/verify/{userId}?token=: any link is a page, never a 5xx, never an echo', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const { message } = await emailChallenge(app, ctx)
  const real = new URL(message.link!).searchParams.get('token')!
  const tally = newTally()
  const segment = fc.oneof(
    fc.constant(ERIN.id),
    // Its own marker: the path is logged (a user id is no secret), the token never; were both the same
    // string, the token's canary would be found in the path's log line.
    fc.string({ maxLength: 30 }).map((s) => `${PATH_MARKER}${encodeURIComponent(s)}`),
  )
  const token = fc.oneof(
    fc.constant(real.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))),
    fc.string({ maxLength: 120 }).map((s) => `${MARKER}${s}`),
    fc.constant(`${real.split('.')[0]}.${MARKER}`),
  )
  await runProperty(
    t,
    'email-verify-link',
    [segment, token] as const,
    async (userId, tok) => {
      const res = await app.inject({ method: 'GET', url: `/email/verify/${userId}?token=${encodeURIComponent(tok)}` })
      count(tally, res)
      if (res.statusCode !== 400 && res.statusCode !== 404) throw new Error(`unexpected status ${res.statusCode}`)
      if (res.body.includes(MARKER) || res.body.includes(PATH_MARKER)) throw new Error('a sent value repeated')
    },
    tally,
    { numRuns: 150 },
  )
  t.equal((await app.inject({ method: 'GET', url: new URL(message.link!).pathname + new URL(message.link!).search })).statusCode, 200, 'the real link still works')
})

t.test('registration: any profile, new password and email code get a well-formed answer, never repeating a rejected value', async (t) => {
  const { app } = await buildTestApp(t)
  const tally = newTally()
  const text = fc.oneof(
    fc.string({ maxLength: 30 }).map((s) => `${MARKER}${s}`),
    fc.constantFrom('', '   ', 'Carol', 'x'.repeat(2000)),
    fc.integer(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  )
  const email = fc.oneof(
    text,
    fc.emailAddress().map((e) => `${MARKER.toLowerCase()}.${e}`),
    fc.constantFrom('alice@example.com', 'ALICE@EXAMPLE.COM', 'a@b', '@example.com'),
  )
  const name = fc.string({ maxLength: 10 }).map((s) => `${MARKER}${s}`)
  const profile = fc.oneof(
    // Mostly a profile that creates a user, so the new-password step is fuzzed too.
    { weight: 4, arbitrary: fc.record({ firstName: name, lastName: name, email: fc.uuid().map((u) => `${u}@example.com`) }) },
    { weight: 3, arbitrary: fc.record({ firstName: text, lastName: text, email }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })) },
  )
  // Its own marker: the answer may show the profile (and so MARKER), never the password.
  const PASS_MARKER = 'PASS-MARK'
  const passcode = fc.oneof(
    fc.string({ maxLength: 20 }).map((s) => `${PASS_MARKER}${s}`),
    fc.string({ maxLength: 20 }).map((s) => `Aa1${PASS_MARKER}${s}`),
    fc.constantFrom('', 'Sunny-Day-42'),
    fc.integer(),
    fc.constant(null),
  )
  // The email's enrolment, before or after the password, answered with anything.
  const CODE_MARKER = 'CODE-MARK'
  const emailCode = fc.oneof(
    fc.string({ maxLength: 12 }).map((s) => `${CODE_MARKER}${s}`),
    fc.stringMatching(/^\d{6}$/),
    fc.constantFrom('', '9'.repeat(5000)),
    fc.integer(),
    fc.constant(null),
    fc.constant(undefined),
  )
  const order = fc.constantFrom('password only', 'email after', 'email first')
  const steps = async (): Promise<string> => {
    const { stateHandle } = await startInteraction(app)
    await app.inject({ method: 'POST', url: '/idp/idx/enroll', headers: { 'content-type': ION }, payload: JSON.stringify({ stateHandle }) })
    return stateHandle
  }
  const check = (res: { statusCode: number; headers: Record<string, unknown>; body: string; json: <T>() => T }, echoAllowed: boolean): void => {
    count(tally, res as never)
    if (![200, 400, 401].includes(res.statusCode)) throw new Error(`unexpected status ${res.statusCode}: ${res.body.slice(0, 200)}`)
    if (res.headers['content-type'] !== ION) throw new Error(`content type ${String(res.headers['content-type'])}`)
    if (res.json<Record<string, unknown>>()['version'] !== '1.0.0') throw new Error(`not an IDX body: ${res.body.slice(0, 200)}`)
    // A created user's profile is shown back as Okta shows it (`user`); nothing else is.
    if (!echoAllowed && res.body.includes(MARKER)) throw new Error(`a sent value repeated: ${res.body.slice(0, 200)}`)
  }
  await runProperty(
    t,
    'idx-registration',
    [profile, passcode, order, emailCode] as const,
    async (userProfile, password, path, code) => {
      const stateHandle = await steps()
      const post = (path: string, body: unknown) => app.inject({ method: 'POST', url: `/idp/idx/${path}`, headers: { 'content-type': ION }, payload: JSON.stringify(body) })
      const created = await post('enroll/new', { userProfile, stateHandle })
      check(created, created.statusCode === 200)
      if (created.statusCode !== 200) return
      const enrolEmail = async () => {
        check(await post('credential/enroll', { authenticator: { id: EMAIL_AUTHENTICATOR_ID }, stateHandle }), true)
        const answered = await post('challenge/answer', { credentials: { passcode: code }, stateHandle })
        check(answered, true)
        if (answered.body.includes(CODE_MARKER)) throw new Error(`the code repeated: ${answered.body.slice(0, 200)}`)
      }
      if (path === 'email first') await enrolEmail()
      await post('credential/enroll', { authenticator: { id: 'autpassword000000001' }, stateHandle })
      const answer = await post('challenge/answer', { credentials: { passcode: password }, stateHandle })
      check(answer, true)
      if (answer.body.includes(PASS_MARKER)) throw new Error(`the password repeated: ${answer.body.slice(0, 200)}`)
      if (path === 'email after') await enrolEmail()
    },
    tally,
    { numRuns: 150 },
  )
})
