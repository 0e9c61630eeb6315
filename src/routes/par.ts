/** POST /v1/par (RFC 9126 §2): client authentication, then the pushed request's `request_uri` (201). */
import type { FastifyPluginAsync } from 'fastify'
import type { AppContext } from '../context.js'
import { pushAuthorizationRequest } from '../grants/pushed-authorization.js'
import { clientAuthentication, clientAuthenticationOf } from '../http/client-auth.js'
import { endpoint } from './paths.js'

const AUTH_PARAMS = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type']

export const parRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const preHandler = clientAuthentication(app, ctx, AUTH_PARAMS, false)
  endpoint(app, ['POST'], '/v1/par', { config: { noStore: true }, preHandler }, async (req, reply) => {
    const { server, auth } = clientAuthenticationOf(req)
    const pushed = await pushAuthorizationRequest(req.body, server, auth.client, ctx)
    // RFC 9126 §2.2 answers 201 Created, and openid-client accepts nothing else (docs/okta-behaviour.md § 2.10).
    return reply.code(201).send(pushed)
  })
}
