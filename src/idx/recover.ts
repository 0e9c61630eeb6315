/**
 * Password recovery by email (docs/identity-engine.md § Password recovery): the password
 * authenticator's `recover` action (`/idp/idx/recover`), the username (`identify-recovery`), the email
 * challenge (challenge-email.ts), then the new password (`reset-authenticator` at
 * `/idp/idx/challenge/answer`), after which the user is signed in. An unknown username goes through
 * the same pages and no code can answer them, so the answers never tell whether an account exists.
 */
import type { AppContext, Directory } from '../context.js'
import { IDX_MESSAGES } from './messages.js'
import { meetsPasswordPolicy, PASSWORD_REQUIREMENTS_NOT_MET } from './password-policy.js'
import { badRequest, passcodeOf, textField, type Input } from './remediation-input.js'
import { resetPasswordResponse } from './email-response.js'
import { IdxError } from './idx-error.js'
import { advance, currentResponse, notAvailable, responseContext, succeed, userOf, type IdxAnswer, type Transaction } from './transaction.js'

/** What a recovery's sign-in used: the email code, then the new password. */
export const RECOVERY_AMR = ['email', 'pwd']

/** `currentAuthenticator-recover` (one-step form) or `currentAuthenticatorEnrollment-recover` (password challenge). */
export async function recover(ctx: AppContext, tx: Transaction): Promise<IdxAnswer> {
  const { step } = tx.record
  if (!ctx.config.identityEngine.passwordRecovery || (step !== 'IDENTIFY' && step !== 'CHALLENGE_PASSWORD')) return notAvailable(ctx, tx)
  // A user already named (identifier first) goes straight to the choice of the email authenticator.
  const next = await advance(ctx, tx, step === 'IDENTIFY' ? { step: 'IDENTIFY_RECOVERY', recovery: true } : { step: 'SELECT_EMAIL', recovery: true })
  return { status: 200, body: currentResponse(ctx, next) }
}

/** `identify-recovery`: the user to recover, known or not. */
export async function identifyRecovery(ctx: AppContext, tx: Transaction, input: Input): Promise<IdxAnswer> {
  const identifier = textField(input, 'identifier')
  if (identifier === undefined) throw badRequest('idx_identifier_missing')
  const user = ctx.users.byLoginName(identifier)
  const next = await advance(ctx, tx, { step: 'SELECT_EMAIL', userId: user?.id ?? null, identifier: user ? undefined : identifier })
  return { status: 200, body: currentResponse(ctx, next) }
}

/** `reset-authenticator`: the new password, checked against the policy, then the user is signed in with it. */
export async function resetPassword(ctx: AppContext, directory: Directory, tx: Transaction, input: Input): Promise<IdxAnswer> {
  const password = passcodeOf(input)
  if (password === undefined) throw badRequest('idx_passcode_missing')
  const user = userOf(ctx, tx)
  if (!user) throw new IdxError(401, [IDX_MESSAGES.sessionExpired], 'idx_user_gone')
  if (!meetsPasswordPolicy(password, user.login)) return { status: 400, body: resetPasswordResponse(responseContext(ctx, tx, user), [], [PASSWORD_REQUIREMENTS_NOT_MET]) }
  // Decide the step first, so of concurrent resets one changes the password.
  const done = await succeed(ctx, tx, user, RECOVERY_AMR)
  if (!(await directory.setPassword(user.id, password))) throw new IdxError(401, [IDX_MESSAGES.sessionExpired], 'idx_user_gone')
  // A new password ends a run of wrong ones (Okta's reset unlocks a user locked out by them).
  await ctx.store.clearSignInFailures(user.id)
  return done
}
