/**
 * Self-service registration through the IDX API (docs/identity-engine.md, "Registration"): the policy
 * that offers it, each step's forms as Okta shapes them, Okta's field messages for bad profiles and
 * weak passwords, the new user in the runtime data (the control plane's users API), the race of two
 * sign-ups for one email, and a journal without passwords.
 */
import { join } from 'node:path'
import t from 'tap'
import { ManualClock } from '../../src/clock.js'
import { buildTestApp } from '../helpers/app.js'
import { idxCall, interactionCodeOf, NEW_USER, redeem, register, startInteraction } from '../helpers/idx.js'
import { SPA } from '../helpers/authorize.js'

type Body = Record<string, any>
const names = (body: Body): string[] => (body['remediation']?.value ?? []).map((r: Body) => r['name'])
const form = (body: Body, name: string): Body => (body['remediation'].value as Body[]).find((r) => r['name'] === name)!
const fieldMessages = (body: Body, remediation: string, group: string): Record<string, string[]> => {
  const fields = (form(body, remediation)['value'] as Body[]).find((f) => f['name'] === group)!['form'].value as Body[]
  return Object.fromEntries(fields.filter((f) => f['messages']).map((f) => [f['name'], f['messages'].value.map((m: Body) => m['i18n'].key)]))
}
const json = { 'content-type': 'application/json' }

t.test('the policy: on for spa-app in the fixtures, off by default, per client over the server', async (t) => {
  const { app } = await buildTestApp(t)
  t.strictSame(names((await startInteraction(app)).body as Body), ['identify', 'select-enroll-profile'], 'spa-app offers sign-up')
  const web = await startInteraction(app, { client_id: 'native-app', redirect_uri: 'com.example.app:/callback' })
  t.strictSame(names(web.body as Body), ['identify'], 'native-app does not')
  const refused = await idxCall(app, 'enroll', { stateHandle: web.stateHandle })
  t.equal(refused.statusCode, 400, 'sign-up where the policy does not offer it')

  const off = await buildTestApp(t, { change: (c) => (c.clients.find((x) => x.id === 'spa-app')!.identityEngine = { registration: false }) })
  t.strictSame(names((await startInteraction(off.app)).body as Body), ['identify'])
  const on = await buildTestApp(t, { change: (c) => (c.identityEngine.registration = true) })
  t.strictSame(
    names((await startInteraction(on.app, { client_id: 'native-app', redirect_uri: 'com.example.app:/callback' })).body as Body),
    ['identify', 'select-enroll-profile'],
    'server-wide',
  )
})

