/**
 * Refresh-token values (docs/refresh-tokens.md, "Token form"). A token names its family and generation
 * under a MAC keyed with the store's token secret, in 32 bytes (43 base64url characters, the length
 * of Okta's):
 *
 *   family id (13 bytes: the 17 base62 characters after `oar`) · generation (4 bytes) · MAC (15 bytes)
 *
 * So the store keeps no hash per token: it recognises every generation a family ever had from the
 * family's current generation alone, and a family costs the same after a million rotations as after
 * one. The token of generation n+1 is the successor of generation n, so a replay within the grace
 * period gets the same successor back on any replica and after a restart. Without the secret no token
 * can be made or changed (120-bit MAC); the family id alone (it is in access-token `jti`s) is no help.
 */
import { timingSafeEqual } from 'node:crypto'
import { hmacSha256 } from '../crypto/hmac.js'

/** What a refresh token says, once its MAC is checked. */
export interface RefreshTokenRef {
  familyId: string
  generation: number
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
const DIGITS = new Map([...ALPHABET].map((c, i) => [c, BigInt(i)]))
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const BASE = 62n
const ID_CHARS = 17
const ID_BYTES = 13
const MAC_BYTES = 15
const TOKEN_BYTES = ID_BYTES + 4 + MAC_BYTES
const ID_LIMIT = BASE ** BigInt(ID_CHARS)
/** Separates these MACs from every other use of the token secret (the secret is shared with nothing else, but cheaply). */
const DOMAIN = Buffer.from('mockta refresh token v2\0')

/** Refresh tokens are 43 base64url characters; anything else cannot be one (cheap early reject). */
export const looksLikeRefreshToken = (token: string): boolean => token.length === 43 && /^[A-Za-z0-9_-]+$/.test(token)

function idBytes(familyId: string): Buffer {
  if (familyId.length !== 3 + ID_CHARS || !familyId.startsWith('oar')) throw new Error(`not a family id: ${familyId}`)
  let n = 0n
  for (const c of familyId.slice(3)) {
    const digit = DIGITS.get(c)
    if (digit === undefined) throw new Error(`not a family id: ${familyId}`)
    n = n * BASE + digit
  }
  const out = Buffer.alloc(ID_BYTES)
  for (let i = ID_BYTES - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn)
    n >>= 8n
  }
  return out
}

function idOf(bytes: Buffer): string | undefined {
  let n = 0n
  for (const b of bytes) n = (n << 8n) | BigInt(b)
  if (n >= ID_LIMIT) return undefined
  const chars = new Array<string>(ID_CHARS)
  for (let i = ID_CHARS - 1; i >= 0; i--) {
    chars[i] = ALPHABET[Number(n % BASE)]!
    n /= BASE
  }
  return `oar${chars.join('')}`
}

const mac = (body: Buffer, secret: Buffer): Buffer => hmacSha256(secret).update(DOMAIN).update(body).digest().subarray(0, MAC_BYTES)

/** The token of a family's generation; the same for the same secret, family and generation. */
export function refreshTokenFor(ref: RefreshTokenRef, secret: Buffer): string {
  if (!Number.isInteger(ref.generation) || ref.generation < 0 || ref.generation > 0xffffffff) throw new Error(`generation out of range: ${ref.generation}`)
  const token = Buffer.alloc(TOKEN_BYTES)
  idBytes(ref.familyId).copy(token, 0)
  token.writeUInt32BE(ref.generation, ID_BYTES)
  mac(token.subarray(0, ID_BYTES + 4), secret).copy(token, ID_BYTES + 4)
  return token.toString('base64url')
}

/** The family and generation a token names, or undefined when it is not one of this store's tokens. */
export function readRefreshToken(token: string, secret: Buffer): RefreshTokenRef | undefined {
  if (!looksLikeRefreshToken(token) || secret.length === 0) return undefined
  // Only the canonical spelling: 43 characters carry 258 bits, and the last character's 2 unused bits must be zero.
  if ((BASE64URL.indexOf(token.charAt(42)) & 3) !== 0) return undefined
  const bytes = Buffer.from(token, 'base64url')
  if (bytes.length !== TOKEN_BYTES) return undefined
  const body = bytes.subarray(0, ID_BYTES + 4)
  if (!timingSafeEqual(mac(body, secret), bytes.subarray(ID_BYTES + 4))) return undefined
  const familyId = idOf(bytes.subarray(0, ID_BYTES))
  return familyId === undefined ? undefined : { familyId, generation: bytes.readUInt32BE(ID_BYTES) }
}
