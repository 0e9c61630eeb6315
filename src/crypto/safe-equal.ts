/** Constant-time comparison for secrets, verifiers and passwords. */
import { timingSafeEqual } from 'node:crypto'
import { sha256Bytes } from './sha256.js'

/**
 * Compares SHA-256 digests of both values, so unequal lengths neither throw nor leak through timing
 * (crypto.timingSafeEqual throws on unequal lengths). Non-strings are never equal.
 *
 * The digests need no key: `timingSafeEqual` compares all 32 bytes whatever they hold, so nothing an
 * attacker learns from the time depends on where the digests differ. A keyed HMAC (the "double HMAC"
 * pattern) guards a comparison that stops early, which this one is not. Digesting both sides costs a
 * third of two HMACs, and every secret-authenticated request makes this comparison
 * (docs/bench.md, "What makes mockta fast").
 */
export function safeEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false
  return timingSafeEqual(sha256Bytes(a), sha256Bytes(b))
}
