/**
 * A user's lock-out as the control plane shows and lifts it (docs/authentication-api.md § 1.1): wrong
 * passwords in a row, counted by the store for the Authentication API and the Identity Engine alike,
 * against `identityEngine.lockoutThreshold`. Unlocking clears the count, as Okta's admin unlock does.
 */
import type { AppContext } from '../context.js'
import { notFound } from './control-error.js'

export interface LockoutState {
  userId: string
  failures: number
  /** 0: never locked out by failures. */
  threshold: number
  /** Locked by failures, or configured `status: LOCKED_OUT` (lifted by changing the user's status, not by unlocking). */
  lockedOut: boolean
}

function userOf(ctx: AppContext, user: string) {
  const found = ctx.users.find(user)
  if (!found) throw notFound(`no user ${user}`)
  return found
}

export async function lockoutOf(ctx: AppContext, user: string): Promise<LockoutState> {
  const found = userOf(ctx, user)
  const failures = await ctx.store.signInFailures(found.id)
  const threshold = ctx.config.identityEngine.lockoutThreshold
  return { userId: found.id, failures, threshold, lockedOut: found.status === 'LOCKED_OUT' || (threshold > 0 && failures >= threshold) }
}

export async function unlock(ctx: AppContext, user: string): Promise<LockoutState> {
  await ctx.store.clearSignInFailures(userOf(ctx, user).id)
  return lockoutOf(ctx, user)
}
