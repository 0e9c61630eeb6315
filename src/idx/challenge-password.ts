/**
 * The password challenge (docs/identity-engine.md, "Identifier first"): `select-authenticator-authenticate`
 * (`/idp/idx/challenge`) picks the password, `challenge-authenticator` (`/idp/idx/challenge/answer`) answers it.
 */
import type { AppContext } from '../context.js'
import { IDX_MESSAGES } from './messages.js'
import { badRequest, objectField, passcodeOf, textField, type Input } from './remediation-input.js'
import { challengePasswordResponse, PASSWORD_AUTHENTICATOR } from './response.js'
import { afterPassword } from './challenge-email.js'
import { checkPassword } from './sign-in-policy.js'
import { currentResponse, notAvailable, responseContext, type IdxAnswer, type Transaction } from './transaction.js'

/** Choosing the password authenticator (the only one offered) shows its challenge again. */
export async function selectAuthenticator(ctx: AppContext, tx: Transaction, input: Input): Promise<IdxAnswer> {
  if (tx.record.step !== 'CHALLENGE_PASSWORD') return notAvailable(ctx, tx)
  const authenticator = objectField(input, 'authenticator')
  const id = authenticator && textField(authenticator, 'id')
  if (id !== PASSWORD_AUTHENTICATOR.id) throw badRequest('idx_authenticator_unknown')
  return { status: 200, body: currentResponse(ctx, tx) }
}

export async function answerChallenge(ctx: AppContext, tx: Transaction, input: Input): Promise<IdxAnswer> {
  if (tx.record.step !== 'CHALLENGE_PASSWORD') return notAvailable(ctx, tx)
  const password = passcodeOf(input)
  if (password === undefined) throw badRequest('idx_passcode_missing')
  const user = tx.record.userId === null ? undefined : ctx.users.get(tx.record.userId)
  const check = await checkPassword(ctx, user, password, IDX_MESSAGES.incorrectPassword)
  if (check.kind === 'failed') return { status: 401, body: challengePasswordResponse(responseContext(ctx, tx), [check.message]) }
  return afterPassword(ctx, tx, check.user)
}
