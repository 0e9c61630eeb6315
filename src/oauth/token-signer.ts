/** Signs and verifies mockta's JWTs (RS256, `kid`, no `typ`, as Okta's tokens: wire spec §5.1). */
import { SignJWT, jwtVerify, decodeProtectedHeader, type JWTPayload } from 'jose'
import type { SigningKey } from '../keys/key-set.js'
import type { AuthServer } from '../registry/auth-servers.js'

export function signJwt(claims: Record<string, unknown>, key: SigningKey): Promise<string> {
  // iat/exp are already in the claims as numbers: jose would read the wall clock for `setIssuedAt()`.
  return new SignJWT(claims).setProtectedHeader({ kid: key.kid, alg: 'RS256' }).sign(key.privateKey)
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/**
 * Verifies a token against one of our servers' keys only (never keys named by the token), with RS256
 * pinned, the issuer fixed and no clock tolerance. Anything wrong, whatever jose throws, is `undefined`.
 */
export async function verifyJwt(token: string, server: AuthServer, nowSeconds: number): Promise<JWTPayload | undefined> {
  // jose's base64url decoding skips whitespace (atob), so a valid token plus a trailing newline would
  // verify; only the exact compact form (RFC 7515 §7.1) is a token (reliability bar #104).
  if (!COMPACT_JWS.test(token)) return undefined
  try {
    const { kid } = decodeProtectedHeader(token)
    const key = typeof kid === 'string' ? server.verificationKeys.get(kid) : undefined
    if (!key) return undefined
    const { payload } = await jwtVerify(token, key.publicKey, {
      algorithms: ['RS256'],
      issuer: server.issuer,
      currentDate: new Date(nowSeconds * 1000),
    })
    return payload
  } catch {
    return undefined
  }
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
