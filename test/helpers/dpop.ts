/**
 * DPoP proofs (RFC 9449) and client assertions (RFC 7523) built with jose, plus the clients that need
 * them, for route, catalogue, fuzz and race tests. Every builder takes the app's time, so proofs are
 * made on mockta's clock unless a test says otherwise.
 */
import { randomUUID } from 'node:crypto'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { ClientConfig, Config } from '../../src/config/types.js'
import { BASE_URL, DEFAULT_AS, FORM, form } from './app.js'

export interface ProofKey {
  privateKey: CryptoKey
  publicJwk: JWK
  jkt: string
  alg: string
}

export async function proofKey(alg: 'ES256' | 'RS256' | 'ES384' | 'PS256' = 'ES256'): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const publicJwk = await exportJWK(publicKey)
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk), alg }
}

export const TOKEN_URL = `${BASE_URL}${DEFAULT_AS}/token`
export const ORG_TOKEN_URL = `${BASE_URL}/oauth2/v1/token`
export const USERINFO_URL = `${BASE_URL}${DEFAULT_AS}/userinfo`
export const ISSUER = `${BASE_URL}/oauth2/default`

export interface ProofOptions {
  htm?: string
  htu?: string
  /** Seconds. */
  iat?: number
  jti?: string
  nonce?: string
  ath?: string
  typ?: string
  /** Header members to set or override (`jwk`, `alg`). */
  header?: Record<string, unknown>
  /** Claims to drop. */
  omit?: string[]
}

/** A DPoP proof for `POST {token endpoint}` unless told otherwise; `now` in seconds (the app's clock). */
export async function dpopProof(key: ProofKey, now: number, options: ProofOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = { htm: options.htm ?? 'POST', htu: options.htu ?? TOKEN_URL, iat: options.iat ?? now, jti: options.jti ?? randomUUID() }
  if (options.nonce !== undefined) claims['nonce'] = options.nonce
  if (options.ath !== undefined) claims['ath'] = options.ath
  for (const name of options.omit ?? []) delete claims[name]
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, typ: options.typ ?? 'dpop+jwt', jwk: key.publicJwk, ...options.header } as never).sign(key.privateKey)
}

/** An unsigned JWT with these parts (for `alg: none` and malformed proofs or assertions). */
export const unsignedJwt = (header: Record<string, unknown>, claims: Record<string, unknown>, signature = ''): string =>
  `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`

export interface AssertionOptions {
  aud?: unknown
  iss?: string
  sub?: string
  /** Seconds. */
  exp?: number | null
  iat?: number
  jti?: string | null
  kid?: string | null
  alg?: string
}

/** A private_key_jwt assertion for `clientId` (RFC 7523 §3), aud the token endpoint, exp in five minutes. */
export async function keyAssertion(key: ProofKey, kid: string, clientId: string, now: number, options: AssertionOptions = {}): Promise<string> {
  return signAssertion(key.privateKey, options.alg ?? key.alg, options.kid === null ? undefined : (options.kid ?? kid), clientId, now, options)
}

/** A client_secret_jwt assertion signed with the secret (HS256 unless told). */
export async function secretAssertion(secret: string, clientId: string, now: number, options: AssertionOptions = {}): Promise<string> {
  return signAssertion(new TextEncoder().encode(secret), options.alg ?? 'HS256', undefined, clientId, now, options)
}

async function signAssertion(key: CryptoKey | Uint8Array, alg: string, kid: string | undefined, clientId: string, now: number, o: AssertionOptions): Promise<string> {
  const claims: Record<string, unknown> = { iss: o.iss ?? clientId, sub: o.sub ?? clientId, aud: o.aud ?? TOKEN_URL, iat: o.iat ?? now }
  if (o.exp !== null) claims['exp'] = o.exp ?? now + 300
  if (o.jti !== null) claims['jti'] = o.jti ?? randomUUID()
  return new SignJWT(claims).setProtectedHeader({ alg, ...(kid !== undefined && { kid }) }).sign(key)
}

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
export const HMAC_SECRET = 'hmac-service-secret-that-is-long-enough-0123'
export const ASSERTION_KID = 'service-key-1'

/** The test clients of DPoP and JWT authentication, added to a configuration. */
export interface DpopClients {
  /** The private_key_jwt service's key (kid ASSERTION_KID), also usable as a DPoP key. */
  serviceKey: ProofKey
}

