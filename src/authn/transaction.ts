/**
 * An Authentication API transaction (docs/authentication-api.md § 1.4): MFA_REQUIRED, MFA_CHALLENGE or
 * PASSWORD_EXPIRED, named by a state token that stays the same through its steps. The store keeps only
 * the token's hash. A step replaces the record only at the version it read (compare-and-set), so of
 * concurrent steps one wins; SUCCESS and cancel end it, and the state token is then unknown.
 */
import type { AppContext } from '../context.js'
import { hashToken } from '../crypto/hash-token.js'
import { invalidStateToken } from '../errors/oauth-error.js'
import type { User } from '../registry/users.js'
import type { AuthnTransactionRecord } from '../store/interaction-store.js'

/** [UNCONFIRMED] Okta's state-token lifetime; mockta slides it 5 minutes on at every step. */
export const STATE_TOKEN_LIFETIME_SECONDS = 300
/** Okta's state tokens: `00` and 40 url-safe characters. */
const MAX_STATE_TOKEN_LENGTH = 256

export interface OpenTransaction {
  stateToken: string
  record: AuthnTransactionRecord
  user: User
}

export async function startTransaction(ctx: AppContext, user: User, status: AuthnTransactionRecord['status'], authTime: number): Promise<OpenTransaction> {
  const stateToken = `00${ctx.ids.secret().slice(0, 40)}`
  const record: AuthnTransactionRecord = {
    stateTokenHash: hashToken(stateToken),
    userId: user.id,
    status,
    factorId: null,
    codeHash: null,
    codeExpiresAtMs: null,
    authTime,
    amr: ['pwd'],
    version: 0,
    expiresAtMs: ctx.clock.nowMs() + STATE_TOKEN_LIFETIME_SECONDS * 1000,
  }
  await ctx.store.createAuthnTransaction(record)
  return { stateToken, record, user }
}

/** The live transaction a state token names, with its user; E0000011 for a missing, unknown, ended or expired one. */
export async function openTransaction(ctx: AppContext, stateToken: unknown): Promise<OpenTransaction> {
  if (typeof stateToken !== 'string' || stateToken === '' || stateToken.length > MAX_STATE_TOKEN_LENGTH) throw invalidStateToken()
  const record = await ctx.store.findAuthnTransaction(hashToken(stateToken), ctx.clock.nowMs())
  const user = record && ctx.users.get(record.userId)
  // A user removed or deactivated meanwhile ends the transaction too.
  if (!record || !user || (user.status !== 'ACTIVE' && user.status !== 'PASSWORD_EXPIRED')) throw invalidStateToken()
  return { stateToken, record, user }
}

/**
 * Moves the transaction on from the version it was read at; `null` ends it. False when another step
 * won (the caller reads it again and decides again).
 */
export async function stepTransaction(ctx: AppContext, open: OpenTransaction, next: Partial<AuthnTransactionRecord> | null): Promise<OpenTransaction | false> {
  const { record } = open
  const moved: AuthnTransactionRecord | null =
    next === null ? null : { ...record, ...next, version: record.version + 1, expiresAtMs: ctx.clock.nowMs() + STATE_TOKEN_LIFETIME_SECONDS * 1000 }
  const result = await ctx.store.advanceAuthnTransaction(record.stateTokenHash, moved, record.version)
  if (result.kind === 'conflict') return false
  return { ...open, record: moved ?? record }
}
