/**
 * Self-service registration with okta-auth-js 8's `idx` module, unchanged, against a listening mockta
 * (docs/identity-engine.md, "Registration"): step mode and legacy mode (`idx.register`), each ending in
 * tokens verified by @okta/jwt-verifier, renewed by refresh and introspected; the new user then signs
 * in, and an email already taken is reported as Okta does. The optional email is skipped, or enrolled
 * with the code read from the outbox (a wrong code and a resend on the way).
 */
import t, { type Test } from 'tap'
import { IdxFeature, IdxStatus, type OktaAuth, TokenKind, type IdxTransaction, type OktaAuthOptions, type Tokens } from '@okta/okta-auth-js'
import { startMockta } from '../helpers/listening-app.js'
import { SPA } from '../helpers/authorize.js'
import { latestEmail, sdk, verifierFor } from '../helpers/okta-idx-sdk.js'

async function useTokens(t: Test, authClient: OktaAuth, tokens: Tokens, email: string, amr = ['pwd']): Promise<void> {
  const issuer = authClient.options.issuer!
  t.ok(tokens.accessToken && tokens.idToken && tokens.refreshToken, 'access, ID and refresh tokens')
  const verifier = verifierFor(issuer)
  const at = await verifier.verifyAccessToken(tokens.accessToken!.accessToken, 'api://default')
  t.match(at.claims, { iss: issuer, cid: SPA.id, sub: email })
  const id = await verifier.verifyIdToken(tokens.idToken!.idToken, SPA.id, tokens.idToken!.claims.nonce as string)
  t.match(id.claims, { email, given_name: 'Carol', family_name: 'Newcomer' })
  t.strictSame(id.claims['amr'], amr, 'amr names the factors enrolled')
  authClient.tokenManager.setTokens(tokens)
  const renewed = await authClient.token.renewTokens()
  t.not(renewed.refreshToken?.refreshToken, tokens.refreshToken?.refreshToken, 'renewTokens: the refresh token rotated')
  const active = await authClient.token.introspect(TokenKind.ACCESS, renewed.accessToken)
  t.match(active, { active: true, client_id: SPA.id, username: email })
  authClient.tokenManager.clear()
}

/** The authenticator a step is about: okta-auth-js names it `authenticator` or leaves it in `relatesTo`. */
function authenticatorKey(tx: IdxTransaction): string | undefined {
  const step = tx.nextStep as { authenticator?: { key?: string }; relatesTo?: { value?: { key?: string } } } | undefined
  return step?.authenticator?.key ?? step?.relatesTo?.value?.key
}

const profile = (email: string) => ({ firstName: 'Carol', lastName: 'Newcomer', email })
const PASSWORD = 'Sunny-Day-42'

