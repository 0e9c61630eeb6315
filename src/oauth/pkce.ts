/** PKCE (RFC 7636), S256 only as at Okta (docs/okta-behaviour.md § 2.3). */
import { safeEqual } from '../crypto/safe-equal.js'
import { sha256 } from '../crypto/sha256.js'

export const PKCE_METHODS = ['S256'] as const

/** A S256 challenge is BASE64URL(SHA-256(verifier)): exactly 43 base64url characters (RFC 7636 §4.2). */
export const isS256Challenge = (challenge: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(challenge)

/** RFC 7636 §4.1: a verifier is 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/

/** RFC 7636 §4.6: the server hashes the verifier and compares it with the stored challenge. */
export function verifyPkce(verifier: string, challenge: string): boolean {
  if (!VERIFIER.test(verifier)) return false
  return safeEqual(sha256(verifier, 'base64url'), challenge)
}
