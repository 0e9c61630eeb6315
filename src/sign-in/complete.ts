/** The end of a successful /authorize: a single-use code bound to the request, sent to the redirect URI. */
import type { FastifyReply } from 'fastify'
import type { AppContext } from '../context.js'
import type { AuthorizationRequest } from '../oauth/authorization-request.js'
import { sendAuthorizationResponse } from '../oauth/authorization-response.js'
import { hashToken } from '../oauth/refresh-token.js'
import type { User } from '../registry/users.js'

/** Okta's authorization codes live 300 seconds (wire spec §2.3, G-PKCE). */
export const CODE_LIFETIME_SECONDS = 300

export async function completeAuthorization(reply: FastifyReply, request: AuthorizationRequest, user: User, authTime: number, ctx: AppContext): Promise<FastifyReply> {
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
  })
  return sendAuthorizationResponse(reply, request, { code, state: request.state })
}
