/**
 * The Authentication API's primary authentication (docs/authentication-api.md): a username and a
 * password become a one-time session token, or a transaction when the user has factors to verify
 * (MFA_REQUIRED) or a password to change (PASSWORD_EXPIRED). Unknown users, wrong passwords and users
 * who may not sign in get one answer, after the same comparison, so the answer never tells whether an
 * account exists.
 */
import { nowSeconds } from '../clock.js'
import type { AppContext } from '../context.js'
import { safeEqual } from '../crypto/safe-equal.js'
import { hashToken } from '../crypto/hash-token.js'
import type { User } from '../registry/users.js'
import { factorsOf, type Factor } from './factors.js'
import { startTransaction, type OpenTransaction } from './transaction.js'

/** Okta's session tokens live 5 minutes (docs/authentication-api.md § 1.3). */
export const SESSION_TOKEN_LIFETIME_SECONDS = 300

const UNKNOWN_USER_PASSWORD = '\0unknown-user'

export type AuthnOutcome =
  | { kind: 'success'; user: User; sessionToken: string; expiresAtMs: number }
  /** A transaction that goes on: MFA_REQUIRED, MFA_CHALLENGE (with the factor challenged) or PASSWORD_EXPIRED. */
  | { kind: 'transaction'; open: OpenTransaction; challenged?: Factor }
  /** The user is locked out: Okta's LOCKED_OUT transaction, with the unlock link. */
  | { kind: 'locked_out'; user: User }
  | { kind: 'failed'; user: User | undefined }

export type PrimaryAuthentication = AuthnOutcome

export async function authenticate(ctx: AppContext, username: string, password: string): Promise<AuthnOutcome> {
  const user = ctx.users.byLoginName(username)
  const matches = safeEqual(password, user?.password ?? UNKNOWN_USER_PASSWORD)
  if (!user) return { kind: 'failed', user }
  const threshold = ctx.config.identityEngine.lockoutThreshold
  if (user.status === 'LOCKED_OUT' || (threshold > 0 && (await ctx.store.signInFailures(user.id)) >= threshold)) return { kind: 'locked_out', user }
  if (!matches) {
    const failures = await ctx.store.recordSignInFailure(user.id)
    // The failure that reaches the threshold locks the account, and says so (Okta: "shows lockout failures").
    return threshold > 0 && failures >= threshold ? { kind: 'locked_out', user } : { kind: 'failed', user }
  }
  // [UNCONFIRMED] A user who is not active (STAGED, SUSPENDED, …) is told what an unknown one is told.
  if (user.status !== 'ACTIVE' && user.status !== 'PASSWORD_EXPIRED') return { kind: 'failed', user }
  await ctx.store.clearSignInFailures(user.id)
  const authTime = nowSeconds(ctx.clock)
  // Okta asks for the factor before the expired password (docs/authentication-api.md § 1.5).
  if (factorsOf(user).length > 0) return { kind: 'transaction', open: await startTransaction(ctx, user, 'MFA_REQUIRED', authTime) }
  return afterFactors(ctx, user, authTime)
}

/** Once every factor asked for is verified: PASSWORD_EXPIRED for a user whose password has expired, else SUCCESS. */
export async function afterFactors(ctx: AppContext, user: User, authTime: number): Promise<AuthnOutcome> {
  if (user.status === 'PASSWORD_EXPIRED') return { kind: 'transaction', open: await startTransaction(ctx, user, 'PASSWORD_EXPIRED', authTime) }
  return issueSessionToken(ctx, user, authTime)
}

/** A one-time session token for a user who has signed in; the store keeps only its hash. */
export async function issueSessionToken(ctx: AppContext, user: User, authTime: number, amr: readonly string[] = ['pwd']): Promise<AuthnOutcome & { kind: 'success' }> {
  const sessionToken = ctx.ids.secret()
  const expiresAtMs = ctx.clock.nowMs() + SESSION_TOKEN_LIFETIME_SECONDS * 1000
  // A password alone leaves `amr` out, so those records are as they were before factors existed.
  const methods = amr.length > 1 ? { amr: [...amr] } : {}
  await ctx.store.createSessionToken({ hash: hashToken(sessionToken), userId: user.id, authTime, expiresAtMs, ...methods })
  return { kind: 'success', user, sessionToken, expiresAtMs }
}

/** Consumes a session token: its user and sign-in time, once; `undefined` for an unknown, used or expired one. */
export async function redeemSessionToken(ctx: AppContext, sessionToken: string): Promise<{ user: User; authTime: number; amr: string[] | undefined } | undefined> {
  const record = await ctx.store.takeSessionToken(hashToken(sessionToken), ctx.clock.nowMs())
  const user = record && ctx.users.get(record.userId)
  return record && user && user.status === 'ACTIVE' ? { user, authTime: record.authTime, amr: record.amr } : undefined
}
