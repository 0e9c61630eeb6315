/** POST /v1/revoke (RFC 7009, docs/okta-behaviour.md § 7): 200 with an empty body for any well-formed request. */
import type { FastifyPluginAsync } from 'fastify'
import type { AppContext } from '../context.js'
import { oktaError } from '../errors/oauth-error.js'
import { clientAuthentication, clientAuthenticationOf } from '../http/client-auth.js'
import { lookUpToken } from '../oauth/token-lookup.js'
import { endpoint } from './paths.js'

const PARAMS = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type', 'token', 'token_type_hint']

export const revokeRoutes: FastifyPluginAsync<{ ctx: Pick<AppContext, 'servers' | 'clients' | 'store' | 'clock' | 'epochSeconds' | 'tokenSecret'> }> = async (app, { ctx }) => {
  const preHandler = clientAuthentication(app, ctx, PARAMS, true)
  endpoint(app, ['POST'], '/v1/revoke', { preHandler }, async (req, reply) => {
    const { server, form, auth } = clientAuthenticationOf(req)
    const { client } = auth
    const token = form['token']
    if (token === undefined) throw oktaError('request_missing_token')
    const found = await lookUpToken(token, server, ctx)
    // "A client may only revoke its own tokens" (Okta's OpenAPI, docs/okta-behaviour.md § 7); another client's token is left alone, silently.
    if (found?.kind === 'refresh_token' && found.found.family.clientId === client.id) {
      // Any generation of a family revokes the family: its refresh token and its access tokens (docs/reliability.md § SP-21).
      await ctx.store.revokeFamily(found.found.family.id, ctx.clock.nowMs())
    } else if (found?.kind === 'access_token' && found.payload['cid'] === client.id) {
      // Revoking an access token revokes only it; its refresh token keeps working (G-REV).
      await ctx.store.revokeAccessToken(found.payload.jti, found.payload.exp * 1000)
    }
    return reply.code(200).send()
  })
}
