/** Finds out what a presented token is and whether it is live, for /introspect and /revoke. */
import type { JWTPayload } from 'jose'
import { nowSeconds, type Clock } from '../clock.js'
import type { AuthServer } from '../registry/auth-servers.js'
import { isFamilyLive, isInGrace, type FoundToken, type Store } from '../store/store.js'
import { isFromThisEpoch, type StoreMemory } from './boot-epoch.js'
import { looksLikeRefreshToken, readRefreshToken } from './refresh-token.js'
import { verifyJwt } from './token-signer.js'

/** What a lookup reads: the store, its memory's epoch, its token secret and the clock (the app's context is one). */
export interface TokenLookupContext extends StoreMemory {
  store: Store
  clock: Clock
  /** Reads refresh tokens (oauth/refresh-token.ts). */
  tokenSecret: Buffer
}

export type LookedUp =
  | { kind: 'access_token'; payload: JWTPayload & { jti: string; exp: number }; familyId: string | undefined; active: boolean }
  | { kind: 'id_token'; payload: JWTPayload & { jti: string; exp: number }; active: true }
  | { kind: 'refresh_token'; found: FoundToken; active: boolean }

/**
 * The token type hint is only a hint (RFC 7662 §2.1): the shape of the token decides where to look.
 * Tokens of another server, forged, expired or unknown are `undefined`.
 */
export async function lookUpToken(token: string, server: AuthServer, ctx: TokenLookupContext): Promise<LookedUp | undefined> {
  if (looksLikeRefreshToken(token)) {
    const ref = readRefreshToken(token, ctx.tokenSecret)
    const found = ref && (await ctx.store.findRefreshToken(ref))
    if (!found || found.family.authServerId !== server.id) return undefined
    return { kind: 'refresh_token', found, active: refreshTokenUsable(found, ctx.clock.nowMs()) }
  }
  if (token.split('.').length !== 3) return undefined
  const payload = await verifyJwt(token, server, nowSeconds(ctx.clock))
  if (!payload || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return undefined
  const claims = payload as JWTPayload & { jti: string; exp: number }
  if (typeof claims.iat !== 'number' || !(await isFromThisEpoch(ctx, claims.jti, claims.iat))) return undefined
  const [prefix, , familyId] = claims.jti.split('.')
  if (prefix === 'ID') return { kind: 'id_token', payload: claims, active: true }
  if (prefix !== 'AT') return undefined
  // One store call (one Redis round trip): an access token dies with its own revocation or its family's
  // (a family mockta no longer knows is gone), and with "expire every access token" of everyone, its
  // client or its user asked at or after its `iat`; refresh tokens are untouched (docs/dashboard.md).
  const scopes = ['*']
  if (typeof claims['cid'] === 'string') scopes.push(`client:${claims['cid']}`)
  if (typeof claims['uid'] === 'string') scopes.push(`user:${claims['uid']}`)
  const state = await ctx.store.accessTokenState(claims.jti, familyId, scopes)
  return { kind: 'access_token', payload: claims, familyId, active: !state.revoked && state.familyLive && claims.iat > state.endedAt }
}

/** The current token of a live family, or the previous one while its grace lasts. */
export function refreshTokenUsable({ family, position }: FoundToken, nowMs: number): boolean {
  if (!isFamilyLive(family, nowMs)) return false
  if (position === 'current') return true
  return position === 'previous' && isInGrace(family, nowMs)
}
