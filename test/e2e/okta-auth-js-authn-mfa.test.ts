/**
 * The Authentication API's transactions with the real @okta/okta-auth-js 8 in Node, unchanged
 * (docs/authentication-api.md § 1.4, § 1.5): `signInWithCredentials` → MFA_REQUIRED →
 * `transaction.factors[…].verify({ passCode })` for a TOTP factor (the code from the control plane)
 * and for an email factor (challenge, the code from the outbox, `transaction.verify({ passCode })`);
 * PASSWORD_EXPIRED → `transaction.changePassword(…)`. Each ends with a session token traded for
 * tokens that refresh.
 */
import t from 'tap'
import type { Test } from 'tap'
import { OktaAuth, isAccessToken, type AuthnTransaction, type Tokens } from '@okta/okta-auth-js'
import { startMockta } from '../helpers/listening-app.js'
import { SPA } from '../helpers/authorize.js'
import { CAROL, DAVE, ERIN, GOOD_NEW_PASSWORD, withMfaUsers } from '../helpers/authn-users.js'
import { authorizeUrl } from '../helpers/okta-authorize-url.js'

const SCOPES = ['openid', 'profile', 'email', 'offline_access']

async function controlJson<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}/__mockta${path}`)
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`)
  return (await res.json()) as T
}

/** The session token traded at /authorize (prompt=none) for tokens that then refresh, as in okta-auth-js-authn.test.ts. */
async function tokensRefresh(t: Test, authClient: OktaAuth, issuer: string, sessionToken: string): Promise<void> {
  const params = await authClient.token.prepareTokenParams()
  const redirect = await fetch(`${authorizeUrl(issuer, params)}&prompt=none&sessionToken=${encodeURIComponent(sessionToken)}`, { redirect: 'manual' })
  t.equal(redirect.status, 302)
  const code = new URL(redirect.headers.get('location')!).searchParams.get('code')
  t.ok(code, 'a code for the session token')
  const { tokens } = await authClient.token.exchangeCodeForTokens({ ...params, authorizationCode: code! })
  authClient.tokenManager.setTokens(tokens as Tokens)
  const renewed = await authClient.tokenManager.renew('accessToken')
  t.ok(renewed && isAccessToken(renewed) && renewed.accessToken !== tokens.accessToken?.accessToken, 'the tokens refresh')
  authClient.tokenManager.clear()
}