t.test('registration with okta-auth-js', async (t) => {
  const { base } = await startMockta(t)

  t.test('step mode: select-enroll-profile, enroll-profile, the password, skip', async (t) => {
    const email = 'carol.step@example.com'
    const authClient = sdk(base)
    // The registration flow: okta-auth-js then maps firstName, lastName, email and password to Okta's fields.
    const started = await authClient.idx.start({ flow: 'register' })
    t.ok(started.enabledFeatures?.includes(IdxFeature.REGISTRATION), 'registration is an enabled feature')
    let tx = await authClient.idx.proceed({ step: 'select-enroll-profile' })
    t.equal(tx.nextStep?.name, 'enroll-profile')
    tx = await authClient.idx.proceed({ step: 'enroll-profile', ...profile(email) })
    t.equal(tx.nextStep?.name, 'select-authenticator-enroll', JSON.stringify(tx.messages))
    tx = await authClient.idx.proceed({ step: 'select-authenticator-enroll', authenticator: 'okta_password' })
    t.equal(tx.nextStep?.name, 'enroll-authenticator')
    const weak = await authClient.idx.proceed({ step: 'enroll-authenticator', password: 'weak' })
    t.equal(weak.status, IdxStatus.PENDING)
    t.match(JSON.stringify(weak.messages), /Password requirements were not met/, 'the password policy as Okta words it')
    tx = await authClient.idx.proceed({ step: 'enroll-authenticator', password: PASSWORD })
    t.equal(tx.nextStep?.name, 'select-authenticator-enroll')
    t.equal(tx.nextStep?.canSkip, true, 'the email is optional')
    tx = await authClient.idx.proceed({ step: 'skip' })
    t.equal(tx.status, IdxStatus.SUCCESS, JSON.stringify(tx.messages))
    await useTokens(t, authClient, tx.tokens as Tokens, email)

    const signIn = sdk(base)
    await signIn.idx.start()
    const again = await signIn.idx.proceed({ step: 'identify', username: email, password: PASSWORD })
    t.equal(again.status, IdxStatus.SUCCESS, 'the new user signs in')
  })

  t.test('legacy mode: idx.register with the profile, the password authenticator and the password, then skip', async (t) => {
    const email = 'carol.legacy@example.com'
    const authClient = sdk(base, { idx: { enableLegacyMode: true } } as Partial<OktaAuthOptions>)
    // As Okta's embedded-SDK sample: the profile first; the authenticator to enrol and its password next.
    let tx = await authClient.idx.register(profile(email))
    t.equal(tx.nextStep?.name, 'select-authenticator-enroll')
    tx = await authClient.idx.register({ authenticators: ['okta_password'], password: PASSWORD })
    if (tx.status === IdxStatus.PENDING) {
      t.equal(tx.nextStep?.name, 'select-authenticator-enroll', 'the optional email is offered')
      t.equal(tx.nextStep?.canSkip, true)
      tx = await authClient.idx.register({ skip: true })
    }
    t.equal(tx.status, IdxStatus.SUCCESS, JSON.stringify(tx.messages))
    await useTokens(t, authClient, tx.tokens as Tokens, email)
    const users = (await (await fetch(`${base}/__mockta/users`)).json()) as Array<{ login: string; status: string }>
    t.match(
      users.find((u) => u.login === email),
      { status: 'ACTIVE' },
      'in the users API',
    )

    const taken = await sdk(base, { idx: { enableLegacyMode: true } } as Partial<OktaAuthOptions>).idx.register(profile(email))
    t.equal(taken.status, IdxStatus.PENDING)
    t.match(JSON.stringify(taken.messages), /A user with this Email already exists/)
  })

  t.test('step mode: the password, then the optional email with its code (a wrong one, a resend)', async (t) => {
    const email = 'carol.email@example.com'
    const authClient = sdk(base)
    await authClient.idx.start({ flow: 'register' })
    await authClient.idx.proceed({ step: 'select-enroll-profile' })
    await authClient.idx.proceed({ step: 'enroll-profile', ...profile(email) })
    await authClient.idx.proceed({ step: 'select-authenticator-enroll', authenticator: 'okta_password' })
    let tx = await authClient.idx.proceed({ step: 'enroll-authenticator', password: PASSWORD })
    t.equal(tx.nextStep?.name, 'select-authenticator-enroll')
    tx = await authClient.idx.proceed({ step: 'select-authenticator-enroll', authenticator: 'okta_email' })
    t.equal(tx.nextStep?.name, 'enroll-authenticator', JSON.stringify(tx.messages))
    t.equal(authenticatorKey(tx), 'okta_email')
    t.equal(tx.nextStep?.canResend, true, 'resend is offered')
    const first = await latestEmail(base, email)
    t.equal(first.kind, 'email-enrollment')
    const wrong = await authClient.idx.proceed({ step: 'enroll-authenticator', verificationCode: first.code === '000000' ? '111111' : '000000' })
    t.equal(wrong.status, IdxStatus.PENDING)
    t.match(JSON.stringify(wrong.messages), /Invalid code\. Try again\./, "Okta's message for a wrong code")
    tx = await authClient.idx.proceed({ resend: true })
    t.equal(tx.nextStep?.name, 'enroll-authenticator')
    const second = await latestEmail(base, email)
    t.not(second.id, first.id, 'a new code was sent')
    tx = await authClient.idx.proceed({ step: 'enroll-authenticator', verificationCode: second.code })
    t.equal(tx.status, IdxStatus.SUCCESS, JSON.stringify(tx.messages))
    await useTokens(t, authClient, tx.tokens as Tokens, email, ['pwd', 'email', 'mfa'])
  })

  t.test('step mode: the email first, then the password', async (t) => {
    const email = 'carol.first@example.com'
    const authClient = sdk(base)
    await authClient.idx.start({ flow: 'register' })
    await authClient.idx.proceed({ step: 'select-enroll-profile' })
    await authClient.idx.proceed({ step: 'enroll-profile', ...profile(email) })
    let tx = await authClient.idx.proceed({ step: 'select-authenticator-enroll', authenticator: 'okta_email' })
    t.equal(tx.nextStep?.name, 'enroll-authenticator')
    tx = await authClient.idx.proceed({ step: 'enroll-authenticator', verificationCode: (await latestEmail(base, email)).code })
    t.equal(tx.nextStep?.name, 'select-authenticator-enroll', 'the password is still to enrol')
    t.notOk(tx.nextStep?.canSkip, 'and it is required')
    await authClient.idx.proceed({ step: 'select-authenticator-enroll', authenticator: 'okta_password' })
    tx = await authClient.idx.proceed({ step: 'enroll-authenticator', password: PASSWORD })
    t.equal(tx.status, IdxStatus.SUCCESS, JSON.stringify(tx.messages))
    await useTokens(t, authClient, tx.tokens as Tokens, email, ['pwd', 'email', 'mfa'])
  })

  t.test('legacy mode: idx.register with the password and email authenticators, then the code', async (t) => {
    const email = 'carol.both@example.com'
    const authClient = sdk(base, { idx: { enableLegacyMode: true } } as Partial<OktaAuthOptions>)
    let tx = await authClient.idx.register({ ...profile(email), authenticators: ['okta_password', 'okta_email'], password: PASSWORD })
    t.equal(tx.status, IdxStatus.PENDING, JSON.stringify(tx.messages))
    t.equal(tx.nextStep?.name, 'enroll-authenticator', 'the password set, the email code is asked for')
    t.equal(authenticatorKey(tx), 'okta_email')
    tx = await authClient.idx.register({ verificationCode: (await latestEmail(base, email)).code })
    t.equal(tx.status, IdxStatus.SUCCESS, JSON.stringify(tx.messages))
    await useTokens(t, authClient, tx.tokens as Tokens, email, ['pwd', 'email', 'mfa'])
  })
})