t.test('registration: profile, password, skip, tokens; the user is in the runtime data', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const interaction = await startInteraction(app)
  const [profile, select, password, enrolled, success] = (await register(app, interaction)).map((r) => {
    t.equal(r.statusCode, 200, r.body.slice(0, 200))
    return r.json() as Body
  }) as Body[]
  t.strictSame(names(profile!), ['enroll-profile', 'select-identify'])
  t.match(form(profile!, 'enroll-profile'), { href: `${ctx.config.baseUrl}/idp/idx/enroll/new`, accepts: 'application/json; okta-version=1.0.0' })
  t.strictSame(
    (form(profile!, 'enroll-profile')['value'][0].form.value as Body[]).map((f) => [f['name'], f['required']]),
    [
      ['firstName', true],
      ['lastName', true],
      ['email', true],
    ],
  )
  t.strictSame(names(select!), ['select-authenticator-enroll'], 'the password is required: no skip yet')
  t.strictSame(
    (select!['authenticators'].value as Body[]).map((a) => a['key']),
    ['okta_password', 'okta_email'],
  )
  t.match(select!['user'], { value: { identifier: NEW_USER.email, profile: { firstName: 'Carol', lastName: 'Newcomer' } } })
  t.strictSame(names(password!), ['enroll-authenticator', 'select-authenticator-enroll'])
  t.match(form(password!, 'enroll-authenticator'), { relatesTo: ['$.currentAuthenticator'], href: `${ctx.config.baseUrl}/idp/idx/challenge/answer` })
  t.match(password!['currentAuthenticator'], {
    value: { key: 'okta_password', settings: { complexity: { minLength: 8, minLowerCase: 1, minUpperCase: 1, minNumber: 1, excludeUsername: true } } },
  })
  t.strictSame(names(enrolled!), ['select-authenticator-enroll', 'skip'], 'then the optional email, with skip')
  t.strictSame(
    (enrolled!['authenticators'].value as Body[]).map((a) => a['key']),
    ['okta_email'],
  )
  const code = interactionCodeOf(success!)
  t.ok(code, 'skip ends in the interaction code')
  const tokens = await redeem(app, { client_id: SPA.id, interaction_code: code!, code_verifier: interaction.verifier })
  t.equal(tokens.statusCode, 200)
  t.ok(tokens.json().refresh_token)

  const listed = (await app.inject({ method: 'GET', url: '/__mockta/users', headers: json })).json() as Body[]
  const carol = listed.find((u) => u['login'] === NEW_USER.email)
  t.match(carol, { status: 'ACTIVE', profile: { given_name: 'Carol', family_name: 'Newcomer', email: NEW_USER.email }, groups: ['Everyone'] })
  t.notOk('password' in carol!, 'the users API never shows a password')
  t.equal(ctx.users.byLoginName(NEW_USER.email)?.password, NEW_USER.password, 'the new password signs in')

  // The registered user signs in like any other.
  const again = await startInteraction(app)
  const signIn = await idxCall(app, 'identify', { identifier: NEW_USER.email, credentials: { passcode: NEW_USER.password }, stateHandle: again.stateHandle })
  t.ok(interactionCodeOf(signIn.json() as Body))
  // And the control plane changes it: removed, it cannot sign in.
  t.equal((await app.inject({ method: 'DELETE', url: `/__mockta/users/${encodeURIComponent(NEW_USER.email)}`, headers: json, payload: '{}' })).statusCode, 204)
  const third = await startInteraction(app)
  t.equal((await idxCall(app, 'identify', { identifier: NEW_USER.email, credentials: { passcode: NEW_USER.password }, stateHandle: third.stateHandle })).statusCode, 401)
})

t.test('profile errors: Okta field messages, 400, nothing created, the form stays usable', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const before = ctx.users.all().length
  const { stateHandle } = await startInteraction(app)
  await idxCall(app, 'enroll', { stateHandle })
  const missing = await idxCall(app, 'enroll/new', { userProfile: { firstName: 'Carol', lastName: '  ' }, stateHandle })
  t.equal(missing.statusCode, 400)
  t.strictSame(fieldMessages(missing.json() as Body, 'enroll-profile', 'userProfile'), { lastName: ['model.validation.field.blank'], email: ['model.validation.field.blank'] })
  const noProfile = await idxCall(app, 'enroll/new', { stateHandle })
  t.strictSame(Object.keys(fieldMessages(noProfile.json() as Body, 'enroll-profile', 'userProfile')), ['firstName', 'lastName', 'email'])
  const bad = await idxCall(app, 'enroll/new', { userProfile: { firstName: 'C', lastName: 'N', email: 'not-an-email' }, stateHandle })
  t.strictSame(fieldMessages(bad.json() as Body, 'enroll-profile', 'userProfile'), { email: ['registration.error.invalidLoginEmail'] })
  t.match(form(bad.json() as Body, 'enroll-profile')['value'][0].form.value[2].messages.value[0], {
    message: "'Email' must be in the form of an email address",
    i18n: { params: ['Email'] },
    class: 'ERROR',
  })
  t.notMatch(bad.body, 'not-an-email', 'nothing sent is repeated')
  const taken = await idxCall(app, 'enroll/new', { userProfile: { firstName: 'A', lastName: 'B', email: 'ALICE@example.com' }, stateHandle })
  t.equal(taken.statusCode, 400)
  t.strictSame(fieldMessages(taken.json() as Body, 'enroll-profile', 'userProfile'), { email: ['registration.error.notUniqueWithinOrg'] })
  t.match(form(taken.json() as Body, 'enroll-profile')['value'][0].form.value[2].messages.value[0], { message: 'A user with this Email already exists' })
  const wrongType = await idxCall(app, 'enroll/new', { userProfile: { firstName: 1, lastName: 'B', email: 'x@example.com' }, stateHandle })
  t.equal(wrongType.statusCode, 400)
  t.equal(ctx.users.all().length, before, 'nobody was created')
  const ok = await idxCall(app, 'enroll/new', { userProfile: { firstName: 'C', lastName: 'N', email: 'c.n@example.com' }, stateHandle })
  t.equal(ok.statusCode, 200, 'the same transaction goes on')
  t.equal(ctx.users.byLoginName('c.n@example.com')?.status, 'STAGED', 'created STAGED until its password is set')
})

