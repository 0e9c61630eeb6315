/**
 * Client authentication with a signed JWT (RFC 7523 §2.2, §3): `client_secret_jwt` (HMAC with the
 * client secret) and `private_key_jwt` (a key of the client's JWKS), with Okta's rules and Okta's
 * error for each (docs/dpop.md § 3.1). The algorithm is pinned by the method before
 * any key is used, so an HMAC "signed" with a public key is never checked against that key.
 * The `jti` is spent last, once everything else passed: a refused assertion spends nothing.
 */
import type { JWK } from 'jose'
import type { Clock } from '../clock.js'
import type { ClientAuthMethod } from '../config/types.js'
import { oktaError } from '../errors/oauth-error.js'
import type { Client } from '../registry/clients.js'
import type { Store } from '../store/store.js'
import { clientTimes } from './client-times.js'
import { loadJose } from './jose-loader.js'

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
export const SECRET_JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const
export const PRIVATE_KEY_JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const
/** Okta: "exp … no more than one hour in the future". */
export const MAX_ASSERTION_LIFETIME_SECONDS = 3600
/** Okta: a secret shorter than this cannot verify an HMAC assertion. */
export const MIN_HMAC_SECRET_CHARS = 32
const MAX_ASSERTION_CHARS = 16384

export interface AssertionContext {
  store: Pick<Store, 'spendOnce'>
  clock: Clock
}

export interface PresentedAssertion {
  assertion: string
  /** `client_assertion_type`. */
  type: string | undefined
  /** `client_id` of the body, when sent alongside (openid-client does; RFC 7521 §4.2 allows it). */
  clientId: string | undefined
  /** The endpoint's URL, the `aud` Okta requires. */
  endpoint: string
  /** The issuer, also accepted as `aud` by clients with `acceptIssuerAudience`. */
  issuer: string
}

export interface AssertedClient {
  client: Client
  method: Extract<ClientAuthMethod, 'client_secret_jwt' | 'private_key_jwt'>
}

const includes = (list: readonly string[], v: unknown): v is string => typeof v === 'string' && list.includes(v)

/** Verifies a client assertion; throws Okta's `invalid_client` (and `invalid_request`) errors. */
export async function verifyClientAssertion(p: PresentedAssertion, lookUp: (id: string) => Client | undefined, ctx: AssertionContext): Promise<AssertedClient> {
  if (p.type !== JWT_BEARER) throw oktaError('client_assertion_type_invalid')
  const jose = await loadJose()
  if (p.assertion.length > MAX_ASSERTION_CHARS || p.assertion.split('.').length !== 3) throw oktaError('client_assertion_invalid_jwt')
  let header: Record<string, unknown>
  let unverified: Record<string, unknown>
  try {
    header = jose.decodeProtectedHeader(p.assertion) as Record<string, unknown>
    unverified = jose.decodeJwt(p.assertion) as Record<string, unknown>
  } catch {
    throw oktaError('client_assertion_invalid_jwt')
  }
  const iss = unverified['iss']
  const client = typeof iss === 'string' ? lookUp(iss) : undefined
  if (!client) throw oktaError('client_assertion_invalid_issuer')
  if (unverified['sub'] !== iss) throw oktaError('client_assertion_invalid_subject')
  // A body client_id naming another client than the assertion is two identities at once.
  if (p.clientId !== undefined && p.clientId !== iss) throw oktaError('invalid_client')

  const alg = header['alg']
  let method: AssertedClient['method']
  let key: Awaited<ReturnType<typeof jose.importJWK>> | Uint8Array
  if (includes(SECRET_JWT_ALGORITHMS, alg)) {
    if (client.secret === undefined) throw oktaError('client_assertion_invalid_no_secret')
    if (!client.authMethods.includes('client_secret_jwt')) throw oktaError('invalid_client')
    if (client.secret.length < MIN_HMAC_SECRET_CHARS) throw oktaError('client_assertion_invalid_secret_length')
    method = 'client_secret_jwt'
    key = new TextEncoder().encode(client.secret)
  } else if (includes(PRIVATE_KEY_JWT_ALGORITHMS, alg)) {
    if (!client.authMethods.includes('private_key_jwt')) throw oktaError('invalid_client')
    method = 'private_key_jwt'
    key = await clientKey(client, header, alg, jose)
  } else {
    throw oktaError('client_assertion_invalid_signature_algorithm')
  }
  try {
    await jose.compactVerify(p.assertion, key, { algorithms: [alg] })
  } catch {
    throw oktaError('client_assertion_invalid_signature')
  }
  // The verified payload is the very segment decodeJwt read above (a JSON object, or it threw).
  const claims = unverified

  const aud = claims['aud']
  const audiences = Array.isArray(aud) ? aud : [aud]
  const accepted = client.acceptIssuerAudience === true ? [p.endpoint, p.issuer] : [p.endpoint]
  if (!audiences.some((a) => accepted.includes(a as string))) throw oktaError('client_assertion_invalid_audience')
  const exp = claims['exp']
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw oktaError('client_assertion_expiration_required')
  const times = clientTimes(ctx.clock)
  if (times.every((t) => exp <= t)) throw oktaError('client_assertion_expired_token')
  if (times.every((t) => exp > t + MAX_ASSERTION_LIFETIME_SECONDS)) throw oktaError('client_assertion_expires_too_far_in_future')
  const iat = claims['iat']
  if (iat !== undefined && (typeof iat !== 'number' || times.every((t) => iat > t))) throw oktaError('client_assertion_issued_at_in_future')

  const jti = claims['jti']
  if (jti !== undefined) {
    if (typeof jti !== 'string' || jti.length === 0) throw oktaError('client_assertion_invalid_jwt')
    // Single use until it expires (Okta; RFC 7523 §3 item 7): remembered for as long as it could be replayed.
    const nowMs = ctx.clock.nowMs()
    const untilMs = nowMs + (Math.max(0, exp - times[0]!) + MAX_ASSERTION_LIFETIME_SECONDS) * 1000
    if (!(await ctx.store.spendOnce(`assertion:${client.id}`, jti, untilMs, nowMs))) throw oktaError('client_assertion_already_used')
  }
  return { client, method }
}

