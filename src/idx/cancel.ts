/**
 * The `cancel` action (docs/identity-engine.md, "Cancel"): the transaction starts over on the same
 * interaction with a new stateHandle; the previous one, and a code not yet redeemed, stop working.
 */
import type { AppContext } from '../context.js'
import { advance, currentResponse, type IdxAnswer, type Transaction } from './transaction.js'

export async function cancel(ctx: AppContext, tx: Transaction): Promise<IdxAnswer> {
  const next = await advance(ctx, tx, {
    step: 'IDENTIFY',
    userId: null,
    amr: [],
    authTime: null,
    codeHash: null,
    codeExpiresAtMs: null,
    // A recovery ends too; the count of email codes goes on, so a new challenge's code is a new one.
    recovery: undefined,
    identifier: undefined,
    emailCodeExpiresAtMs: undefined,
    stateGeneration: tx.record.stateGeneration + 1,
  })
  return { status: 200, body: currentResponse(ctx, next) }
}
