/**
 * What a token is, for a person looking at it (docs/dashboard.md): its header and claims, which of
 * mockta's keys signed it, and whether it is active, revoked or expired now by mockta's clock. Needs no
 * client authentication (unlike /introspect): the control plane is the tester's alone (docs/security.md).
 * A refresh token is opaque; its family is shown, and the token itself only as a fingerprint.
 */
import { nowSeconds } from '../clock.js'
import type { AppContext } from '../context.js'
import { looksLikeRefreshToken, readRefreshToken } from '../oauth/refresh-token.js'
import { lookUpToken, refreshTokenUsable } from '../oauth/token-lookup.js'
import { verifyJwt } from '../oauth/token-signer.js'
import { isFamilyLive } from '../store/store.js'
import { badRequest } from './control-error.js'
import { summarizeFamily, type FamilySummary } from './minting.js'
import { fingerprint, ORG_SERVER } from './oauth-request.js'

export type TokenStatus = 'active' | 'expired' | 'revoked' | 'unknown' | 'bad_signature'

export interface JwtInspection {
  kind: 'access_token' | 'id_token' | 'jwt'
  header: Record<string, unknown>
  claims: Record<string, unknown>
  /** The server whose issuer the token names, `org` or a custom id; undefined when none of ours. */
  authServer: string | undefined
  kid: string | undefined
  /** Whether one of that server's keys verifies the signature. */
  signatureValid: boolean
  status: TokenStatus
  expiresAt: string | undefined
  /** By mockta's clock; negative once expired. */
  secondsLeft: number | undefined
  familyId: string | undefined
}

export interface RefreshInspection {
  kind: 'refresh_token'
  fingerprint: string
  status: TokenStatus
  position: 'current' | 'previous' | 'retired' | undefined
  family: FamilySummary | undefined
}

export type TokenInspection = JwtInspection | RefreshInspection

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  if (part === undefined || !/^[\w-]+$/.test(part)) return undefined
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

export async function inspectToken(ctx: AppContext, token: string): Promise<TokenInspection> {
  const nowMs = ctx.clock.nowMs()
  if (looksLikeRefreshToken(token)) {
    const ref = readRefreshToken(token, ctx.tokenSecret)
    const found = ref && (await ctx.store.findRefreshToken(ref))
    if (!found) return { kind: 'refresh_token', fingerprint: fingerprint(token), status: 'unknown', position: undefined, family: undefined }
    const f = found.family
    // A token rotated away (past its grace) is as good as revoked; a family past its deadlines has expired.
    const status: TokenStatus = refreshTokenUsable(found, nowMs) ? 'active' : f.revokedAtMs === null && !isFamilyLive(f, nowMs) ? 'expired' : 'revoked'
    return { kind: 'refresh_token', fingerprint: fingerprint(token), status, position: found.position, family: summarizeFamily(f, nowMs) }
  }
  const parts = token.split('.')
  const header = parts.length === 3 ? decodePart(parts[0]) : undefined
  const claims = header && decodePart(parts[1])
  if (!header || !claims) throw badRequest('not a token mockta can read: neither a JWT (header.payload.signature) nor one of its refresh tokens')
  const issuer = typeof claims['iss'] === 'string' ? claims['iss'] : undefined
  const server = issuer === undefined ? undefined : ctx.servers.byIssuer(issuer)
  const jti = typeof claims['jti'] === 'string' ? claims['jti'] : ''
  const kind = jti.startsWith('AT.') ? 'access_token' : jti.startsWith('ID.') ? 'id_token' : 'jwt'
  const exp = typeof claims['exp'] === 'number' ? claims['exp'] : undefined
  const iat = typeof claims['iat'] === 'number' ? claims['iat'] : undefined
  // The signature is judged as of the token's issue time, so an expired token still says which key signed it.
  const signatureValid = server !== undefined && iat !== undefined && (await verifyJwt(token, server, iat)) !== undefined
  let status: TokenStatus
  if (server === undefined) status = 'unknown'
  else if (!signatureValid) status = 'bad_signature'
  else if (exp !== undefined && exp <= nowSeconds(ctx.clock)) status = 'expired'
  else {
    const found = await lookUpToken(token, server, ctx)
    status = found === undefined ? 'unknown' : found.active ? 'active' : 'revoked'
  }
  return {
    kind,
    header,
    claims,
    authServer: server === undefined ? undefined : (server.id ?? ORG_SERVER),
    kid: typeof header['kid'] === 'string' ? header['kid'] : undefined,
    signatureValid,
    status,
    expiresAt: exp === undefined ? undefined : new Date(exp * 1000).toISOString(),
    secondsLeft: exp === undefined ? undefined : Math.round(exp - nowMs / 1000),
    familyId: kind === 'access_token' ? jti.split('.')[2] : undefined,
  }
}
