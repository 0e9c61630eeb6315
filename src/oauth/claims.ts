/** Pure builders for Okta-shaped token claims (docs/okta-behaviour.md § 5.1, 5.2). */
import type { ClaimConfig } from '../config/types.js'
import type { AuthServer } from '../registry/auth-servers.js'
import type { Client } from '../registry/clients.js'
import type { User } from '../registry/users.js'
import { sha256Bytes } from '../crypto/sha256.js'

export interface GrantSubject {
  server: AuthServer
  client: Client
  /** Absent for client_credentials. */
  user: User | undefined
  scopes: readonly string[]
  /** Seconds. */
  authTime: number
  /** Authentication methods used (RFC 8176); a password sign-in when absent. */
  amr?: readonly string[]
}

// OIDC Core §5.4: the claims each standard scope releases.
const scopeClaims: Record<string, readonly string[]> = {
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
}

export function accessTokenClaims(s: GrantSubject, jti: string, now: number): Record<string, unknown> {
  const { server, client, user } = s
  // Claim order as Okta emits it; `sub` is the login for user tokens, the client id otherwise.
  const claims: Record<string, unknown> = {
    ver: 1,
    jti,
    iss: server.issuer,
    aud: server.audience,
    iat: now,
    exp: now + server.accessTokenLifetimeSeconds,
    cid: client.id,
  }
  if (user) claims['uid'] = user.id
  claims['scp'] = [...s.scopes]
  if (user) claims['auth_time'] = s.authTime
  claims['sub'] = user ? user.login : client.id
  return Object.assign(claims, customClaims(server.claims, 'access_token', s))
}

export interface IdTokenExtras {
  accessToken?: string
  nonce?: string
  /** The authorization code returned with the ID token (hybrid flow): adds `c_hash`. */
  code?: string
}

export function idTokenClaims(s: GrantSubject & { user: User }, jti: string, now: number, idp: string, extras: IdTokenExtras): Record<string, unknown> {
  const { server, client, user } = s
  const claims: Record<string, unknown> = { sub: user.id, ...profileClaims(user, s.scopes) }
  Object.assign(claims, {
    ver: 1,
    iss: server.issuer,
    aud: client.id,
    iat: now,
    exp: now + server.idTokenLifetimeSeconds,
    jti,
    amr: [...(s.amr ?? ['pwd'])],
    idp,
  })
  if (extras.nonce !== undefined) claims['nonce'] = extras.nonce
  claims['auth_time'] = s.authTime
  if (extras.accessToken !== undefined) claims['at_hash'] = leftHalfHash(extras.accessToken)
  // OIDC Core §3.3.2.11: c_hash, computed like at_hash, binds a hybrid flow's code.
  if (extras.code !== undefined) claims['c_hash'] = leftHalfHash(extras.code)
  return Object.assign(claims, customClaims(server.claims, 'id_token', s))
}

/** OIDC Core §5.4: the profile claims the granted scopes release. */
function profileClaims(user: User, scopes: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {}
  for (const scope of scopes) {
    for (const name of scopeClaims[scope] ?? []) {
      const value = name === 'preferred_username' ? (user.profile[name] ?? user.login) : user.profile[name]
      if (value !== undefined) claims[name] = value
    }
  }
  return claims
}

/** OIDC Core §5.3.2: `sub` (the user id, as in the ID token) and the claims of the granted scopes. */
export function userinfoClaims(s: GrantSubject & { user: User }): Record<string, unknown> {
  return { sub: s.user.id, ...profileClaims(s.user, s.scopes), ...customClaims(s.server.claims, 'id_token', s) }
}

/** OIDC Core §3.1.3.6: base64url of the left half of the SHA-256 of the access token (RS256). */
export function leftHalfHash(value: string): string {
  return sha256Bytes(value).subarray(0, 16).toString('base64url')
}

function customClaims(claims: readonly ClaimConfig[], token: 'access_token' | 'id_token', s: GrantSubject): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const c of claims) {
    if (!c.tokens.includes(token)) continue
    if (c.scopes.length > 0 && !c.scopes.some((scope) => s.scopes.includes(scope))) continue
    const value = c.userAttribute !== undefined ? userAttribute(s.user, c.userAttribute) : c.value
    if (value !== undefined) out[c.name] = value
  }
  return out
}

function userAttribute(user: User | undefined, path: string): unknown {
  let value: unknown = user
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return value
}
