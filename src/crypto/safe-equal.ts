/** Constant-time comparison for secrets, verifiers and passwords. */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { hmacSha256 } from './hmac.js'

const key = randomBytes(32)

/**
 * Compares HMACs of both values, so unequal lengths neither throw nor leak through timing
 * (crypto.timingSafeEqual throws on unequal lengths). Non-strings are never equal.
 */
export function safeEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false
  const ha = hmacSha256(key).update(a).digest()
  const hb = hmacSha256(key).update(b).digest()
  return timingSafeEqual(ha, hb)
}