t.test('weak or empty passwords: Okta password-policy message on the field', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const { stateHandle } = await startInteraction(app)
  await idxCall(app, 'enroll', { stateHandle })
  await idxCall(app, 'enroll/new', { userProfile: { firstName: 'Dana', lastName: 'Doe', email: 'dana.doe@example.com' }, stateHandle })
  await idxCall(app, 'credential/enroll', { authenticator: { id: 'autpassword000000001' }, stateHandle })
  for (const [password, key] of [
    ['Short1a', 'password.passwordRequirementsNotMet'],
    ['alllowercase1', 'password.passwordRequirementsNotMet'],
    ['ALLUPPERCASE1', 'password.passwordRequirementsNotMet'],
    ['NoNumbersHere', 'password.passwordRequirementsNotMet'],
    ['Dana.Doe-1234', 'password.passwordRequirementsNotMet'],
    ['', 'model.validation.field.blank'],
  ] as const) {
    const res = await idxCall(app, 'challenge/answer', { credentials: { passcode: password }, stateHandle })
    t.equal(res.statusCode, 400, password)
    t.strictSame(fieldMessages(res.json() as Body, 'enroll-authenticator', 'credentials'), { passcode: [key] }, password)
    if (password !== '') t.notMatch(res.body, password, 'the password is not repeated')
  }
  const weak = await idxCall(app, 'challenge/answer', { credentials: { passcode: 'short' }, stateHandle })
  t.match(form(weak.json() as Body, 'enroll-authenticator')['value'][0].form.value[0].messages.value[0], {
    message: 'Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username.',
  })
  t.equal(ctx.users.byLoginName('dana.doe@example.com')?.status, 'STAGED')
  t.equal((await idxCall(app, 'skip', { stateHandle })).statusCode, 400, 'no skip before the required password')
  t.equal((await idxCall(app, 'challenge/answer', { credentials: { passcode: 'Strong-Pass-9' }, stateHandle })).statusCode, 200)
  t.equal(ctx.users.byLoginName('dana.doe@example.com')?.status, 'ACTIVE')
})

t.test('back to sign in; cancel; introspect shows each step', async (t) => {
  const { app } = await buildTestApp(t)
  const { handle, stateHandle } = await startInteraction(app)
  await idxCall(app, 'enroll', { stateHandle })
  t.strictSame(names((await idxCall(app, 'introspect', { interactionHandle: handle })).json() as Body), ['enroll-profile', 'select-identify'])
  const back = await idxCall(app, 'identify/select', { stateHandle })
  t.strictSame(names(back.json() as Body), ['identify', 'select-enroll-profile'])
  await idxCall(app, 'enroll', { stateHandle })
  const cancelled = await idxCall(app, 'cancel', { stateHandle })
  t.strictSame(names(cancelled.json() as Body), ['identify', 'select-enroll-profile'])
})

