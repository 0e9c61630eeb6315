/** What a /token answer must look like on the wire: cache headers, Okta's error bodies, decoded tokens. */
import { createHash } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose'
import { assertOktaError, type Asserts } from './oauth-assert.js'

/** The success body (Okta's OpenAPI `TokenResponse`), in Okta's member order (docs/okta-behaviour.md § 2.2). */
export interface TokenBody {
  token_type: string
  expires_in: number
  access_token: string
  scope: string
  refresh_token?: string
  id_token?: string
}

/** Okta's refresh tokens: 43 base64url characters (docs/okta-behaviour.md § 2.2). */
export const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/

/** RFC 6749 §5.1 and docs/okta-behaviour.md § 2.2, 4: token answers, errors included, are never cached. */
export function assertNoStore(t: Asserts, res: LightMyRequestResponse): void {
  t.equal(res.headers['cache-control'], 'no-cache, no-store', 'Cache-Control: no-cache, no-store')
  t.equal(res.headers['pragma'], 'no-cache', 'Pragma: no-cache')
}

/** A /token error: Okta's catalogue error `code` exactly (oauth-assert), plus the no-store headers. */
export function assertTokenError(t: Asserts, res: LightMyRequestResponse, code: string, ...args: string[]): void {
  assertOktaError(t, res, code, ...args)
  assertNoStore(t, res)
}

/** A 200 token answer, its headers checked, its body returned. */
export function tokenBody(t: Asserts, res: LightMyRequestResponse): TokenBody {
  t.equal(res.statusCode, 200, `200 (got ${res.body})`)
  assertNoStore(t, res)
  return res.json<TokenBody>()
}

export const claimsOf = (jwt: string): JWTPayload & Record<string, unknown> => decodeJwt(jwt)

/** Okta's header: `kid` and `alg` RS256, no `typ` (docs/okta-behaviour.md § 5.1). */
export function assertOktaHeader(t: Asserts, jwt: string): void {
  const header = decodeProtectedHeader(jwt)
  t.strictSame(Object.keys(header), ['kid', 'alg'], 'header members: kid, alg (no typ)')
  t.equal(header.alg, 'RS256')
  t.equal(typeof header.kid, 'string')
}

/** OIDC Core §3.1.3.6 for RS256: base64url of the left half of SHA-256 of the access token. */
export const atHash = (accessToken: string): string => createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url')
