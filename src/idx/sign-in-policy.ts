/**
 * Whether a password signs a user in (docs/identity-engine.md, "Policies"): only ACTIVE users, a lock-out
 * after `identityEngine.lockoutThreshold` wrong passwords in a row, and the same comparison and the same
 * answer for unknown users as for wrong passwords, so the answer never tells whether an account exists.
 */
import type { AppContext } from '../context.js'
import { safeEqual } from '../crypto/safe-equal.js'
import type { User } from '../registry/users.js'
import { IDX_MESSAGES, type IdxMessage } from './messages.js'

export type PasswordCheck = { kind: 'ok'; user: User } | { kind: 'failed'; message: IdxMessage }

const UNKNOWN_USER_PASSWORD = '\0unknown-user'

/** `failed`: the message of a wrong password at this step (the one-step form and the challenge differ). */
export async function checkPassword(ctx: AppContext, user: User | undefined, password: string, failed: IdxMessage): Promise<PasswordCheck> {
  const matches = safeEqual(password, user?.password ?? UNKNOWN_USER_PASSWORD)
  if (!user) return { kind: 'failed', message: failed }
  const threshold = ctx.config.identityEngine.lockoutThreshold
  if (user.status === 'LOCKED_OUT' || (threshold > 0 && (await ctx.store.signInFailures(user.id)) >= threshold)) return { kind: 'failed', message: IDX_MESSAGES.lockedOut }
  if (!matches) {
    await ctx.store.recordSignInFailure(user.id)
    return { kind: 'failed', message: failed }
  }
  // [UNCONFIRMED] A user who is not active (STAGED, SUSPENDED, …) is told what an unknown one is told.
  if (user.status !== 'ACTIVE') return { kind: 'failed', message: failed }
  await ctx.store.clearSignInFailures(user.id)
  return { kind: 'ok', user }
}
