/**
 * The `identify` remediation (docs/identity-engine.md, "Username and password"): the username and
 * password on one form, or the username alone when identifier-first, then the password challenge.
 * An unknown user goes on to the same challenge as a known one, and fails it the same way.
 */
import type { AppContext } from '../context.js'
import { identifierFirstFor, registrationFor } from './app-policy.js'
import { IDX_MESSAGES } from './messages.js'
import { badRequest, passcodeOf, textField, type Input } from './remediation-input.js'
import { identifyResponse } from './response.js'
import { afterPassword } from './challenge-email.js'
import { checkPassword } from './sign-in-policy.js'
import { advance, currentResponse, notAvailable, responseContext, type IdxAnswer, type Transaction } from './transaction.js'

export async function identify(ctx: AppContext, tx: Transaction, input: Input): Promise<IdxAnswer> {
  if (tx.record.step !== 'IDENTIFY') return notAvailable(ctx, tx)
  const identifier = textField(input, 'identifier')
  if (identifier === undefined) throw badRequest('idx_identifier_missing')
  const user = ctx.users.byLoginName(identifier)
  const identifierFirst = identifierFirstFor(ctx, tx.client)

  if (identifierFirst) {
    const next = await advance(ctx, tx, { step: 'CHALLENGE_PASSWORD', userId: user?.id ?? null })
    return { status: 200, body: currentResponse(ctx, next) }
  }
  const password = passcodeOf(input)
  if (password === undefined) throw badRequest('idx_passcode_missing')
  const check = await checkPassword(ctx, user, password, IDX_MESSAGES.authenticationFailed)
  if (check.kind === 'failed') return { status: 401, body: identifyResponse(responseContext(ctx, tx), identifierFirst, [check.message], registrationFor(ctx, tx.client)) }
  return afterPassword(ctx, tx, check.user)
}
