/**
 * Storage for what mockta hands out and must remember: refresh-token families and revoked access
 * tokens. Operations are domain-level so each implementation can make them atomic (RFC 9700 §4.14.2:
 * rotation with reuse detection needs a compare-and-set, not a get followed by a set).
 */
import type { RotationPolicy } from '../config/types.js'
import type { AuthorizationStore } from './authorization-store.js'
import type { InteractionStore } from './interaction-store.js'
import type { GrantRecordStore } from './grant-records.js'
import type { OutboxStore } from './outbox-store.js'

// Limits every Store keeps alike (memory and Redis), so the two answer the same.

/**
 * Families stay after they end for as long as one of their access tokens may still be unexpired (Okta
 * caps access-token lifetimes at 24 h), so introspection keeps answering for those tokens.
 */
export const RETENTION_MS = 24 * 3600 * 1000

/** One sign-in's chain of refresh tokens (Okta: the tokens "issued since the user authenticated"). */
export interface FamilyRecord {
  /** `oar…`; also the suffix of the family's access-token `jti`s. */
  id: string
  clientId: string
  /** `null` for the org authorization server. */
  authServerId: string | null
  userId: string | null
  /** Scopes granted at sign-in; never changes (OAuth 2.1: a new refresh token keeps the scope). */
  scopes: string[]
  /** Seconds. */
  authTime: number
  createdAtMs: number
  /** Absolute expiry, inherited by every rotated token; `null` = unlimited. */
  expiresAtMs: number | null
  idleSeconds: number
  rotation: RotationPolicy
  graceSeconds: number
  /**
   * The live token's generation (0 at sign-in, one more per rotation). A family's tokens carry their
   * generation (oauth/refresh-token.ts), so this one number tells the live token, the previous one
   * (generation − 1) and every retired one apart without remembering any of them (docs/refresh-tokens.md, "Token form").
   */
  generation: number
  lastUsedMs: number
  /** Whether the live token was itself presented; ends the previous token's grace (docs/reliability.md § I4). */
  currentUsed: boolean
  /** When the previous generation was rotated away (its grace period runs from here); `null` before the first rotation. */
  rotatedAtMs: number | null
  revokedAtMs: number | null
  /**
   * RFC 9449 §5: the DPoP key (its RFC 7638 thumbprint) a public client's refresh tokens are bound
   * to, for the whole family; absent when the family is not bound.
   */
  jkt?: string
}

/** A presented refresh token, once its MAC is checked: which family, which generation. */
export interface TokenRef {
  familyId: string
  generation: number
}

export interface RefreshRequest extends TokenRef {
  /** `false`: do not rotate (static policy, or a refresh that returns no refresh token). */
  rotate: boolean
  clientId: string
  authServerId: string | null
  nowMs: number
}

export type RefreshOutcome =
  | { kind: 'rotated' | 'reused-successor' | 'kept'; family: FamilyRecord }
  /** The token was rotated out earlier and is past its grace: the family is now revoked. */
  | { kind: 'reuse-detected'; family: FamilyRecord }
  | { kind: 'invalid' }

/** A refresh grant's first question: may this client redeem this token at this server now? */
export interface RefreshCheckRequest extends TokenRef {
  clientId: string
  authServerId: string | null
  nowMs: number
}

/** The answer; a refused token still names its family (for the journal), and why (for the log). */
export type RefreshCheck =
  | { kind: 'unknown' }
  | { kind: 'refused'; reason: 'foreign_client' | 'foreign_server' | 'family_ended'; familyId: string }
  | { kind: 'usable'; family: FamilyRecord }

export interface FoundToken {
  family: FamilyRecord
  /** 'current', the grace-eligible 'previous', or a 'retired' generation. */
  position: 'current' | 'previous' | 'retired'
}

/**
 * What makes tokens this store's own, kept with the store so that every process sharing it (replicas
 * on one Redis, a restart from a state file) agrees: JWTs issued before `epochSeconds` are from an
 * earlier memory and introspect inactive (docs/reliability.md § F-1), and `tokenSecret` derives rotated
 * refresh tokens (oauth/refresh-token.ts), so a grace-period replay on any replica gets the same successor.
 */
export interface StoreIdentity {
  epochSeconds: number
  /** base64url of 32 random bytes. */
  tokenSecret: string
}

