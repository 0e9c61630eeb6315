/** Tokens for a fresh user authentication (password, authorization_code): a new refresh family if asked. */
import type { AppContext } from '../context.js'
import { mocktaError } from '../errors/oauth-error.js'
import type { GrantSubject } from '../oauth/claims.js'
import type { AuthenticatedClient } from '../registry/clients.js'
import { refreshTokenFor } from '../oauth/refresh-token.js'
import { newFamilyRecord } from '../store/store.js'
import { issueTokens } from './issue-tokens.js'
import type { Grant } from './types.js'

/** A DPoP key for the tokens; `bindRefresh` also binds the new family's refresh tokens to it (a public client, RFC 9449 §5). */
export interface DpopBinding {
  jkt: string
  bindRefresh: boolean
}

export async function issueForAuthentication(subject: GrantSubject, ctx: AppContext, nonce?: string, dpop?: DpopBinding): Promise<Grant> {
  const { client, server, user } = subject
  const bound = dpop === undefined ? {} : { jkt: dpop.jkt }
  const wantsRefresh = subject.scopes.includes('offline_access')
  // Okta issues a refresh token only for `offline_access`, and only to clients allowed the refresh
  // grant; for other clients the scope is not granted rather than the request failed.
  if (!wantsRefresh || !client.grantTypes.includes('refresh_token') || !user) {
    const scopes = subject.scopes.filter((s) => s !== 'offline_access')
    return issueTokens({ ...subject, scopes }, nonce === undefined ? bound : { ...bound, nonce }, ctx)
  }
  const nowMs = ctx.clock.nowMs()
  const familyId = ctx.ids.familyId()
  // Generation 0 of the family; its successors follow from it (docs/refresh-tokens.md, "Token form").
  const refreshToken = refreshTokenFor({ familyId, generation: 0 }, ctx.tokenSecret)
  const lifetime = server.refreshToken.lifetimeSeconds
  const created = await ctx.store.createFamily(
    newFamilyRecord({
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
      ...(dpop?.bindRefresh === true && { jkt: dpop.jkt }),
    }),
  )
  if (!created) throw mocktaError('store_full').withHeaders({ 'retry-after': '60' })
  const options = nonce === undefined ? { ...bound, familyId, refreshToken } : { ...bound, familyId, refreshToken, nonce }
  return issueTokens(subject, options, ctx)
}

/** RFC 9449 §5: refresh tokens of a public client are bound to its DPoP key; a confidential client's are bound to its authentication. */
export function dpopBinding(dpop: { jkt: string } | undefined, auth: AuthenticatedClient): DpopBinding | undefined {
  return dpop && { jkt: dpop.jkt, bindRefresh: auth.method === 'none' }
}
