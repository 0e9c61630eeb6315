/** GET /v1/keys: the server's public signing keys (docs/okta-behaviour.md § 8). */
import type { FastifyPluginAsync } from 'fastify'
import type { AppContext } from '../context.js'
import { endpoint, serverOf } from './paths.js'

// Okta counts max-age down to its next rotation; a short fixed value keeps verifiers close to key
// changes made through mockta (docs/reliability.md § SP-13: shorter than the rotation overlap).
const CACHE_CONTROL = 'max-age=300, must-revalidate'

export const keysRoutes: FastifyPluginAsync<{ ctx: Pick<AppContext, 'servers'> }> = async (app, { ctx }) => {
  endpoint(app, ['GET'], '/v1/keys', {}, async (req, reply) => {
    const server = serverOf(req, ctx)
    return reply.header('cache-control', CACHE_CONTROL).type('application/json').send(server.jwksJson)
  })
}
