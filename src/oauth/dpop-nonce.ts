/**
 * The authorization server's DPoP nonce (RFC 9449 §8), as Okta runs it: one value per server,
 * renewed every 24 hours, an old value still accepted for three days (docs/dpop.md § 2.2).
 *
 * Nothing is stored per nonce: a nonce is its period (mockta's clock, plus the hand rotations the
 * store counts so replicas agree) and an HMAC of it under the store's token secret, so every replica
 * derives and accepts the same values, and a nonce of another server or another mockta is refused.
 */
import { timingSafeEqual } from 'node:crypto'
import { hmacSha256 } from '../crypto/hmac.js'

export const NONCE_PERIOD_MS = 24 * 3600 * 1000
/** Periods before the current one whose nonce is still accepted: Okta's three days. */
export const NONCE_OVERLAP_PERIODS = 3

const NONCE = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/

const periodOf = (nowMs: number, rotations: number): number => Math.floor(nowMs / NONCE_PERIOD_MS) + rotations

/**
 * Each period's MAC, made once per secret, issuer and period: a nonce lasts a day, and every DPoP
 * token request otherwise made two MACs for it (docs/bench.md, "What makes mockta fast"). Bounded:
 * a server's periods move on once a day, or at a hand rotation.
 */
const macs = new WeakMap<Buffer, Map<string, string>>()
const MACS_PER_SECRET = 256

function mac(secret: Buffer, issuer: string, period: number): string {
  let known = macs.get(secret)
  if (!known) macs.set(secret, (known = new Map()))
  const id = `${issuer}\0${period}`
  let value = known.get(id)
  if (value === undefined) {
    value = hmacSha256(secret).update(`dpop-nonce\0${id}`).digest('base64url').slice(0, 22)
    if (known.size >= MACS_PER_SECRET) known.delete(known.keys().next().value as string)
    known.set(id, value)
  }
  return value
}

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
  // Both 22 base64url characters (the pattern above): compared in constant time without hashing.
  return timingSafeEqual(Buffer.from(m[2]!), Buffer.from(mac(secret, issuer, period)))
}
