/**
 * Tokens without a browser sign-in, and tokens ended on demand: what tests use to skip the browser and to
 * simulate revocation or expiry. Issuance goes through the grants' own code (authentication-tokens.ts,
 * issue-tokens.ts); only the authorization server's lifetimes and claims are overridden for the call.
 */
import { nowSeconds } from '../clock.js'
import type { ClaimConfig } from '../config/types.js'
import type { AppContext } from '../context.js'
import { OAuthError, OktaApiError } from '../errors/oauth-error.js'
import { issueTokens } from '../grants/issue-tokens.js'
import { issueForAuthentication } from '../grants/authentication-tokens.js'
import type { TokenResponse } from '../grants/types.js'
import { looksLikeRefreshToken, readRefreshToken } from '../oauth/refresh-token.js'
import { checkScopes, parseScope } from '../oauth/scope.js'
import { lookUpToken } from '../oauth/token-lookup.js'
import { unverifiedIssuer } from '../oauth/token-signer.js'
import type { AuthServer } from '../registry/auth-servers.js'
import { isFamilyLive, isInGrace, type FamilyRecord } from '../store/store.js'
import { badRequest, ControlError, notFound, validator } from './control-error.js'
import { ORG_SERVER } from './oauth-request.js'

export interface MintRequest {
  clientId: string
  /** Login or Okta user id; absent for a client-credentials-style token (`sub` = client id). */
  user?: string
  /** Space-separated or a list; must be scopes of the authorization server. */
  scopes: string | string[]
  /** A custom server's id, or `org`. Default `default`. */
  authServer?: string
  /** Claims added to, or replacing claims of, each token. */
  claims?: { accessToken?: Record<string, unknown>; idToken?: Record<string, unknown> }
  accessTokenLifetimeSeconds?: number
  idTokenLifetimeSeconds?: number
  /** Absolute lifetime of the refresh family (0 = unlimited). */
  refreshTokenLifetimeSeconds?: number
  nonce?: string
  /**
   * Bind the tokens to this DPoP key (its RFC 7638 thumbprint): `cnf.jkt` and `token_type` DPoP, and
   * for a public client the refresh family too, as a DPoP sign-in would (docs/dpop.md § 2.8).
   */
  dpopJkt?: string
}

const lifetime = { type: 'integer', minimum: 1, maximum: 10 * 365 * 86400 } as const
export const mintSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clientId', 'scopes'],
  properties: {
    clientId: { type: 'string', minLength: 1 },
    user: { type: 'string', minLength: 1 },
    scopes: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      ],
    },
    authServer: { type: 'string', minLength: 1 },
    claims: {
      type: 'object',
      additionalProperties: false,
      properties: { accessToken: { type: 'object' }, idToken: { type: 'object' } },
    },
    accessTokenLifetimeSeconds: lifetime,
    idTokenLifetimeSeconds: lifetime,
    refreshTokenLifetimeSeconds: { type: 'integer', minimum: 0, maximum: 10 * 365 * 86400 },
    nonce: { type: 'string', minLength: 1 },
    dpopJkt: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
  },
} as const

export const checkMintRequest = validator<MintRequest>(mintSchema, 'mint request')

/** A family as the control plane shows it: no token hashes. */
export interface FamilySummary {
  id: string
  clientId: string
  authServer: string
  userId: string | null
  scopes: string[]
  createdAt: string
  /** Absolute end of the family; `null` = unlimited. */
  expiresAt: string | null
  idleSeconds: number
  lastUsedAt: string
  generation: number
  revokedAt: string | null
  active: boolean
  /** When idle use ends the family (`null`: no idle limit). */
  idleDeadline: string | null
  graceSeconds: number
  /** Until when the token rotated away last still works (docs/reliability.md § I4); `null` when not in grace. */
  graceUntil: string | null
}

export interface EndedToken {
  kind: 'access_token' | 'refresh_token'
  /** The family a refresh token belongs to, or an access token was issued in. */
  familyId: string | null
}

const iso = (ms: number): string => new Date(ms).toISOString()

export function summarizeFamily(f: FamilyRecord, nowMs: number): FamilySummary {
  return {
    id: f.id,
    clientId: f.clientId,
    authServer: f.authServerId ?? ORG_SERVER,
    userId: f.userId,
    scopes: [...f.scopes],
    createdAt: iso(f.createdAtMs),
    expiresAt: f.expiresAtMs === null ? null : iso(f.expiresAtMs),
    idleSeconds: f.idleSeconds,
    lastUsedAt: iso(f.lastUsedMs),
    generation: f.generation,
    revokedAt: f.revokedAtMs === null ? null : iso(f.revokedAtMs),
    active: isFamilyLive(f, nowMs),
    idleDeadline: f.idleSeconds > 0 ? iso(f.lastUsedMs + f.idleSeconds * 1000) : null,
    graceSeconds: f.graceSeconds,
    graceUntil: f.rotatedAtMs !== null && isFamilyLive(f, nowMs) && isInGrace(f, nowMs) ? iso(f.rotatedAtMs + f.graceSeconds * 1000) : null,
  }
}