t.test('race: concurrent sign-ups for one email create one user', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const interactions = await Promise.all(Array.from({ length: 8 }, () => startInteraction(app)))
  await Promise.all(interactions.map((i) => idxCall(app, 'enroll', { stateHandle: i.stateHandle })))
  const answers = await Promise.all(
    interactions.map((i) => idxCall(app, 'enroll/new', { userProfile: { firstName: 'Eve', lastName: 'Racer', email: 'eve.racer@example.com' }, stateHandle: i.stateHandle })),
  )
  t.equal(answers.filter((r) => r.statusCode === 200).length, 1, 'one sign-up wins')
  t.ok(
    answers.filter((r) => r.statusCode !== 200).every((r) => r.statusCode === 400 && r.body.includes('registration.error.notUniqueWithinOrg')),
    'the others: the email is taken',
  )
  t.equal(ctx.users.all().filter((u) => u.login === 'eve.racer@example.com').length, 1, 'one user created')
})

t.test('the journal names the remediations and never a password', async (t) => {
  const { app } = await buildTestApp(t)
  await register(app, await startInteraction(app))
  const journal = (await app.inject({ method: 'GET', url: '/__mockta/journal' })).json() as Body[]
  const remediations = journal.filter((e) => e['endpoint'] === 'idx').map((e) => e['remediation'])
  for (const r of ['enroll', 'enroll/new', 'credential/enroll', 'challenge/answer', 'skip']) t.ok(remediations.includes(r), r)
  t.match(
    journal.find((e) => e['remediation'] === 'enroll/new'),
    { username: NEW_USER.email, status: 200 },
    'a sign-up names its email',
  )
  t.notMatch(JSON.stringify(journal), NEW_USER.password)
})

t.test('the state file keeps registered users and a registration under way across a restart', async (t) => {
  const file = join(t.testdir(), 'state.json')
  const clock = new ManualClock()
  const withFile = (c: { store: { stateFile?: string } }) => void (c.store.stateFile = file)
  const before = await buildTestApp(t, { clock, change: withFile })
  await register(before.app, await startInteraction(before.app))
  const pending = await startInteraction(before.app)
  await idxCall(before.app, 'enroll', { stateHandle: pending.stateHandle })
  await idxCall(before.app, 'enroll/new', { userProfile: { firstName: 'Fay', lastName: 'Later', email: 'fay.later@example.com' }, stateHandle: pending.stateHandle })
  await before.app.close()

  const after = await buildTestApp(t, { clock, change: withFile })
  t.match(after.ctx.users.byLoginName(NEW_USER.email), { status: 'ACTIVE', password: NEW_USER.password }, 'the registered user is back')
  const signIn = await startInteraction(after.app)
  t.ok(
    interactionCodeOf(
      (await idxCall(after.app, 'identify', { identifier: NEW_USER.email, credentials: { passcode: NEW_USER.password }, stateHandle: signIn.stateHandle })).json() as Body,
    ),
  )
  t.strictSame(
    names((await idxCall(after.app, 'introspect', { interactionHandle: pending.handle })).json() as Body),
    ['select-authenticator-enroll'],
    'the registration under way goes on',
  )
  await idxCall(after.app, 'credential/enroll', { authenticator: { id: 'autpassword000000001' }, stateHandle: pending.stateHandle })
  await idxCall(after.app, 'challenge/answer', { credentials: { passcode: 'Sunny-Day-88' }, stateHandle: pending.stateHandle })
  t.ok(interactionCodeOf((await idxCall(after.app, 'skip', { stateHandle: pending.stateHandle })).json() as Body))
})

/** Up to the choice after the profile (nothing enrolled yet). */
async function profiled(app: Parameters<typeof startInteraction>[0], email: string) {
  const interaction = await startInteraction(app)
  const { stateHandle } = interaction
  await idxCall(app, 'enroll', { stateHandle })
  await idxCall(app, 'enroll/new', { userProfile: { firstName: 'Gus', lastName: 'Mailer', email }, stateHandle })
  return interaction
}
const chooseEmail = (app: Parameters<typeof startInteraction>[0], stateHandle: string) => idxCall(app, 'credential/enroll', { authenticator: { id: EMAIL_ID }, stateHandle })
const answer = (app: Parameters<typeof startInteraction>[0], stateHandle: string, passcode: string) => idxCall(app, 'challenge/answer', { credentials: { passcode }, stateHandle })
const EMAIL_ID = 'autemail000000000001'
const idTokenAmr = (idToken: string): unknown => JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString())['amr']

