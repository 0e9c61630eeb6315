/**
 * Tokens whose signature jose has already verified, by exact token string: a bounded LRU, so a
 * resource server introspecting the same access token on every call pays for one RSA verification
 * (and jose's parsing of it) once (docs/bench.md).
 *
 * Only what cannot change for the same bytes is remembered: the signature was valid for this key
 * object, and the claims passed jose's static checks (types, `iss`) for this issuer. A hit therefore
 * requires the same key still to be one the server verifies with (a retired or replaced key misses)
 * and the same issuer; the time checks jose makes (`nbf`, `exp`, no tolerance) are made again on
 * every hit, against the time asked for. Revocation, the boot epoch and everything else about the
 * token are checked by the callers on every request, as before.
 */
import type { JWTPayload } from 'jose'
import type { SigningKey } from '../keys/key-set.js'

interface Verified {
  key: SigningKey
  issuer: string
  payload: Readonly<JWTPayload>
}

/** Enough for the live tokens of a busy test run; at most about 2 MB of token text and claims. */
const CAPACITY = 1024

const verified = new Map<string, Verified>()

/**
 * The remembered payload, or `undefined` when the token must go through jose (not remembered, or its
 * key or issuer is no longer the one it was verified against). `null`: remembered, but not valid at
 * `nowSeconds`, exactly as jose's `nbf`/`exp` checks would decide.
 */
export function rememberedPayload(token: string, keys: ReadonlyMap<string, SigningKey>, issuer: string, nowSeconds: number): Readonly<JWTPayload> | null | undefined {
  const entry = verified.get(token)
  if (entry === undefined || entry.issuer !== issuer || keys.get(entry.key.kid) !== entry.key) return undefined
  // jose's `now`: whole seconds of `currentDate` (jwt_claims_set.js `epoch`); an invalid date is its error path.
  const now = Math.floor(new Date(nowSeconds * 1000).getTime() / 1000)
  if (!Number.isFinite(now)) return undefined
  // Most recently used last, so the oldest unused entry is the one evicted.
  verified.delete(token)
  verified.set(token, entry)
  const { nbf, exp } = entry.payload
  if (typeof nbf === 'number' && nbf > now) return null
  if (typeof exp === 'number' && exp <= now) return null
  return entry.payload
}

/** Remembers a token jose has just verified with `key` for `issuer`; the payload is frozen, as it is shared. */
export function rememberVerified(token: string, key: SigningKey, issuer: string, payload: JWTPayload): Readonly<JWTPayload> {
  const frozen = deepFreeze(payload)
  verified.delete(token)
  verified.set(token, { key, issuer, payload: frozen })
  if (verified.size > CAPACITY) verified.delete(verified.keys().next().value as string)
  return frozen
}

/** Forgets every remembered token (tests). */
export function forgetVerified(): void {
  verified.clear()
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const member of Object.values(value)) deepFreeze(member)
  }
  return value
}