/** The client's key the assertion names (or its only key of the algorithm's type), checked for use and algorithm. */
async function clientKey(client: Client, header: Record<string, unknown>, alg: string, jose: typeof import('jose')): Promise<ImportedKey> {
  const keys = client.jwks?.keys
  if (!keys || keys.length === 0) throw oktaError('client_assertion_jwks_not_configured')
  const kid = header['kid']
  const kty = alg.startsWith('ES') ? 'EC' : 'RSA'
  let jwk: JWK | undefined
  if (kid !== undefined) jwk = keys.find((k) => k.kid === kid)
  else {
    const candidates = keys.filter((k) => k.kty === kty)
    jwk = candidates.length === 1 ? candidates[0] : undefined
  }
  if (!jwk) throw oktaError('client_assertion_invalid_kid')
  if (jwk.use !== undefined && jwk.use !== 'sig') throw oktaError('client_assertion_invalid_key_use', '[sig]')
  if (jwk.kty !== kty || (jwk.alg !== undefined && jwk.alg !== alg)) throw oktaError('client_assertion_invalid_signature_algorithm')
  return importedClientKey(jwk, alg, jose)
}

type ImportedKey = Awaited<ReturnType<typeof import('jose').importJWK>>
/**
 * A client key is imported once per algorithm and kept with the JWK object it came from, not on
 * every assertion (an import costs about as much as the verification itself, docs/bench.md
 * § private-key-jwt). The JWK's text is compared on every use, so a key changed in place is
 * imported again; a client replaced at runtime brings new objects, and the old entries go with them.
 */
const importedClientKeys = new WeakMap<JWK, { text: string; byAlg: Map<string, ImportedKey> }>()

async function importedClientKey(jwk: JWK, alg: string, jose: typeof import('jose')): Promise<ImportedKey> {
  const text = JSON.stringify(jwk)
  let entry = importedClientKeys.get(jwk)
  if (entry?.text !== text) {
    entry = { text, byAlg: new Map() }
    importedClientKeys.set(jwk, entry)
  }
  const found = entry.byAlg.get(alg)
  if (found) return found
  let key: ImportedKey
  try {
    key = await jose.importJWK(jwk, alg)
  } catch {
    throw oktaError('client_assertion_invalid_jwks')
  }
  entry.byAlg.set(alg, key)
  return key
}
