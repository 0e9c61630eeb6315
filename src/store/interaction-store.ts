/**
 * An Identity Engine interaction (docs/identity-engine.md): what `/v1/interact` was asked, and the
 * sign-in transaction the IDX API walks through until it ends in an interaction code. The store keeps
 * it under hashes only: of the interaction handle, of the current stateHandle and of the interaction
 * code. The values themselves are derived from the handle and the store's token secret (idx/handles.ts),
 * so introspect can show them again while a dump of the store holds nothing usable.
 */

import type { AuthorizationRequest } from './authorization-request.js'

/**
 * Where the transaction stands: which remediations its current response offers. SELECT_EMAIL and
 * CHALLENGE_EMAIL are the email code after the password, or of a recovery; IDENTIFY_RECOVERY and
 * RESET_PASSWORD the two ends of a password recovery; ENROLL_PROFILE, ENROLL_SELECT and
 * ENROLL_PASSWORD the profile form, the choice of authenticator to enrol and the new password of a
 * registration, ENROLL_EMAIL the code of its email (docs/identity-engine.md).
 */
export const INTERACTION_STEPS = [
  'IDENTIFY',
  'CHALLENGE_PASSWORD',
  'SELECT_EMAIL',
  'CHALLENGE_EMAIL',
  'IDENTIFY_RECOVERY',
  'RESET_PASSWORD',
  'SUCCESS',
  'ENROLL_PROFILE',
  'ENROLL_SELECT',
  'ENROLL_PASSWORD',
  'ENROLL_EMAIL',
] as const
export type InteractionStep = (typeof INTERACTION_STEPS)[number]

export interface InteractionRecord {
  /** Hash of the interaction handle: the record's key. */
  handleHash: string
  clientId: string
  /** `null` for the org authorization server. */
  authServerId: string | null
  redirectUri: string
  scopes: string[]
  state: string
  nonce: string | null
  /** S256, always (PKCE is required for the Interaction Code flow). */
  codeChallenge: string
  step: InteractionStep
  /** Increases with every change: the compare-and-set that lets one proceed win (idx/transaction.ts). */
  version: number
  /** Which stateHandle is current: a cancel starts a new one, and the old one expires. */
  stateGeneration: number
  /** Hash of the current stateHandle. */
  stateHandleHash: string
  /** The user identified so far. */
  userId: string | null
  /** Authentication methods satisfied so far (the ID token's `amr`, RFC 8176). */
  amr: string[]
  /** Seconds; when the last factor was verified. */
  authTime: number | null
  /** Hash of the interaction code, once the transaction succeeded. */
  codeHash: string | null
  codeExpiresAtMs: number | null
  /** The transaction expires this long after its last step (sliding). */
  expiresAtMs: number
  /** A password recovery: the email code leads to a new password rather than to success. Absent: a sign-in. */
  recovery?: boolean
  /**
   * Email codes sent so far in this interaction; the current code and magic link are derived from it
   * (idx/email-codes.ts), so a resend, which counts one more, retires the previous ones. Absent: none.
   */
  emailGeneration?: number
  /** When the current email code and link stop working (mockta's clock). */
  emailCodeExpiresAtMs?: number
  /** A recovery for an unknown identifier: what was typed, to show it masked as Okta shows an address (nothing is sent). */
  identifier?: string
  /**
   * An interaction of Okta's hosted sign-in page (docs/sign-in-widget.md § hosted): the /authorize
   * request it completes through /login/token/redirect, and the hash of the browser's cookie that
   * started it. Absent: an embedded interaction from /v1/interact.
   */
  hosted?: { request: AuthorizationRequest; browserHash: string }
}

/** Interactions kept at most; beyond, the oldest is forgotten (anyone can start one, as a sign-in form). */
export const MAX_INTERACTIONS = 100_000

export type InteractionAdvance =
  | { kind: 'advanced' }
  /** Another step changed the transaction first (or it is gone): the caller reloads and decides again. */
  | { kind: 'conflict' }

/**
 * A classic Authentication API transaction (docs/authentication-api.md § 1.4): the user whose password
 * was checked and the step the state token stands at. Keyed by the state token's hash; the token
 * itself is never stored, nor an emailed code (only its hash).
 */
export interface AuthnTransactionRecord {
  /** Hash of the state token: the record's key. */
  stateTokenHash: string
  userId: string
  status: 'MFA_REQUIRED' | 'MFA_CHALLENGE' | 'PASSWORD_EXPIRED'
  /** The factor challenged (MFA_CHALLENGE), else `null`. */
  factorId: string | null
  /** Hash of the code sent for that factor (email), else `null`. */
  codeHash: string | null
  codeExpiresAtMs: number | null
  /** Seconds; when the password was checked (the session's auth_time). */
  authTime: number
  /** Authentication methods satisfied so far (RFC 8176). */
  amr: string[]
  /** Increases with every step: the compare-and-set that lets one step win. */
  version: number
  /** Sliding: each step moves it on. */
  expiresAtMs: number
}

/** Authentication API transactions kept at most; beyond, the oldest is forgotten (anyone with a password starts one). */
export const MAX_AUTHN_TRANSACTIONS = 100_000

/** The Identity Engine's part of the Store contract (store.ts `Store`). */
export interface InteractionStore {
  /** Adds an interaction, indexed by its stateHandle hash. */
  createInteraction(interaction: InteractionRecord): Promise<void>
  findInteraction(handleHash: string, nowMs: number): Promise<InteractionRecord | undefined>
  /** The live interaction whose current stateHandle has this hash; an earlier stateHandle finds nothing. */
  findInteractionByStateHandle(stateHandleHash: string, nowMs: number): Promise<InteractionRecord | undefined>
  /**
   * Replaces the interaction if it still has `expectedVersion` (compare-and-set): of concurrent steps on
   * one transaction exactly one advances. The stateHandle and code indexes follow the new record.
   */
  advanceInteraction(next: InteractionRecord, expectedVersion: number): Promise<InteractionAdvance>
  /** Atomically removes and returns the interaction whose unexpired code has this hash: a code is redeemed once. */
  takeInteractionByCode(codeHash: string, nowMs: number): Promise<InteractionRecord | undefined>
  /** Counts a wrong password for a user and returns the failures in a row so far. */
  recordSignInFailure(userId: string): Promise<number>
  /** A successful sign-in ends the run of failures. */
  clearSignInFailures(userId: string): Promise<void>
  signInFailures(userId: string): Promise<number>
  /** Adds an Authentication API transaction. */
  createAuthnTransaction(transaction: AuthnTransactionRecord): Promise<void>
  /** The live transaction whose state token has this hash. */
  findAuthnTransaction(stateTokenHash: string, nowMs: number): Promise<AuthnTransactionRecord | undefined>
  /**
   * Replaces the transaction if it still has `expectedVersion` (compare-and-set); `next: null` ends it.
   * Of concurrent steps on one transaction exactly one advances, so a code or a state token is used once.
   */
  advanceAuthnTransaction(stateTokenHash: string, next: AuthnTransactionRecord | null, expectedVersion: number): Promise<InteractionAdvance>
}
