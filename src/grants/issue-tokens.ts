/** Mints the token response for a grant: access token, ID token with `openid`, refresh token when given. */
import { nowSeconds } from '../clock.js'
import { noteIssued } from '../oauth/boot-epoch.js'
import type { AppContext } from '../context.js'
import { accessTokenClaims, idTokenClaims, type GrantSubject } from '../oauth/claims.js'
import { formatScope } from '../oauth/scope.js'
import { signJwt } from '../oauth/token-signer.js'
import type { SigningKey } from '../keys/key-set.js'
import type { TokenResponse } from './types.js'

export interface IssueOptions {
  /** The refresh-token family; access-token `jti`s carry its id, as Okta's do (`AT.….oar…`). */
  familyId?: string
  refreshToken?: string
  nonce?: string
}

export async function issueTokens(subject: GrantSubject, options: IssueOptions, ctx: AppContext): Promise<TokenResponse> {
  const now = nowSeconds(ctx.clock)
  const { server, user } = subject
  const jti = options.familyId === undefined ? `AT.${ctx.ids.jti()}` : `AT.${ctx.ids.jti()}.${options.familyId}`
  const accessToken = await signIssued(accessTokenClaims(subject, jti, now), server.accessTokenKey, ctx)
  const response: TokenResponse = {
    token_type: 'Bearer',
    expires_in: server.accessTokenLifetimeSeconds,
    access_token: accessToken,
    scope: formatScope(subject.scopes),
  }
  if (options.refreshToken !== undefined) response.refresh_token = options.refreshToken
  // OIDC: an ID token only when `openid` is granted and there is a user.
  if (user && subject.scopes.includes('openid')) {
    const extras = options.nonce === undefined ? { accessToken } : { accessToken, nonce: options.nonce }
    const claims = idTokenClaims({ ...subject, user }, `ID.${ctx.ids.jti()}`, now, ctx.servers.orgId, extras)
    response.id_token = await signIssued(claims, server.idTokenKey, ctx)
  }
  return response
}

/** Signs a JWT mockta hands out. Every one is reported to the boot epoch, or it would introspect as from an earlier memory (oauth/boot-epoch.ts). */
export async function signIssued(claims: Record<string, unknown>, key: SigningKey, ctx: AppContext): Promise<string> {
  await noteIssued(ctx, claims['jti'] as string, claims['iat'] as number)
  return signJwt(claims, key)
}