t.test('okta-auth-js: MFA with the TOTP factor and with the email factor, then PASSWORD_EXPIRED → changePassword', async (t) => {
  const { base } = await startMockta(t, { change: withMfaUsers })
  const issuer = `${base}/oauth2/default`
  const authClient = new OktaAuth({
    issuer,
    clientId: SPA.id,
    redirectUri: SPA.redirectUri,
    scopes: SCOPES,
    pkce: true,
    tokenManager: { storage: 'memory', autoRenew: false, autoRemove: false },
  })

  t.test('TOTP', async (t) => {
    const transaction = await authClient.signInWithCredentials({ username: CAROL.username, password: CAROL.password })
    t.equal(transaction.status, 'MFA_REQUIRED')
    t.match(transaction.user, { profile: { login: CAROL.username } })
    const factor = transaction.factors!.find((f) => f.factorType === 'token:software:totp' && f.provider === 'OKTA')!
    t.ok(factor, 'the TOTP factor, as okta-auth-js reads it')
    const wrong = await factor.verify!({ passCode: '000000' === (await controlJson<{ code: string }>(base, `/users/${CAROL.username}/totp`)).code ? '111111' : '000000' }).catch(
      (e: unknown) => e,
    )
    t.match(wrong, { name: 'AuthApiError', errorCode: 'E0000068', errorSummary: 'Invalid Passcode/Answer' }, 'a wrong code is an AuthApiError')
    const { code } = await controlJson<{ code: string }>(base, `/users/${CAROL.username}/totp`)
    const done = (await factor.verify!({ passCode: code })) as AuthnTransaction
    t.equal(done.status, 'SUCCESS')
    await tokensRefresh(t, authClient, issuer, done.sessionToken!)
  })

  t.test('email', async (t) => {
    const transaction = await authClient.signInWithCredentials({ username: CAROL.username, password: CAROL.password })
    const factor = transaction.factors!.find((f) => f.factorType === 'email')!
    t.match(factor.profile, { email: 'c...l@example.com' })
    const challenge = (await factor.verify!()) as AuthnTransaction
    t.equal(challenge.status, 'MFA_CHALLENGE')
    t.equal(typeof challenge.verify, 'function', 'the next link became verify()')
    t.equal(typeof challenge.resend, 'function', 'and resend')
    const resent = (await challenge.resend!('email')) as AuthnTransaction
    t.equal(resent.status, 'MFA_CHALLENGE', 'resend("email") sends a new code')
    const back = (await resent.prev!()) as AuthnTransaction
    t.equal(back.status, 'MFA_REQUIRED', 'prev() goes back to the factor list')
    const challengedAgain = (await back.factors!.find((f) => f.factorType === 'email')!.verify!()) as AuthnTransaction
    const [message] = await controlJson<Array<{ code: string }>>(base, `/outbox?to=${encodeURIComponent(CAROL.username)}&limit=1`)
    const done = (await challengedAgain.verify!({ passCode: message!.code })) as AuthnTransaction
    t.equal(done.status, 'SUCCESS')
    await tokensRefresh(t, authClient, issuer, done.sessionToken!)
  })

  t.test('cancel', async (t) => {
    const transaction = await authClient.signInWithCredentials({ username: CAROL.username, password: CAROL.password })
    const cancelled = (await transaction.cancel!()) as AuthnTransaction
    t.equal(cancelled.status, 'UNAUTHENTICATED')
    const factor = transaction.factors!.find((f) => f.factorType === 'email')!
    t.match(await factor.verify!().catch((e: unknown) => e), { errorCode: 'E0000011' }, 'the state token is gone')
  })

  t.test('PASSWORD_EXPIRED', async (t) => {
    const transaction = await authClient.signInWithCredentials({ username: DAVE.username, password: DAVE.password })
    t.equal(transaction.status, 'PASSWORD_EXPIRED')
    t.match(transaction.policy, { complexity: { minLength: 8 } })
    const weak = await transaction.changePassword!({ oldPassword: DAVE.password, newPassword: 'weak' }).catch((e: unknown) => e)
    t.match(weak, { errorCode: 'E0000080' })
    const wrongOld = await transaction.changePassword!({ oldPassword: 'not-it', newPassword: GOOD_NEW_PASSWORD }).catch((e: unknown) => e)
    t.match(wrongOld, { errorCode: 'E0000014', errorCauses: [{ errorSummary: 'oldPassword: The credentials provided were incorrect.' }] })
    const done = (await transaction.changePassword!({ oldPassword: DAVE.password, newPassword: GOOD_NEW_PASSWORD })) as AuthnTransaction
    t.equal(done.status, 'SUCCESS')
    await tokensRefresh(t, authClient, issuer, done.sessionToken!)
    const again = await authClient.signInWithCredentials({ username: DAVE.username, password: GOOD_NEW_PASSWORD })
    t.equal(again.status, 'SUCCESS', 'the new password signs in')
  })

  t.test('a factor, then PASSWORD_EXPIRED, then changePassword', async (t) => {
    const transaction = await authClient.signInWithCredentials({ username: ERIN.username, password: ERIN.password })
    t.equal(transaction.status, 'MFA_REQUIRED')
    const { code } = await controlJson<{ code: string }>(base, `/users/${ERIN.username}/totp`)
    const expired = (await transaction.factors![0]!.verify!({ passCode: code })) as AuthnTransaction
    t.equal(expired.status, 'PASSWORD_EXPIRED')
    const done = (await expired.changePassword!({ oldPassword: ERIN.password, newPassword: GOOD_NEW_PASSWORD })) as AuthnTransaction
    t.equal(done.status, 'SUCCESS')
    await tokensRefresh(t, authClient, issuer, done.sessionToken!)
  })
})
