/** Tokens for a fresh user authentication (password, authorization_code): a new refresh family if asked. */
import type { AppContext } from '../context.js'
import { mocktaError } from '../errors/oauth-error.js'
import type { GrantSubject } from '../oauth/claims.js'
import { hashToken } from '../crypto/hash-token.js'
import { newFamilyRecord } from '../store/store.js'
import { issueTokens } from './issue-tokens.js'
import type { Grant } from './types.js'

export async function issueForAuthentication(subject: GrantSubject, ctx: AppContext, nonce?: string): Promise<Grant> {
  const { client, server, user } = subject
  const wantsRefresh = subject.scopes.includes('offline_access')
  // Okta issues a refresh token only for `offline_access`, and only to clients allowed the refresh
  // grant; for other clients the scope is not granted rather than the request failed.
  if (!wantsRefresh || !client.grantTypes.includes('refresh_token') || !user) {
    const scopes = subject.scopes.filter((s) => s !== 'offline_access')
    return issueTokens({ ...subject, scopes }, nonce === undefined ? {} : { nonce }, ctx)
  }
  const nowMs = ctx.clock.nowMs()
  const refreshToken = ctx.ids.refreshToken()
  const familyId = ctx.ids.familyId()
  const lifetime = server.refreshToken.lifetimeSeconds
  const created = await ctx.store.createFamily(newFamilyRecord({
    id: familyId,
    clientId: client.id,
    authServerId: server.id,
    userId: user.id,
    scopes: [...subject.scopes],
    // The authentication's time, not the code's redemption time: refreshed ID tokens keep it (OIDC Core §2).
    authTime: subject.authTime,
    createdAtMs: nowMs,
    expiresAtMs: lifetime > 0 ? nowMs + lifetime * 1000 : null,
    idleSeconds: server.refreshToken.idleSeconds,
    rotation: client.refreshToken.rotation,
    graceSeconds: client.refreshToken.graceSeconds,
    currentHash: hashToken(refreshToken),
  }))
  if (!created) throw mocktaError('store_full').withHeaders({ 'retry-after': '60' })
  const options = nonce === undefined ? { familyId, refreshToken } : { familyId, refreshToken, nonce }
  return issueTokens(subject, options, ctx)
}
