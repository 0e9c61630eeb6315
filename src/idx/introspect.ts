/**
 * `POST /idp/idx/introspect` (docs/identity-engine.md, "Introspect"): the transaction's current response,
 * by interaction handle (`interactionHandle`) or stateHandle (`stateToken`, as okta-auth-js sends it, or
 * `stateHandle`). It changes nothing, and shows no message of an earlier failed step.
 */
import type { AppContext } from '../context.js'
import { textField, type Input } from './remediation-input.js'
import { currentResponse, sessionExpired, transactionByInteractionHandle, transactionByStateHandle, type IdxAnswer } from './transaction.js'

export async function introspect(ctx: AppContext, input: Input): Promise<IdxAnswer> {
  const handle = textField(input, 'interactionHandle')
  const stateHandle = textField(input, 'stateToken') ?? textField(input, 'stateHandle')
  const tx = handle !== undefined ? await transactionByInteractionHandle(ctx, handle) : stateHandle !== undefined ? await transactionByStateHandle(ctx, stateHandle) : undefined
  if (!tx) throw sessionExpired('idx_introspect_without_handle')
  return { status: 200, body: currentResponse(ctx, tx) }
}