export interface AccessTokenState {
  revoked: boolean
  /** `true` for a token without a family. */
  familyLive: boolean
  /** Store.accessTokensEndedAt of the scopes asked. */
  endedAt: number
}

export interface StoreStats {
  families: number
  revokedAccessTokens: number
}

/**
 * Authorization records (codes, sessions, transactions) are declared in authorization-store.ts; device
 * authorizations and pushed requests in grant-records.ts; Identity Engine interactions in interaction-store.ts;
 * the messages "sent by email" in outbox-store.ts.
 */
export interface Store extends AuthorizationStore, GrantRecordStore, InteractionStore, OutboxStore {
  /** Adds a new family; `false` when the store is at capacity (new grants are refused). */
  createFamily(family: FamilyRecord): Promise<boolean>
  /** A snapshot of the family a token belongs to, whatever its state; undefined for a generation it never had. */
  findRefreshToken(ref: TokenRef): Promise<FoundToken | undefined>
  getFamily(id: string): Promise<FamilyRecord | undefined>
  /** Whether a presented refresh token may be redeemed, before anything is signed (decides nothing, changes nothing). */
  checkRefreshToken(request: RefreshCheckRequest): Promise<RefreshCheck>
  /** Decides and applies a refresh atomically: rotate, keep, grace replay, reuse detection or nothing. */
  redeemRefreshToken(request: RefreshRequest): Promise<RefreshOutcome>
  /** Revokes a family (its current refresh token and all its access tokens). Idempotent. */
  revokeFamily(id: string, nowMs: number): Promise<void>
  /** Remembers a revoked access token until it would have expired anyway. */
  revokeAccessToken(jti: string, expiresAtMs: number): Promise<void>
  isAccessTokenRevoked(jti: string): Promise<boolean>
  /**
   * Ends every access token of `scope` (`*`, `client:<id>` or `user:<id>`) issued at or before `atSeconds`
   * (their `iat`), keeping refresh tokens (docs/dashboard.md). Only ever moves forward.
   */
  endAccessTokens(scope: string, atSeconds: number): Promise<void>
  /** The latest of those cut-offs among `scopes`, 0 when none. */
  accessTokensEndedAt(scopes: string[]): Promise<number>
  /**
   * Everything an access token's liveness depends on, in one call (one Redis round trip on the
   * introspection path, docs/replicas.md): whether its `jti` is revoked, whether its family (when it
   * has one) is still remembered and unrevoked, and the latest cut-off among `cutoffScopes`.
   */
  accessTokenState(jti: string, familyId: string | undefined, cutoffScopes: string[]): Promise<AccessTokenState>
  /** Every family of a user the store still remembers (live or ended), oldest first. */
  listFamiliesByUser(userId: string): Promise<FamilyRecord[]>
  /** Ends a family's refresh tokens at `atMs` unless it already ends earlier (its access tokens stay valid). */
  expireFamily(id: string, atMs: number): Promise<void>
  /** Forgets everything, its identity included: the control plane's `reset`. */
  clear(): Promise<void>
  /** The store's identity; `proposed` becomes it when the store has none (new, cleared, or its memory lost). */
  identity(proposed: StoreIdentity): Promise<StoreIdentity>
  /** Remembers a JWT issued in the epoch second itself (oauth/boot-epoch.ts); forgotten by `clear`. */
  noteEpochSecondJti(jti: string): Promise<void>
  isEpochSecondJti(jti: string): Promise<boolean>
  /**
   * Spends a single-use value (a client assertion's or a DPoP proof's `jti`, under `scope`) until
   * `expiresAtMs`: true for the one caller that spent it first, false while it is remembered as spent.
   * Atomic across every process sharing the store (RFC 7523 §3 item 7, RFC 9449 §11.1).
   */
  spendOnce(scope: string, value: string, expiresAtMs: number, nowMs: number): Promise<boolean>
  /** How many times the DPoP nonces were rotated by hand (control plane), shared by replicas (oauth/dpop-nonce.ts). */
  dpopNonceRotations(): Promise<number>
  /** Rotates the DPoP nonces once more; returns the new count. */
  rotateDpopNonce(): Promise<number>
  /** Drops records nothing can use any more; returns how many. */
  sweep(nowMs: number): Promise<number>
  stats(): Promise<StoreStats>
}