t.test('email enrolment after the password: a code in the outbox, enroll-authenticator, success with amr', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const email = 'gus.after@example.com'
  const interaction = await profiled(app, email)
  const { stateHandle } = interaction
  await idxCall(app, 'credential/enroll', { authenticator: { id: 'autpassword000000001' }, stateHandle })
  t.equal((await answer(app, stateHandle, 'Sunny-Day-42')).statusCode, 200)
  const enrolling = await chooseEmail(app, stateHandle)
  t.equal(enrolling.statusCode, 200, enrolling.body.slice(0, 300))
  const body = enrolling.json() as Body
  t.strictSame(names(body), ['enroll-authenticator', 'select-authenticator-enroll'])
  t.match(form(body, 'enroll-authenticator'), { relatesTo: ['$.currentAuthenticator'], href: `${ctx.config.baseUrl}/idp/idx/challenge/answer` })
  t.strictSame(
    (form(body, 'enroll-authenticator')['value'][0].form.value as Body[]).map((f) => f['label']),
    ['Enter code'],
  )
  t.match(body['currentAuthenticator'], {
    value: {
      id: EMAIL_ID,
      key: 'okta_email',
      type: 'email',
      displayName: 'Email',
      methods: [{ type: 'email' }],
      resend: { name: 'resend', href: `${ctx.config.baseUrl}/idp/idx/challenge/resend` },
      poll: { name: 'poll', href: `${ctx.config.baseUrl}/idp/idx/challenge/poll`, refresh: 4000 },
    },
  })
  t.match(body['enrollmentAuthenticator'], { value: { key: 'okta_email' } })
  // The members of Okta's recorded answer for an email enrolment (the Sign-In Widget's authenticator-enroll-email).
  t.strictSame(
    Object.keys(body).sort(),
    [
      'stateHandle',
      'version',
      'expiresAt',
      'intent',
      'remediation',
      'currentAuthenticator',
      'authenticators',
      'authenticatorEnrollments',
      'enrollmentAuthenticator',
      'user',
      'cancel',
      'app',
    ].sort(),
  )
  t.strictSame(
    (body['authenticatorEnrollments'].value as Body[]).map((a) => a['key']),
    ['okta_password'],
    'the password is enrolled',
  )
  t.strictSame(
    names((await idxCall(app, 'introspect', { interactionHandle: interaction.handle })).json() as Body),
    ['enroll-authenticator', 'select-authenticator-enroll'],
    'introspect shows it',
  )
  const [message] = await ctx.store.listOutbox({ to: email, limit: 1 })
  t.match(message, { kind: 'email-enrollment', to: email, code: /^\d{6}$/, link: /\/email\/verify\// })
  t.notMatch(enrolling.body, message!.code!, 'the code is not in the answer')

  const wrong = await answer(app, stateHandle, message!.code === '000000' ? '111111' : '000000')
  t.equal(wrong.statusCode, 401)
  t.strictSame(fieldMessages(wrong.json() as Body, 'enroll-authenticator', 'credentials'), { passcode: ['api.authn.error.PASSCODE_INVALID'] })
  t.match(form(wrong.json() as Body, 'enroll-authenticator')['value'][0].form.value[0].messages.value[0], { message: 'Invalid code. Try again.' })

  const done = await answer(app, stateHandle, message!.code!)
  t.equal(done.statusCode, 200)
  const code = interactionCodeOf(done.json() as Body)
  t.ok(code, 'the code ends in the interaction code')
  const tokens = await redeem(app, { client_id: SPA.id, interaction_code: code!, code_verifier: interaction.verifier })
  t.equal(tokens.statusCode, 200)
  t.strictSame(idTokenAmr(tokens.json().id_token), ['pwd', 'email', 'mfa'])
  t.equal(ctx.users.byLoginName(email)?.status, 'ACTIVE')

  const journal = JSON.stringify((await app.inject({ method: 'GET', url: '/__mockta/journal' })).json())
  t.notMatch(journal, message!.code!, 'the journal has no code')
})

t.test('email enrolment first, then the password; choosing an enrolled one again is not offered', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const email = 'gus.first@example.com'
  const interaction = await profiled(app, email)
  const { stateHandle } = interaction
  const enrolling = await chooseEmail(app, stateHandle)
  t.equal(enrolling.statusCode, 200)
  t.strictSame(
    (enrolling.json()['authenticators'].value as Body[]).map((a) => a['key']),
    ['okta_password', 'okta_email'],
    'the password is still to enrol',
  )
  const [message] = await ctx.store.listOutbox({ to: email, limit: 1 })
  t.equal(ctx.users.byLoginName(email)?.status, 'STAGED', 'a STAGED user is sent the code')
  const proved = await answer(app, stateHandle, message!.code!)
  t.equal(proved.statusCode, 200)
  t.strictSame(names(proved.json() as Body), ['select-authenticator-enroll'], 'the password is required: no skip')
  t.strictSame(
    (proved.json()['authenticators'].value as Body[]).map((a) => a['key']),
    ['okta_password'],
  )
  t.equal((await chooseEmail(app, stateHandle)).statusCode, 400, 'the email is enrolled already')
  t.equal((await idxCall(app, 'skip', { stateHandle })).statusCode, 400)
  await idxCall(app, 'credential/enroll', { authenticator: { id: 'autpassword000000001' }, stateHandle })
  const done = await answer(app, stateHandle, 'Sunny-Day-42')
  const code = interactionCodeOf(done.json() as Body)
  t.ok(code, 'the password ends it: nothing optional is left')
  const tokens = await redeem(app, { client_id: SPA.id, interaction_code: code!, code_verifier: interaction.verifier })
  t.strictSame(idTokenAmr(tokens.json().id_token), ['pwd', 'email', 'mfa'])
})

