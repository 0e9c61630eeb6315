/** POST /v1/token: client authentication, then the grant registry (order of checks: docs/reliability.md § 0). */
import type { FastifyPluginAsync } from 'fastify'
import type { AppContext } from '../context.js'
import { OAuthError, oktaError } from '../errors/oauth-error.js'
import { grants, supportedGrantTypes } from '../grants/index.js'
import { GrantRefused } from '../grants/grant-refused.js'
import { clientAuthentication, clientAuthenticationOf } from '../http/client-auth.js'
import { assertBrowserOrigin } from '../http/cors.js'
import { tokenProof } from '../http/dpop.js'
import { readForm } from '../oauth/form.js'
import { endpoint } from './paths.js'

const AUTH_PARAMS = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type']

export const tokenRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const preHandler = clientAuthentication(app, ctx, [...AUTH_PARAMS, 'grant_type'], false)
  endpoint(app, ['POST'], '/v1/token', { config: { noStore: true }, preHandler }, async (req, reply) => {
    const { server, form: base, auth } = clientAuthenticationOf(req)
    assertBrowserOrigin(req, auth.client, ctx)
    const grantType = base['grant_type']
    if (grantType === undefined) throw oktaError('token_request_missing_grant_type', supportedGrantTypes.join(', '))
    const grant = grants.get(grantType)
    if (!grant) throw oktaError('unsupported_grant_type', supportedGrantTypes.join(', '))
    if (!auth.client.grantTypes.includes(grant.grantType)) throw oktaError('unauthorized_client', auth.client.grantTypes.join(', '))
    const form = readForm(req.body, grant.parameters)
    // RFC 9449 §5: the proof is checked (and its jti spent) before the grant consumes anything.
    const dpop = await tokenProof(req, server, auth.client, ctx)
    // The nonce goes with every answer to a DPoP request, so a client can keep it for its next one (RFC 9449 §8.2).
    if (dpop) reply.header('dpop-nonce', dpop.serverNonce)
    try {
      const { response, issued } = await grant.handle({ form, server, auth, log: req.log, ...(dpop && { dpop: { jkt: dpop.jkt } }) }, ctx)
      // What the grant issued goes to the journal on the request; nothing decodes the answer.
      req.mocktaGrant = { issued }
      return response
    } catch (err) {
      if (err instanceof GrantRefused) {
        req.mocktaGrant = { refused: err }
        // The real reason stays in mockta: the client only gets the OAuth error (docs/reliability.md § #71).
        req.log.debug({ event: 'grant_refused', grantType: grant.grantType, reason: err.reason, familyId: err.familyId }, 'grant refused')
      }
      // RFC 6749 §5.2: a grant's 401 after Basic authentication carries the Basic challenge too.
      if (err instanceof OAuthError && !(err instanceof GrantRefused) && err.statusCode === 401 && auth.method === 'client_secret_basic') {
        throw err.withHeaders({ 'www-authenticate': `Basic realm="${server.issuer}"` })
      }
      throw err
    }
  })
}