export async function dpopClientKeys(): Promise<DpopClients> {
  return { serviceKey: await proofKey('RS256') }
}

const base = (c: Partial<ClientConfig> & Pick<ClientConfig, 'id' | 'type'>): ClientConfig => ({
  name: c.id,
  authMethods: ['none'],
  grantTypes: ['authorization_code', 'refresh_token'],
  redirectUris: [],
  postLogoutRedirectUris: [],
  scopes: [],
  pkceRequired: true,
  refreshToken: { rotation: 'rotate', graceSeconds: 30 },
  ...c,
})

/**
 * `dpop-native` (public, password and refresh, requires DPoP), `dpop-web` (confidential, requires
 * DPoP), `jwt-service` (private_key_jwt, on the custom and the org server), `hmac-service`
 * (client_secret_jwt), `short-hmac` (a secret too short for HMAC), `nokeys-service` (private_key_jwt
 * without keys), `badkeys-service` (a key that cannot be imported, `broken`, and an encryption key, `enc-key`).
 */
export function addDpopClients(config: Config, keys: DpopClients): void {
  const jwk = { ...keys.serviceKey.publicJwk, kid: ASSERTION_KID, use: 'sig', alg: 'RS256' }
  config.clients.push(
    base({
      id: 'dpop-native',
      type: 'native',
      grantTypes: ['password', 'refresh_token', 'authorization_code'],
      redirectUris: ['com.example.dpop:/callback'],
      dpopBoundAccessTokens: true,
    }),
    base({
      id: 'dpop-web',
      type: 'web',
      secret: 'dpop-web-secret',
      authMethods: ['client_secret_basic'],
      grantTypes: ['password', 'refresh_token'],
      pkceRequired: false,
      dpopBoundAccessTokens: true,
    }),
    base({ id: 'jwt-service', type: 'service', authMethods: ['private_key_jwt'], grantTypes: ['client_credentials'], pkceRequired: false, jwks: { keys: [jwk] } }),
    base({ id: 'hmac-service', type: 'service', secret: HMAC_SECRET, authMethods: ['client_secret_jwt'], grantTypes: ['client_credentials'], pkceRequired: false }),
    base({ id: 'short-hmac', type: 'service', secret: 'too-short', authMethods: ['client_secret_jwt'], grantTypes: ['client_credentials'], pkceRequired: false }),
    base({ id: 'nokeys-service', type: 'service', authMethods: ['private_key_jwt'], grantTypes: ['client_credentials'], pkceRequired: false }),
    base({
      id: 'badkeys-service',
      type: 'service',
      authMethods: ['private_key_jwt'],
      grantTypes: ['client_credentials'],
      pkceRequired: false,
      jwks: {
        keys: [
          { kty: 'RSA', kid: 'broken', e: 'AQAB' },
          { ...keys.serviceKey.publicJwk, kid: 'enc-key', use: 'enc' },
        ],
      },
    }),
  )
}

/** POST to an endpoint (default server unless `path` says) with a form and extra headers. */
export function postWith(app: FastifyInstance, endpoint: string, params: Record<string, string>, headers: Record<string, string | string[]> = {}): Promise<LightMyRequestResponse> {
  const url = endpoint.startsWith('/') ? endpoint : `${DEFAULT_AS}/${endpoint}`
  return app.inject({ method: 'POST', url, headers: { ...FORM, ...headers }, payload: form(params) })
}

/** The password grant for `dpop-native`, through the nonce dance: proof, use_dpop_nonce, proof with the nonce. */
export async function dpopSignIn(
  app: FastifyInstance,
  key: ProofKey,
  now: number,
  scope = 'openid profile offline_access',
): Promise<{ body: Record<string, unknown>; nonce: string }> {
  const params = { grant_type: 'password', client_id: 'dpop-native', username: 'alice@example.com', password: 'alice-password', scope }
  const first = await postWith(app, 'token', params, { dpop: await dpopProof(key, now) })
  const nonce = first.headers['dpop-nonce'] as string
  const res = await postWith(app, 'token', params, { dpop: await dpopProof(key, now, { nonce }) })
  if (res.statusCode !== 200) throw new Error(`DPoP sign-in failed: ${res.statusCode} ${res.body}`)
  return { body: res.json(), nonce }
}
