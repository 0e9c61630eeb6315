/** Signs and verifies mockta's JWTs (RS256, `kid`, no `typ`, as Okta's tokens: docs/okta-behaviour.md § 5.1). */
import { sign } from 'node:crypto'
import type { JWTPayload } from 'jose'
import type { SigningKey } from '../keys/key-set.js'
import type { AuthServer } from '../registry/auth-servers.js'
import { loadJose } from './jose-loader.js'
import { rememberedPayload, rememberVerified } from './verified-tokens.js'

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

/**
 * Verifies a token against one of our servers' keys only (never keys named by the token), with RS256
 * pinned, the issuer fixed and no clock tolerance. Anything wrong, whatever jose throws, is `undefined`.
 * Unlike signing (our own claims, our own key), this parses untrusted input, so it stays with jose:
 * its header, `crit`, `b64` and claim checks are what a library is for.
 */
export async function verifyJwt(token: string, server: AuthServer, nowSeconds: number): Promise<JWTPayload | undefined> {
  // jose's base64url decoding skips whitespace (atob), so a valid token plus a trailing newline would
  // verify; only the exact compact form (RFC 7515 §7.1) is a token (docs/reliability.md § #104).
  if (!COMPACT_JWS.test(token)) return undefined
  // The same bytes, verified before with a key the server still verifies with (verified-tokens.ts).
  const remembered = rememberedPayload(token, server.verificationKeys, server.issuer, nowSeconds)
  if (remembered !== undefined) return remembered ?? undefined
  const { decodeProtectedHeader, jwtVerify } = await loadJose()
  try {
    const { kid } = decodeProtectedHeader(token)
    const key = typeof kid === 'string' ? server.verificationKeys.get(kid) : undefined
    if (!key) return undefined
    const { payload } = await jwtVerify(token, key.publicKey, {
      algorithms: ['RS256'],
      issuer: server.issuer,
      currentDate: new Date(nowSeconds * 1000),
    })
    if (!numericDatesValid(payload)) return undefined
    return rememberVerified(token, key, server.issuer, payload)
  } catch {
    return undefined
  }
}

/** The NumericDate claims (RFC 7519 §4.1.4-6, OIDC Core §2 auth_time) a token of ours may carry. */
const NUMERIC_DATES = ['exp', 'iat', 'nbf', 'auth_time'] as const

/**
 * Each NumericDate present must be a whole number of seconds. jose accepts any JSON number, so
 * `1e400` (Infinity) would pass its `exp` check for ever, and introspection must answer integers
 * (RFC 7662 §2.2); mockta signs only integers, so anything else was not made by it as it stands.
 */
function numericDatesValid(payload: JWTPayload): boolean {
  return NUMERIC_DATES.every((claim) => payload[claim] === undefined || Number.isSafeInteger(payload[claim]))
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
