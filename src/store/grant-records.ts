/**
 * The Store's records of the device authorization grant (RFC 8628) and of pushed authorization
 * requests (RFC 9126). Both are handed out once and used once, so each use is one atomic store call;
 * the decisions are made here, shared by every store, so memory and Redis cannot answer differently.
 * Keys are hashes of the values handed out (device codes, user codes, request URIs).
 */
import type { AuthorizationRequest } from './authorization-request.js'

/** Device authorizations pending at most: anyone may ask for one, so a flood forgets the oldest. */
export const MAX_DEVICE_AUTHORIZATIONS = 100_000
/** Pushed requests waiting at most, for the same reason. */
export const MAX_PUSHED_REQUESTS = 100_000

/**
 * Polls this much sooner than the interval still count as on time: the device's timer and the
 * network make its polls arrive a little early or late (RFC 8628 §3.5 asks for the interval, not a
 * stopwatch).
 */
export const POLL_TOLERANCE_MS = 250

/** RFC 8628 §3.5: after `slow_down` the interval grows by 5 seconds for this and every later poll. */
export const SLOW_DOWN_STEP_SECONDS = 5

export type DeviceStatus = 'pending' | 'approved' | 'denied' | 'redeemed'

/** A device authorization (RFC 8628 §3.2), from /v1/device/authorize until its tokens are issued. */
export interface DeviceAuthorizationRecord {
  deviceCodeHash: string
  userCodeHash: string
  clientId: string
  /** `null` for the org authorization server. */
  authServerId: string | null
  scopes: string[]
  expiresAtMs: number
  intervalSeconds: number
  /** The last poll, on time or not; `null` before the first. */
  lastPolledMs: number | null
  status: DeviceStatus
  /** Who approved it, and when they signed in (seconds); `null` until approved. */
  userId: string | null
  authTime: number | null
}

/** The person's answer on the activation page or through the control plane. */
export type DeviceDecision = { approve: true; userId: string; authTime: number } | { approve: false }

export type DeviceDecisionOutcome =
  | { kind: 'decided'; record: DeviceAuthorizationRecord }
  /** Unknown or expired user code. */
  | { kind: 'unknown' }
  /** Approved or denied before: the first answer stands. */
  | { kind: 'already_decided'; record: DeviceAuthorizationRecord }

export interface DevicePoll {
  deviceCodeHash: string
  clientId: string
  authServerId: string | null
  nowMs: number
}

/** What a poll of /v1/token finds; only one poll of an approved authorization ever gets `approved`. */
export type DevicePollOutcome =
  | { kind: 'unknown' }
  | { kind: 'foreign_client' | 'foreign_server' }
  | { kind: 'expired' }
  | { kind: 'slow_down' }
  | { kind: 'pending' }
  | { kind: 'denied' }
  | { kind: 'approved'; record: DeviceAuthorizationRecord }
  /** Approved and already exchanged for tokens. */
  | { kind: 'redeemed' }

/**
 * The poll decision every store applies atomically: what the poll gets and the record afterwards
 * (`undefined`: unchanged). A foreign client or server changes nothing (docs/reliability.md § SP-5).
 */
export function decidePoll(r: DeviceAuthorizationRecord, poll: DevicePoll): { outcome: DevicePollOutcome['kind']; next: DeviceAuthorizationRecord | undefined } {
  if (r.clientId !== poll.clientId) return { outcome: 'foreign_client', next: undefined }
  if (r.authServerId !== poll.authServerId) return { outcome: 'foreign_server', next: undefined }
  if (r.status === 'redeemed') return { outcome: 'redeemed', next: undefined }
  if (poll.nowMs >= r.expiresAtMs) return { outcome: 'expired', next: undefined }
  const early = r.lastPolledMs !== null && poll.nowMs - r.lastPolledMs < r.intervalSeconds * 1000 - POLL_TOLERANCE_MS
  if (early) return { outcome: 'slow_down', next: { ...r, lastPolledMs: poll.nowMs, intervalSeconds: r.intervalSeconds + SLOW_DOWN_STEP_SECONDS } }
  if (r.status === 'approved') return { outcome: 'approved', next: { ...r, lastPolledMs: poll.nowMs, status: 'redeemed' } }
  if (r.status === 'denied') return { outcome: 'denied', next: { ...r, lastPolledMs: poll.nowMs } }
  return { outcome: 'pending', next: { ...r, lastPolledMs: poll.nowMs } }
}

/** The decision every store applies atomically to a user code's authorization. */
export function decideDevice(r: DeviceAuthorizationRecord, nowMs: number): DeviceDecisionOutcome['kind'] {
  if (nowMs >= r.expiresAtMs) return 'unknown'
  return r.status === 'pending' ? 'decided' : 'already_decided'
}

export const applyDecision = (r: DeviceAuthorizationRecord, decision: DeviceDecision): DeviceAuthorizationRecord =>
  decision.approve ? { ...r, status: 'approved', userId: decision.userId, authTime: decision.authTime } : { ...r, status: 'denied' }

/** A pushed authorization request (RFC 9126 §2): the validated /authorize request behind a `request_uri`. */
export interface PushedRequestRecord {
  uriHash: string
  clientId: string
  authServerId: string | null
  request: AuthorizationRequest
  expiresAtMs: number
}

export interface PushedRequestUse {
  uriHash: string
  clientId: string
  authServerId: string | null
  nowMs: number
}

/** Only `taken` consumes the request: a foreign client or server cannot spend another's request_uri. */
export type PushedRequestOutcome =
  | { kind: 'taken'; record: PushedRequestRecord }
  /** Unknown, used or expired. */
  | { kind: 'unknown' }
  | { kind: 'foreign_client' | 'foreign_server' }

export function decidePushedUse(r: PushedRequestRecord | undefined, use: PushedRequestUse): PushedRequestOutcome['kind'] {
  if (!r || use.nowMs >= r.expiresAtMs) return 'unknown'
  if (r.authServerId !== use.authServerId) return 'foreign_server'
  if (r.clientId !== use.clientId) return 'foreign_client'
  return 'taken'
}

export interface GrantRecordStore {
  /** Adds a device authorization; a user code already in use is refused (`false`), so the caller draws another. */
  createDeviceAuthorization(record: DeviceAuthorizationRecord): Promise<boolean>
  /** The live authorization a user code names (the activation page shows what it asks for). */
  findDeviceAuthorization(userCodeHash: string, nowMs: number): Promise<DeviceAuthorizationRecord | undefined>
  /** Approves or denies a pending authorization, atomically: the first answer stands. */
  decideDeviceAuthorization(userCodeHash: string, decision: DeviceDecision, nowMs: number): Promise<DeviceDecisionOutcome>
  /** One poll, decided and applied atomically (`decidePoll`). */
  pollDeviceAuthorization(poll: DevicePoll): Promise<DevicePollOutcome>

  createPushedRequest(record: PushedRequestRecord): Promise<void>
  /** Takes a pushed request for one use (`decidePushedUse`), atomically: one use wins. */
  takePushedRequest(use: PushedRequestUse): Promise<PushedRequestOutcome>
}