t.test('email enrolment: expired code, resend retires the previous one, the magic link and poll', async (t) => {
  const clock = new ManualClock()
  const { app, ctx } = await buildTestApp(t, { clock })
  const email = 'gus.resend@example.com'
  const { stateHandle } = await profiled(app, email)
  await chooseEmail(app, stateHandle)
  const [first] = await ctx.store.listOutbox({ to: email, limit: 1 })
  clock.advance(ctx.config.identityEngine.emailCodeLifetimeSeconds)
  t.equal((await answer(app, stateHandle, first!.code!)).statusCode, 401, 'an expired code is a wrong code')
  const resent = await idxCall(app, 'challenge/resend', { stateHandle })
  t.equal(resent.statusCode, 200)
  t.strictSame(names(resent.json() as Body), ['enroll-authenticator', 'select-authenticator-enroll'])
  const [second] = await ctx.store.listOutbox({ to: email, limit: 1 })
  t.not(second!.id, first!.id, 'a new message')
  t.match(second, { kind: 'email-enrollment' })
  if (first!.code !== second!.code) t.equal((await answer(app, stateHandle, first!.code!)).statusCode, 401, 'the previous code is retired')
  t.strictSame(names((await idxCall(app, 'challenge/poll', { stateHandle })).json() as Body), ['enroll-authenticator', 'select-authenticator-enroll'], 'poll: still waiting')
  const url = new URL(second!.link!)
  const page = await app.inject({ method: 'GET', url: `${url.pathname}${url.search}` })
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Please return to the original tab.')
  const polled = await idxCall(app, 'challenge/poll', { stateHandle })
  t.strictSame(names(polled.json() as Body), ['select-authenticator-enroll'], 'poll: the email is enrolled, the password is next')
  t.equal((await app.inject({ method: 'GET', url: `${url.pathname}${url.search}` })).statusCode, 400, 'the link works once')
})