/** Spent single-use values a store remembers at most; beyond it the oldest is forgotten (store/spent-values.ts). */
export const MAX_SPENT_VALUES = 100_000

/** What a family is at sign-in: `createdAtMs` is also its last use; nothing rotated, used or revoked yet. */
export type NewFamily = Omit<FamilyRecord, 'generation' | 'lastUsedMs' | 'currentUsed' | 'rotatedAtMs' | 'revokedAtMs'>

export const newFamilyRecord = (f: NewFamily): FamilyRecord => ({
  ...f,
  generation: 0,
  lastUsedMs: f.createdAtMs,
  currentUsed: false,
  rotatedAtMs: null,
  revokedAtMs: null,
})

/** When a family's refresh tokens stop working, whatever their generation. */
export function familyDeadlineMs(f: FamilyRecord): number {
  const idle = f.idleSeconds > 0 ? f.lastUsedMs + f.idleSeconds * 1000 : Infinity
  return Math.min(idle, f.expiresAtMs ?? Infinity)
}

export const isFamilyLive = (f: FamilyRecord, nowMs: number): boolean => f.revokedAtMs === null && nowMs < familyDeadlineMs(f)

/** The check every store makes of a token it found (checkRefreshToken), shared so they cannot drift. */
export function checkFound(found: FoundToken | undefined, r: RefreshCheckRequest): RefreshCheck {
  if (!found) return { kind: 'unknown' }
  const f = found.family
  if (f.clientId !== r.clientId) return { kind: 'refused', reason: 'foreign_client', familyId: f.id }
  if (f.authServerId !== r.authServerId) return { kind: 'refused', reason: 'foreign_server', familyId: f.id }
  if (!isFamilyLive(f, r.nowMs)) return { kind: 'refused', reason: 'family_ended', familyId: f.id }
  return { kind: 'usable', family: f }
}

/**
 * Where generation `generation` sits in family `f`: the live token, the one rotated away last, an
 * older one, or none (a generation the family never reached: not a token of this store's).
 */
export function positionOf(f: Pick<FamilyRecord, 'generation'>, generation: number): FoundToken['position'] | undefined {
  if (generation === f.generation) return 'current'
  if (generation > f.generation || generation < 0) return undefined
  return generation === f.generation - 1 ? 'previous' : 'retired'
}

/**
 * The refresh decision, shared by every store so they cannot drift. `position` is where the token sits
 * in the family. Returns what to do; the store applies it atomically.
 */
export function decideRefresh(f: FamilyRecord, position: FoundToken['position'], r: RefreshRequest): RefreshOutcome['kind'] {
  // A token only works for the client and server it was issued to; a foreign one changes nothing (docs/reliability.md § SP-5).
  if (f.clientId !== r.clientId || f.authServerId !== r.authServerId) return 'invalid'
  if (!isFamilyLive(f, r.nowMs)) return 'invalid'
  if (position === 'current') return r.rotate ? 'rotated' : 'kept'
  return position === 'previous' && isInGrace(f, r.nowMs) ? 'reused-successor' : 'reuse-detected'
}

/**
 * Whether the previous token is still good: grace is one generation deep, lasts `graceSeconds` from the
 * rotation and ends once the successor itself was used (docs/reliability.md § I4).
 */
export const isInGrace = (f: FamilyRecord, nowMs: number): boolean => !f.currentUsed && f.rotatedAtMs !== null && elapsedInGrace(nowMs - f.rotatedAtMs, f.graceSeconds)

/**
 * How far before the rotation a request's clock reading may be and still count as concurrent with it.
 * A request reads mockta's clock when it starts; on replicas its store call can reach Redis after
 * another replica's rotation whose reading was later (a loaded process, auto-pipelined commands), and
 * the in-memory store has the same window across a request's awaits. That request is a replay during
 * the rotation, so within the grace period, if there is one (docs/reliability.md § F-3).
 */
export const IN_FLIGHT_MS = 5000

/**
 * A clock moved back before the rotation gives a negative elapsed time: beyond the in-flight margin,
 * that ends the grace period rather than reopening it (docs/reliability.md § F-3b: moving the clock
 * back never extends a grace window).
 */
const elapsedInGrace = (elapsedMs: number, graceSeconds: number): boolean => graceSeconds > 0 && elapsedMs >= -IN_FLIGHT_MS && elapsedMs < graceSeconds * 1000
