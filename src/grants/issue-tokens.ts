/** Mints the token response for a grant: access token, ID token with `openid`, refresh token when given. */
import { nowSeconds } from '../clock.js'
import type { AppContext } from '../context.js'
import { accessTokenClaims, idTokenClaims, type GrantSubject } from '../oauth/claims.js'
import { formatScope } from '../oauth/scope.js'
import { signJwt } from '../oauth/token-signer.js'
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
  ctx.bootEpoch.issued(jti, now, ctx.epochSeconds)
  const accessToken = await signJwt(accessTokenClaims(subject, jti, now), server.accessTokenKey)
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
    const idJti = `ID.${ctx.ids.jti()}`
    ctx.bootEpoch.issued(idJti, now, ctx.epochSeconds)
    const claims = idTokenClaims({ ...subject, user }, idJti, now, ctx.servers.orgId, extras)
    response.id_token = await signJwt(claims, server.idTokenKey)
  }
  return response
}
