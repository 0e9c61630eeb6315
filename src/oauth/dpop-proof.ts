/**
 * DPoP proofs (RFC 9449 §4.3) verified as Okta does, each refusal with Okta's own error
 * (docs/dpop.md § 2.1). The checks run in the order a proof is read: the header, the signature
 * with the embedded key, then `htm`, `htu`, `iat`, `jti`; the nonce, `ath` and the spending of the
 * `jti` are the caller's (they depend on the endpoint), and come after every check here, so a proof
 * refused for any reason spends nothing.
 */
import type { JWK } from 'jose'
import { oktaError } from '../errors/oauth-error.js'
import { loadJose } from './jose-loader.js'
import { sha256 } from '../crypto/sha256.js'

/** What Okta accepts (its discovery's `dpop_signing_alg_values_supported`); never `none` or HMAC. */
export const DPOP_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const

/** A proof is a few hundred bytes (an RSA-4096 key makes it about 1.5 kB); anything far larger is refused unread. */
export const MAX_PROOF_CHARS = 8192
/** RFC 9449 §11.1: Okta's window, "more than five minutes in the past". */
export const PROOF_MAX_AGE_SECONDS = 300
/** A client clock slightly ahead of mockta's is not "in the future" yet. */
export const PROOF_FUTURE_SKEW_SECONDS = 60
/** How long a spent proof `jti` is remembered: past the window plus the skew, by mockta's clock. */
export const PROOF_JTI_RETENTION_MS = (PROOF_MAX_AGE_SECONDS + PROOF_FUTURE_SKEW_SECONDS) * 2 * 1000
const MAX_JTI_CHARS = 512

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

export interface ProofExpectation {
  /** The request's method. */
  htm: string
  /** The endpoint's URL, without query or fragment. */
  htu: string
  /** Client times (oauth/client-times.ts), seconds. */
  times: readonly number[]
}

export interface VerifiedProof {
  /** RFC 7638 thumbprint of the proof's key (SHA-256, base64url): what tokens are bound to. */
  jkt: string
  jti: string
  nonce: string | undefined
  ath: string | undefined
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Verifies a proof for `expect`; throws Okta's `invalid_dpop_proof` errors. */
export async function verifyDpopProof(proof: string, expect: ProofExpectation): Promise<VerifiedProof> {
  const jose = await loadJose()
  if (proof.length > MAX_PROOF_CHARS || proof.split('.').length !== 3) throw oktaError('invalid_dpop_proof_invalid_jwt')
  let header: Record<string, unknown>
  try {
    header = jose.decodeProtectedHeader(proof) as Record<string, unknown>
  } catch {
    throw oktaError('invalid_dpop_proof_invalid_jwt')
  }
  if (header['typ'] !== 'dpop+jwt') throw oktaError('invalid_dpop_proof_invalid_type')
  const alg = header['alg']
  if (typeof alg !== 'string' || !(DPOP_ALGORITHMS as readonly string[]).includes(alg)) throw oktaError('invalid_dpop_proof_invalid_signature_algorithm')
  const jwk = header['jwk']
  // RFC 9449 §4.2: the public key, never a private or symmetric one.
  if (!isObject(jwk) || (jwk['kty'] !== 'RSA' && jwk['kty'] !== 'EC') || PRIVATE_MEMBERS.some((m) => m in jwk)) throw oktaError('invalid_dpop_proof')
  const imported = await importedKey(jwk as JWK, alg, jose)
  let payloadBytes: Uint8Array
  try {
    payloadBytes = (await jose.compactVerify(proof, imported.key, { algorithms: [alg] })).payload
  } catch {
    throw oktaError('invalid_dpop_proof_invalid_signature')
  }
  let claims: unknown
  try {
    claims = JSON.parse(new TextDecoder().decode(payloadBytes))
  } catch {
    throw oktaError('invalid_dpop_proof_invalid_jwt')
  }
  if (!isObject(claims)) throw oktaError('invalid_dpop_proof_invalid_jwt')

  if (claims['htm'] !== expect.htm) throw oktaError('invalid_dpop_proof_invalid_htm')
  // RFC 9449 §4.3: compared without query and fragment (okta-auth-js may send a query on refresh).
  if (typeof claims['htu'] !== 'string' || withoutQuery(claims['htu']) !== withoutQuery(expect.htu)) throw oktaError('invalid_dpop_proof_invalid_htu')
  const iat = claims['iat']
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw oktaError('invalid_dpop_proof_invalid_iat')
  if (!expect.times.some((t) => iat <= t + PROOF_FUTURE_SKEW_SECONDS && iat >= t - PROOF_MAX_AGE_SECONDS)) {
    throw oktaError(expect.times.every((t) => iat > t + PROOF_FUTURE_SKEW_SECONDS) ? 'invalid_dpop_proof_jwt_issued_in_future' : 'invalid_dpop_proof_jwt_too_old')
  }
  const jti = claims['jti']
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_CHARS) throw oktaError('invalid_dpop_proof_invalid_jti')
  const nonce = typeof claims['nonce'] === 'string' ? claims['nonce'] : undefined
  const ath = typeof claims['ath'] === 'string' ? claims['ath'] : undefined
  return { jkt: imported.jkt, jti, nonce, ath }
}

type Imported = { key: Awaited<ReturnType<typeof import('jose').importJWK>>; jkt: string }

/** Imported proof keys by algorithm and key: a client proves with one key for a whole session (docs/bench.md). */
const importedKeys = new Map<string, Imported>()
const IMPORTED_KEYS_CAPACITY = 256

async function importedKey(jwk: JWK, alg: string, jose: typeof import('jose')): Promise<Imported> {
  // RFC 7638's members only, in its order: the same key however the client orders or decorates it.
  const id = `${alg} ${JSON.stringify([jwk.kty, jwk.crv, jwk.x, jwk.y, jwk.e, jwk.n])}`
  const found = importedKeys.get(id)
  if (found) return found
  let imported: Imported
  try {
    imported = { key: await jose.importJWK(jwk, alg), jkt: await jose.calculateJwkThumbprint(jwk, 'sha256') }
  } catch {
    // A key that does not fit the algorithm (an EC key with RS256, a P-384 key with ES256).
    throw oktaError('invalid_dpop_proof_invalid_signature_algorithm')
  }
  importedKeys.set(id, imported)
  if (importedKeys.size > IMPORTED_KEYS_CAPACITY) importedKeys.delete(importedKeys.keys().next().value as string)
  return imported
}

/** `origin + pathname`: scheme and host case and default ports normalised by URL; undefined when unparsable. */
function withoutQuery(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined
  const u = new URL(url)
  return `${u.origin}${u.pathname}`
}

/** RFC 9449 §4.2: `ath`, base64url of the access token's SHA-256. */
export const accessTokenHash = (accessToken: string): string => sha256(accessToken, 'base64url')

/**
 * The DPoP header of a request as one value: absent, one proof, or more than one (two headers, which
 * Node joins with a comma, or a list in one). `raw` is the header as Node parsed it.
 */
export function singleProof(raw: string | string[] | undefined, count: number): string | undefined {
  if (raw === undefined && count === 0) return undefined
  const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '')
  if (count > 1 || value.includes(',')) throw oktaError('invalid_dpop_proof_multiple_headers_not_allowed')
  const proof = value.trim()
  if (proof === '') throw oktaError('invalid_dpop_proof_missing_header')
  return proof
}
