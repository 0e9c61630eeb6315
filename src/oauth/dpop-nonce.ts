/**
 * The authorization server's DPoP nonce (RFC 9449 §8), as Okta runs it: one value per server,
 * renewed every 24 hours, an old value still accepted for three days (docs/dpop.md § 2.2).
 *
 * Nothing is stored per nonce: a nonce is its period (mockta's clock, plus the hand rotations the
 * store counts so replicas agree) and an HMAC of it under the store's token secret, so every replica
 * derives and accepts the same values, and a nonce of another server or another mockta is refused.
 */
import { hmacSha256 } from '../crypto/hmac.js'
import { safeEqual } from '../crypto/safe-equal.js'

export const NONCE_PERIOD_MS = 24 * 3600 * 1000
/** Periods before the current one whose nonce is still accepted: Okta's three days. */
export const NONCE_OVERLAP_PERIODS = 3

const NONCE = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/

const periodOf = (nowMs: number, rotations: number): number => Math.floor(nowMs / NONCE_PERIOD_MS) + rotations

const mac = (secret: Buffer, issuer: string, period: number): string => hmacSha256(secret).update(`dpop-nonce\0${issuer}\0${period}`).digest('base64url').slice(0, 22)

/** The nonce `issuer` hands out now. */
export function currentNonce(secret: Buffer, issuer: string, nowMs: number, rotations: number): string {
  const period = periodOf(nowMs, rotations)
  return `${period.toString(36)}.${mac(secret, issuer, period)}`
}

/** Whether `nonce` is this server's, of the current period or one of the overlapping ones before it. */
export function isNonceAccepted(nonce: string, secret: Buffer, issuer: string, nowMs: number, rotations: number): boolean {
  const m = NONCE.exec(nonce)
  if (!m) return false
  const period = parseInt(m[1]!, 36)
  const current = periodOf(nowMs, rotations)
  if (period > current || period < current - NONCE_OVERLAP_PERIODS) return false
  return safeEqual(m[2]!, mac(secret, issuer, period))
}