export function serverNamed(ctx: AppContext, authServer: string): AuthServer {
  try {
    return ctx.servers.resolve(authServer === ORG_SERVER ? undefined : authServer)
  } catch (err) {
    if (err instanceof OktaApiError) throw notFound(`no authorization server ${authServer}`)
    throw err
  }
}

const valueClaims = (claims: Record<string, unknown> | undefined, token: ClaimConfig['tokens'][number]): ClaimConfig[] =>
  Object.entries(claims ?? {}).map(([name, value]) => ({ name, value, tokens: [token], scopes: [] }))

export async function mint(ctx: AppContext, request: MintRequest): Promise<TokenResponse> {
  const base = serverNamed(ctx, request.authServer ?? 'default')
  const client = ctx.clients.get(request.clientId)
  if (!client) throw notFound(`no client ${request.clientId}`)
  const user = request.user === undefined ? undefined : ctx.users.find(request.user)
  if (request.user !== undefined && !user) throw notFound(`no user ${request.user}`)
  let scopes: string[]
  try {
    scopes = parseScope(Array.isArray(request.scopes) ? request.scopes.join(' ') : request.scopes)
    checkScopes(scopes, base.scopes, [])
  } catch (err) {
    if (err instanceof OAuthError) throw badRequest(`invalid mint request: scopes must be scopes of ${request.authServer ?? 'default'} (${err.message})`)
    throw err
  }
  // This call's server: the real one with its lifetimes and claims overridden. Custom claims are
  // applied last (oauth/claims.ts), so these also replace standard claims such as `sub` or `groups`.
  // The prototype is kept so the server's methods still resolve its keys at call time.
  const server: AuthServer = Object.assign(Object.create(Object.getPrototypeOf(base) as object) as AuthServer, base, {
    accessTokenLifetimeSeconds: request.accessTokenLifetimeSeconds ?? base.accessTokenLifetimeSeconds,
    idTokenLifetimeSeconds: request.idTokenLifetimeSeconds ?? base.idTokenLifetimeSeconds,
    refreshToken: { ...base.refreshToken, lifetimeSeconds: request.refreshTokenLifetimeSeconds ?? base.refreshToken.lifetimeSeconds },
    claims: [...base.claims, ...valueClaims(request.claims?.accessToken, 'access_token'), ...valueClaims(request.claims?.idToken, 'id_token')],
  })
  const subject = { server, client, user, scopes, authTime: nowSeconds(ctx.clock) }
  const jkt = request.dpopJkt
  if (!user) return (await issueTokens(subject, jkt === undefined ? {} : { jkt }, ctx)).response
  try {
    const dpop = jkt === undefined ? undefined : { jkt, bindRefresh: client.secret === undefined && client.jwks === undefined }
    return (await issueForAuthentication(subject, ctx, request.nonce, dpop)).response
  } catch (err) {
    if (err instanceof OAuthError) throw new ControlError(409, `cannot mint: ${err.message}`)
    throw err
  }
}

/** Finds a token of any of our servers and ends it: `revoke` as /v1/revoke would, `expire` from now on. */
export async function endToken(ctx: AppContext, token: string, how: 'revoke' | 'expire'): Promise<EndedToken> {
  if (looksLikeRefreshToken(token)) {
    const ref = readRefreshToken(token, ctx.tokenSecret)
    const found = ref && (await ctx.store.findRefreshToken(ref))
    if (!found) throw notFound('no such token')
    await endFamily(ctx, found.family.id, how)
    return { kind: 'refresh_token', familyId: found.family.id }
  }
  const issuer = unverifiedIssuer(token)
  const server = issuer === undefined ? undefined : ctx.servers.byIssuer(issuer)
  const found = server && (await lookUpToken(token, server, ctx))
  if (!found) throw notFound('no such token (unknown, forged, already expired, or signed with a retired key)')
  if (found.kind !== 'access_token') throw badRequest('only access and refresh tokens can be ended; an ID token is not presented to APIs')
  // An access token is a JWT: its `exp` cannot change, so both end it through the revocation list.
  await ctx.store.revokeAccessToken(found.payload.jti, found.payload.exp * 1000)
  return { kind: 'access_token', familyId: found.familyId ?? null }
}

export async function endFamily(ctx: AppContext, familyId: string, how: 'revoke' | 'expire'): Promise<FamilySummary> {
  const nowMs = ctx.clock.nowMs()
  if (!(await ctx.store.getFamily(familyId))) throw notFound(`no family ${familyId}`)
  if (how === 'revoke') await ctx.store.revokeFamily(familyId, nowMs)
  else await ctx.store.expireFamily(familyId, nowMs)
  return summarizeFamily((await ctx.store.getFamily(familyId))!, nowMs)
}

export async function familiesOf(ctx: AppContext, user: string): Promise<FamilySummary[]> {
  const found = ctx.users.find(user)
  if (!found) throw notFound(`no user ${user}`)
  const nowMs = ctx.clock.nowMs()
  return (await ctx.store.listFamiliesByUser(found.id)).map((f) => summarizeFamily(f, nowMs))
}
