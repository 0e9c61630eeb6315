/** Mints the token response for a grant: access token, ID token with `openid`, refresh token when given. */
import { nowSeconds } from '../clock.js'
import { noteIssued } from '../oauth/boot-epoch.js'
import type { AppContext } from '../context.js'
import { accessTokenClaims, idTokenClaims, type GrantSubject } from '../oauth/claims.js'
import { formatScope } from '../oauth/scope.js'
import { signJwt } from '../oauth/token-signer.js'
import type { SigningKey } from '../keys/key-set.js'
import type { Grant, IssuedJwt, TokenResponse } from './types.js'

export interface IssueOptions {
  /** The refresh-token family; access-token `jti`s carry its id, as Okta's do (`AT.….oar…`). */
  familyId?: string
  refreshToken?: string
  nonce?: string
  /** The DPoP key the access token is bound to (RFC 9449 §6.1: `cnf.jkt`, and `token_type` DPoP). */
  jkt?: string
}

export async function issueTokens(subject: GrantSubject, options: IssueOptions, ctx: AppContext): Promise<Grant> {
  const now = nowSeconds(ctx.clock)
  const { server, user } = subject
  const jti = options.familyId === undefined ? `AT.${ctx.ids.jti()}` : `AT.${ctx.ids.jti()}.${options.familyId}`
  const claims = accessTokenClaims(subject, jti, now)
  if (options.jkt !== undefined) claims['cnf'] = { jkt: options.jkt }
  const accessToken = await signIssued(claims, server.accessTokenKey, ctx)
  const response: TokenResponse = {
    token_type: options.jkt === undefined ? 'Bearer' : 'DPoP',
    expires_in: server.accessTokenLifetimeSeconds,
    access_token: accessToken.token,
    scope: formatScope(subject.scopes),
  }
  if (options.refreshToken !== undefined) response.refresh_token = options.refreshToken
  let idToken: SignedJwt | undefined
  // OIDC: an ID token only when `openid` is granted and there is a user.
  if (user && subject.scopes.includes('openid')) {
    const extras = options.nonce === undefined ? { accessToken: accessToken.token } : { accessToken: accessToken.token, nonce: options.nonce }
    const claims = idTokenClaims({ ...subject, user }, `ID.${ctx.ids.jti()}`, now, ctx.servers.orgId, extras)
    idToken = await signIssued(claims, server.idTokenKey, ctx)
    response.id_token = idToken.token
  }
  const issued = {
    clientId: subject.client.id,
    userId: user?.id,
    scopes: subject.scopes,
    accessToken: { jti: accessToken.jti, expiresAtMs: accessToken.expiresAtMs },
    idToken: idToken && { jti: idToken.jti, expiresAtMs: idToken.expiresAtMs },
    familyId: options.familyId,
    ...(options.jkt !== undefined && { jkt: options.jkt }),
  }
  return { response, issued }
}

/** A JWT mockta signed, with the `jti` and expiry it was signed with. */
export interface SignedJwt extends IssuedJwt {
  token: string
}

/**
 * Signs a JWT mockta hands out, from claims it built (`jti`, `iat`, `exp` among them). Every one is
 * reported to the boot epoch, or it would introspect as from an earlier memory (oauth/boot-epoch.ts).
 */
export async function signIssued(claims: Record<string, unknown>, key: SigningKey, ctx: AppContext): Promise<SignedJwt> {
  const jti = claims['jti'] as string
  await noteIssued(ctx, jti, claims['iat'] as number)
  return { token: await signJwt(claims, key), jti, expiresAtMs: (claims['exp'] as number) * 1000 }
}
