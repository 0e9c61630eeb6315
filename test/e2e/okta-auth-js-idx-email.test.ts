/**
 * okta-auth-js 8's `idx` module, unchanged, with the email authenticator and password recovery
 * (docs/identity-engine.md § Email code, § Password recovery): the code read from the outbox as a test
 * would, in step mode and legacy mode, a wrong code and a resend, the magic link and the poll, the
 * recovery to a new password; each sign-in's tokens verified by @okta/jwt-verifier, renewed by
 * refresh and introspected.
 */
import t, { type Test } from 'tap'
import { IdxStatus, type OktaAuth, TokenKind, type IdxTransaction, type OktaAuthOptions, type Tokens } from '@okta/okta-auth-js'
import { ALICE, startMockta, WEB } from '../helpers/listening-app.js'
import { latestEmail, sdk, verifierFor } from '../helpers/okta-idx-sdk.js'
import { ERIN } from '../helpers/idx-email.js'

/** Verify the tokens, then renew through refresh (public client) or with the secret (web app), and introspect. */
async function useTokens(t: Test, authClient: OktaAuth, tx: IdxTransaction, user: { id: string; username: string }, amr: string[], secret?: string): Promise<void> {
  t.equal(tx.status, IdxStatus.SUCCESS, JSON.stringify(tx.messages))
  const tokens = tx.tokens as Tokens
  const issuer = authClient.options.issuer!
  const clientId = authClient.options.clientId!
  t.ok(tokens.accessToken && tokens.idToken && tokens.refreshToken, 'access, ID and refresh tokens')
  const verifier = verifierFor(issuer)
  const at = await verifier.verifyAccessToken(tokens.accessToken!.accessToken, 'api://default')
  t.match(at.claims, { iss: issuer, cid: clientId, uid: user.id, sub: user.username })
  const id = await verifier.verifyIdToken(tokens.idToken!.idToken, clientId, tokens.idToken!.claims.nonce as string)
  t.strictSame(id.claims['amr'], amr, 'amr names the factors used')
  t.equal(id.claims.sub, user.id)
  if (secret !== undefined) {
    const authorization = `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`
    const post = (path: string, params: Record<string, string>) =>
      fetch(`${issuer}/v1/${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) })
    const refreshed = (await (await post('token', { grant_type: 'refresh_token', refresh_token: tokens.refreshToken!.refreshToken })).json()) as Record<string, string>
    t.ok(refreshed['access_token'] && refreshed['refresh_token'] !== tokens.refreshToken!.refreshToken, 'refresh with the secret: new tokens')
    t.match(await (await post('introspect', { token: refreshed['access_token']! })).json(), { active: true, client_id: clientId, username: user.username })
    return
  }
  authClient.tokenManager.setTokens(tokens)
  const renewed = await authClient.token.renewTokens()
  t.not(renewed.accessToken?.accessToken, tokens.accessToken?.accessToken, 'renewTokens: a new access token')
  t.match(await authClient.token.introspect(TokenKind.ACCESS, renewed.accessToken), { active: true, client_id: clientId, username: user.username })
  authClient.tokenManager.clear()
}

const nextKey = (tx: IdxTransaction): string | undefined => {
  const step = tx.nextStep as { authenticator?: { key?: string }; relatesTo?: { value?: { key?: string } } } | undefined
  return step?.authenticator?.key ?? step?.relatesTo?.value?.key
}

t.test('step mode: password, Email, the code from the outbox, tokens', async (t) => {
  const { base } = await startMockta(t)
  const authClient = sdk(base)
  await authClient.idx.start()
  let tx = await authClient.idx.proceed({ step: 'identify', username: ERIN.username, password: ERIN.password })
  t.equal(tx.status, IdxStatus.PENDING)
  t.equal(tx.nextStep?.name, 'select-authenticator-authenticate')
  tx = await authClient.idx.proceed({ step: 'select-authenticator-authenticate', authenticator: 'okta_email' })
  t.equal(tx.nextStep?.name, 'challenge-authenticator')
  t.equal(nextKey(tx), 'okta_email')
  const { code } = await latestEmail(base, ERIN.username)
  tx = await authClient.idx.proceed({ step: 'challenge-authenticator', verificationCode: code })
  await useTokens(t, authClient, tx, ERIN, ['pwd', 'email', 'mfa'])
})

t.test('step mode: a wrong code, then a resend; the old code is refused, the new one works', async (t) => {
  const { base } = await startMockta(t)
  const authClient = sdk(base)
  await authClient.idx.start()
  await authClient.idx.proceed({ step: 'identify', username: ERIN.username, password: ERIN.password })
  await authClient.idx.proceed({ step: 'select-authenticator-authenticate', authenticator: 'okta_email' })
  const first = await latestEmail(base, ERIN.username)
  let tx = await authClient.idx.proceed({ step: 'challenge-authenticator', verificationCode: first.code === '000000' ? '111111' : '000000' })
  t.equal(tx.status, IdxStatus.PENDING)
  t.ok(
    tx.messages?.some((m) => m.i18n?.key === 'api.authn.error.PASSCODE_INVALID'),
    'Okta message for a wrong code',
  )
  tx = await authClient.idx.proceed({ actions: ['currentAuthenticatorEnrollment-resend'] })
  t.equal(tx.nextStep?.name, 'challenge-authenticator')
  const second = await latestEmail(base, ERIN.username)
  t.not(second.id, first.id, 'a new message')
  if (first.code !== second.code) {
    tx = await authClient.idx.proceed({ step: 'challenge-authenticator', verificationCode: first.code })
    t.equal(tx.status, IdxStatus.PENDING, 'the old code is refused')
  }
  tx = await authClient.idx.proceed({ step: 'challenge-authenticator', verificationCode: second.code })
  await useTokens(t, authClient, tx, ERIN, ['pwd', 'email', 'mfa'])
})

t.test('step mode: the magic link opened elsewhere; the poll action ends in tokens', async (t) => {
  const { base } = await startMockta(t)
  const authClient = sdk(base)
  await authClient.idx.start()
  await authClient.idx.proceed({ step: 'identify', username: ERIN.username, password: ERIN.password })
  await authClient.idx.proceed({ step: 'select-authenticator-authenticate', authenticator: 'okta_email' })
  const page = await fetch((await latestEmail(base, ERIN.username)).link)
  t.equal(page.status, 200)
  t.match(await page.text(), 'Please return to the original tab.')
  const tx = await authClient.idx.proceed({ actions: ['currentAuthenticatorEnrollment-poll'] })
  await useTokens(t, authClient, tx, ERIN, ['pwd', 'email', 'mfa'])
})

t.test('legacy mode: idx.authenticate, then idx.proceed({ verificationCode })', async (t) => {
  const { base } = await startMockta(t)
  const authClient = sdk(base, { idx: { enableLegacyMode: true } } as Partial<OktaAuthOptions>)
  let tx = await authClient.idx.authenticate({ username: ERIN.username, password: ERIN.password })
  if (tx.nextStep?.name === 'select-authenticator-authenticate') tx = await authClient.idx.proceed({ authenticator: 'okta_email' })
  t.equal(tx.nextStep?.name, 'challenge-authenticator', JSON.stringify(tx.messages))
  const { code } = await latestEmail(base, ERIN.username)
  tx = await authClient.idx.proceed({ verificationCode: code })
  await useTokens(t, authClient, tx, ERIN, ['pwd', 'email', 'mfa'])
})

t.test('a confidential web app: password and email code with its secret', async (t) => {
  const { base } = await startMockta(t)
  const authClient = sdk(base, { clientId: WEB.id, clientSecret: WEB.secret, redirectUri: 'http://localhost:3000/authorization-code/callback' })
  await authClient.idx.start()
  await authClient.idx.proceed({ step: 'identify', username: ERIN.username, password: ERIN.password })
  await authClient.idx.proceed({ step: 'select-authenticator-authenticate', authenticator: 'okta_email' })
  const tx = await authClient.idx.proceed({ step: 'challenge-authenticator', verificationCode: (await latestEmail(base, ERIN.username)).code })
  await useTokens(t, authClient, tx, ERIN, ['pwd', 'email', 'mfa'], WEB.secret)
})

t.test('step mode recovery: idx.recoverPassword(), identify-recovery, the code, reset-authenticator, tokens', async (t) => {
  const { base } = await startMockta(t)
  const probe = sdk(base)
  const started = await probe.idx.start()
  t.ok(started.enabledFeatures?.includes('recover-password' as never), 'the SDK sees password recovery enabled')
  t.ok(
    started.availableSteps?.some((s) => s.name === 'currentAuthenticator-recover'),
    'the recover action is offered',
  )
  await probe.idx.cancel()

  const authClient = sdk(base)
  let tx = await authClient.idx.recoverPassword()
  t.equal(tx.nextStep?.name, 'identify-recovery', JSON.stringify(tx.messages))
  tx = await authClient.idx.proceed({ step: 'identify-recovery', username: ALICE.username })
  t.equal(tx.nextStep?.name, 'select-authenticator-authenticate', JSON.stringify(tx.messages))
  tx = await authClient.idx.proceed({ step: 'select-authenticator-authenticate', authenticator: 'okta_email' })
  const message = await latestEmail(base, ALICE.username)
  t.equal(message.kind, 'recovery')
  tx = await authClient.idx.proceed({ step: 'challenge-authenticator', verificationCode: message.code })
  t.equal(tx.nextStep?.name, 'reset-authenticator')
  tx = await authClient.idx.proceed({ step: 'reset-authenticator', password: 'N3w-Passw0rd' })
  await useTokens(t, authClient, tx, ALICE, ['email', 'pwd'])

  const again = sdk(base)
  await again.idx.start()
  const signIn = await again.idx.proceed({ step: 'identify', username: ALICE.username, password: 'N3w-Passw0rd' })
  t.equal(signIn.status, IdxStatus.SUCCESS, 'the new password signs in')
  again.tokenManager.clear()
})

t.test('legacy mode recovery: idx.recoverPassword({ username }), the code, the new password', async (t) => {
  const { base } = await startMockta(t)
  const authClient = sdk(base, { idx: { enableLegacyMode: true } } as Partial<OktaAuthOptions>)
  let tx = await authClient.idx.recoverPassword({ username: ALICE.username })
  if (tx.nextStep?.name === 'select-authenticator-authenticate') tx = await authClient.idx.proceed({ authenticator: 'okta_email' })
  t.equal(tx.nextStep?.name, 'challenge-authenticator', JSON.stringify(tx.messages))
  tx = await authClient.idx.proceed({ verificationCode: (await latestEmail(base, ALICE.username)).code })
  t.equal(tx.nextStep?.name, 'reset-authenticator')
  tx = await authClient.idx.proceed({ password: 'An0ther-Passw0rd' })
  await useTokens(t, authClient, tx, ALICE, ['email', 'pwd'])
})
