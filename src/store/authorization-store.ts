/**
 * The authorization half of the Store, the records of the /authorize flow: authorization codes,
 * browser sessions and pending browser sign-in transactions. Keys are hashes of the values handed out,
 * so a dump of the store holds nothing usable.
 */
import type { AuthorizationRequest } from './authorization-request.js'

/**
 * Pending sign-in forms at most. Anyone can open one (GET /authorize), so a flood must not grow memory
 * without bound: beyond this the oldest form is forgotten, as if it had expired.
 */
export const MAX_TRANSACTIONS = 100_000

/** An issued authorization code (RFC 6749 §4.1.2), bound to everything /token must check. */
export interface AuthorizationCodeRecord {
  hash: string
  clientId: string
  authServerId: string | null
  redirectUri: string
  userId: string
  scopes: string[]
  nonce: string | null
  codeChallenge: string | null
  /** Seconds. */
  authTime: number
  expiresAtMs: number
  /** RFC 9449 §10: the DPoP key thumbprint `/authorize` bound the code to (`dpop_jkt`); absent when unbound. */
  dpopJkt?: string
  /** The sign-in's methods when a factor was verified (docs/authentication-api.md § 1.4); absent: the password alone. */
  amr?: string[]
}

/** What the redemption of a code issued, so a replay can revoke it (RFC 6749 §4.1.2). */
export interface CodeGrantRecord {
  familyId: string | null
  accessTokenJti: string
  accessTokenExpiresAtMs: number
}

export type CodeRedemption =
  | { kind: 'redeemed'; code: AuthorizationCodeRecord }
  /** Redeemed before; `issued` is what that redemption produced, `null` if it has not recorded it yet. */
  | { kind: 'replayed'; code: AuthorizationCodeRecord; issued: CodeGrantRecord | null }
  | { kind: 'invalid' }

/** A signed-in browser (Okta's session): lets `prompt=none` and a second app sign in without a form. */
export interface SessionRecord {
  idHash: string
  userId: string
  /** Seconds. */
  authTime: number
  expiresAtMs: number
  /** How the user signed in (RFC 8176), when more than a password: a factor of the Authentication API. */
  amr?: string[]
}

/**
 * A one-time `sessionToken` of the Authentication API (docs/authentication-api.md): a user who proved
 * their password, to be turned into a browser session at /authorize once, within its short life.
 */
export interface SessionTokenRecord {
  hash: string
  userId: string
  /** Seconds: when the password was checked, the session's `auth_time`. */
  authTime: number
  expiresAtMs: number
  /** The factors verified besides the password (docs/authentication-api.md § 1.4); absent: the password alone. */
  amr?: string[]
}

/** An /authorize request waiting for the sign-in form, bound to the browser that started it (CSRF). */
export interface TransactionRecord {
  idHash: string
  browserHash: string
  request: AuthorizationRequest
  expiresAtMs: number
}

export interface AuthorizationStore {
  createAuthorizationCode(code: AuthorizationCodeRecord): Promise<void>
  /** Atomically marks the code used: only one caller ever gets `redeemed`. Expired codes are `invalid`. */
  consumeAuthorizationCode(hash: string, nowMs: number): Promise<CodeRedemption>
  /** Remembers what a redemption issued; `false` when the code was replayed meanwhile (revoke it all). */
  recordCodeGrant(hash: string, issued: CodeGrantRecord): Promise<boolean>

  createSession(session: SessionRecord): Promise<void>
  findSession(idHash: string, nowMs: number): Promise<SessionRecord | undefined>
  deleteSession(idHash: string): Promise<void>
  /** A user's live sessions (for the control plane; a scan, not a request path). */
  listSessionsByUser(userId: string, nowMs: number): Promise<SessionRecord[]>

  createSessionToken(token: SessionTokenRecord): Promise<void>
  /** Atomically removes and returns a live session token: only one caller ever gets it. */
  takeSessionToken(hash: string, nowMs: number): Promise<SessionTokenRecord | undefined>

  createTransaction(transaction: TransactionRecord): Promise<void>
  findTransaction(idHash: string, nowMs: number): Promise<TransactionRecord | undefined>
  /** Atomically removes and returns a live transaction: a form can complete a sign-in once. */
  takeTransaction(idHash: string, nowMs: number): Promise<TransactionRecord | undefined>
}
