/**
 * The end of a successful /authorize: a single-use code bound to the request and/or the implicit and
 * hybrid flows' tokens: the parameters the route sends to the redirect URI
 * (http/authorization-response.ts).
 */
import type { AppContext } from '../context.js'
import type { AuthorizationRequest } from '../store/authorization-request.js'
import { hashToken } from '../crypto/hash-token.js'
import { isFrontChannel } from '../oauth/response-type.js'
import type { Client } from '../registry/clients.js'
import type { User } from '../registry/users.js'
import { frontChannelTokens } from './front-channel-tokens.js'

/** Okta's authorization codes live 300 seconds (docs/okta-behaviour.md § 2.3). */
export const CODE_LIFETIME_SECONDS = 300

/** `amr`: the session's methods when a factor was verified (docs/authentication-api.md § 1.4); absent: the password alone. */
export async function completeAuthorization(
  request: AuthorizationRequest,
  client: Client,
  user: User,
  authTime: number,
  ctx: AppContext,
  amr?: readonly string[],
): Promise<Record<string, string>> {
  const code = request.responseTypes.includes('code') ? await issueCode(request, user, authTime, ctx, amr) : undefined
  const tokens = isFrontChannel(request.responseTypes) ? await frontChannelTokens(request, client, user, authTime, code, ctx, amr) : {}
  return { ...(code !== undefined && { code }), ...tokens, state: request.state }
}

async function issueCode(request: AuthorizationRequest, user: User, authTime: number, ctx: AppContext, amr: readonly string[] | undefined): Promise<string> {
  const code = ctx.ids.secret()
  await ctx.store.createAuthorizationCode({
    hash: hashToken(code),
    clientId: request.clientId,
    authServerId: request.authServerId,
    redirectUri: request.redirectUri,
    userId: user.id,
    scopes: [...request.scopes],
    nonce: request.nonce,
    codeChallenge: request.codeChallenge,
    authTime,
    expiresAtMs: ctx.clock.nowMs() + CODE_LIFETIME_SECONDS * 1000,
    ...(request.dpopJkt !== undefined && { dpopJkt: request.dpopJkt }),
    ...(amr !== undefined && { amr: [...amr] }),
  })
  return code
}
