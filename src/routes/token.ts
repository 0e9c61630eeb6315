/** POST /v1/token: client authentication, then the grant registry (order of checks: docs/reliability.md § 0). */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.js'
import { oktaError } from '../errors/oauth-error.js'
import { grants, supportedGrantTypes } from '../grants/index.js'
import { authenticateClient } from '../http/client-auth.js'
import { assertBrowserOrigin } from '../http/cors.js'
import { readForm } from '../oauth/form.js'
import { endpoint, serverOf } from './paths.js'

const AUTH_PARAMS = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type']

export function tokenRoutes(app: FastifyInstance, ctx: AppContext): void {
  endpoint(app, ['POST'], '/v1/token', { config: { noStore: true } }, async (req) => {
    const server = serverOf(req, ctx)
    const base = readForm(req.body, [...AUTH_PARAMS, 'grant_type'])
    const auth = authenticateClient(req, base, ctx.clients, { allowQueryClientId: false, realm: server.issuer })
    assertBrowserOrigin(req, auth.client, ctx)
    const grantType = base['grant_type']
    if (grantType === undefined) throw oktaError('token_request_missing_grant_type', supportedGrantTypes.join(', '))
    const grant = grants.get(grantType)
    if (!grant) throw oktaError('unsupported_grant_type', supportedGrantTypes.join(', '))
    if (!auth.client.grantTypes.includes(grant.grantType)) throw oktaError('unauthorized_client', auth.client.grantTypes.join(', '))
    const form = readForm(req.body, grant.parameters)
    return grant.handle({ form, server, auth, log: req.log }, ctx)
  })
}
