/**
 * Tokens returned by the authorization endpoint itself, for the implicit and hybrid flows (OIDC Core
 * §3.2, §3.3): an access token for `token`, an ID token for `id_token` bound to them by `nonce`,
 * `at_hash` and `c_hash`. Never a refresh token: `offline_access` needs the code flow (G-RT).
 */
import { nowSeconds } from '../clock.js'
import type { AppContext } from '../context.js'
import { signIssued } from '../grants/issue-tokens.js'
import { accessTokenClaims, idTokenClaims } from '../oauth/claims.js'
import type { AuthorizationRequest } from '../store/authorization-request.js'
import { formatScope } from '../oauth/scope.js'
import type { Client } from '../registry/clients.js'
import type { User } from '../registry/users.js'

export async function frontChannelTokens(
  request: AuthorizationRequest,
  client: Client,
  user: User,
  authTime: number,
  code: string | undefined,
  ctx: AppContext,
  amr?: readonly string[],
): Promise<Record<string, string>> {
  const server = ctx.servers.resolve(request.authServerId ?? undefined)
  const scopes = request.scopes.filter((s) => s !== 'offline_access')
  const subject = { server, client, user, scopes, authTime, ...(amr !== undefined && { amr }) }
  const now = nowSeconds(ctx.clock)
  const params: Record<string, string> = {}
  let accessToken: string | undefined
  if (request.responseTypes.includes('token')) {
    accessToken = (await signIssued(accessTokenClaims(subject, `AT.${ctx.ids.jti()}`, now), server.accessTokenKey, ctx)).token
    Object.assign(params, { access_token: accessToken, token_type: 'Bearer', expires_in: String(server.accessTokenLifetimeSeconds), scope: formatScope(scopes) })
  }
  if (request.responseTypes.includes('id_token')) {
    const extras = { nonce: request.nonce ?? '', ...(accessToken !== undefined && { accessToken }), ...(code !== undefined && { code }) }
    params['id_token'] = (await signIssued(idTokenClaims({ ...subject, user }, `ID.${ctx.ids.jti()}`, now, ctx.servers.orgId, extras), server.idTokenKey, ctx)).token
  }
  return params
}
