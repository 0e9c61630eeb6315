/** Signs and verifies mockta's JWTs (RS256, `kid`, no `typ`, as Okta's tokens: wire spec §5.1). */
import { sign, verify, type KeyObject } from 'node:crypto'
import type { JWTPayload } from 'jose'
import type { SigningKey } from '../keys/key-set.js'
import type { AuthServer } from '../registry/auth-servers.js'

/**
 * The encoded protected header of each key, serialised once. Keyed by the key object, so a key that
 * appears at runtime (rotation) gets its header on first use. Same bytes as jose's
 * `setProtectedHeader({ kid, alg: 'RS256' })`.
 */
const encodedHeaders = new WeakMap<SigningKey, string>()

function encodedHeader(key: SigningKey): string {
  let header = encodedHeaders.get(key)
  if (!header) {
    header = `${Buffer.from(JSON.stringify({ kid: key.kid, alg: 'RS256' })).toString('base64url')}.`
    encodedHeaders.set(key, header)
  }
  return header
}

/**
 * RFC 7515 compact serialisation, RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3). The RSA
 * operation runs on libuv's thread pool (node:crypto `sign` with a callback), so every core signs while
 * the main thread keeps serving requests; the key was imported once, at start-up (KeySet).
 * iat/exp are already in the claims as numbers: nothing here reads the wall clock.
 */
export function signJwt(claims: Record<string, unknown>, key: SigningKey): Promise<string> {
  // The signing input is base64url text, so one byte per character.
  const input = encodedHeader(key) + Buffer.from(JSON.stringify(claims)).toString('base64url')
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(input, 'latin1'), key.privateKey, (err, signature) => {
      if (err) reject(err)
      else resolve(`${input}.${signature.toString('base64url')}`)
    })
  })
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** A base64url segment holding a top-level JSON object (RFC 7515 §7.1, RFC 7519 §7.2), else undefined. */
function jsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(strictUtf8.decode(Buffer.from(segment, 'base64url')))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function verifySignature(input: Buffer, publicKey: KeyObject, signature: Buffer): boolean {
  try {
    return verify('sha256', input, publicKey, signature)
  } catch {
    return false
  }
}

/**
 * Verifies a token against one of our servers' keys only (never keys named by the token), with RS256
 * pinned, the issuer fixed and no clock tolerance: the checks jose's `jwtVerify(token, key,
 * { algorithms: ['RS256'], issuer, currentDate })` makes (test/unit/token-signer.test.ts compares the
 * two on forged and broken tokens). The RSA verification (public exponent, ~20 µs) runs inline:
 * through jose it goes via WebCrypto to the thread pool, and that hop cost more than the check itself
 * (issue 7, introspection throughput). Anything wrong is `undefined`.
 */
export async function verifyJwt(token: string, server: AuthServer, nowSeconds: number): Promise<JWTPayload | undefined> {
  // Node's base64url decoding skips junk, so a valid token plus a trailing newline would verify; only
  // the exact compact form (RFC 7515 §7.1) is a token (reliability bar #104).
  if (!COMPACT_JWS.test(token)) return undefined
  const [encodedHeader, encodedPayload, encodedSignature] = token.split('.') as [string, string, string]
  const header = jsonObject(encodedHeader)
  // RFC 7515 §4.1.11: mockta never sets `crit`, so a token that does is not one of ours.
  if (!header || header['alg'] !== 'RS256' || typeof header['kid'] !== 'string' || 'crit' in header) return undefined
  const key = server.verificationKeys.get(header['kid'])
  if (!key) return undefined
  const signingInput = Buffer.from(`${encodedHeader}.${encodedPayload}`, 'latin1')
  if (!verifySignature(signingInput, key.publicKey, Buffer.from(encodedSignature, 'base64url'))) return undefined
  const payload = jsonObject(encodedPayload)
  if (!payload || payload['iss'] !== server.issuer) return undefined
  // RFC 7519 §4.1.4, §4.1.5, §4.1.6: NumericDates when present; expired at `exp` itself.
  for (const claim of ['iat', 'nbf', 'exp']) if (payload[claim] !== undefined && typeof payload[claim] !== 'number') return undefined
  if (typeof payload['nbf'] === 'number' && payload['nbf'] > nowSeconds) return undefined
  if (typeof payload['exp'] === 'number' && payload['exp'] <= nowSeconds) return undefined
  return payload as JWTPayload
}

/** The unverified `iss` of a JWT-shaped string, to pick the server whose keys to try. */
export function unverifiedIssuer(token: string): string | undefined {
  const payload = token.split('.')[1]
  if (payload === undefined || payload.length > 16384) return undefined
  try {
    const iss: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))?.iss
    return typeof iss === 'string' ? iss : undefined
  } catch {
    return undefined
  }
}
