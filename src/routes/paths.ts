/** URL layout (docs/okta-behaviour.md § 1.1): custom servers under `/oauth2/{id}/v1/…`, the org server under `/oauth2/v1/…`. */
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod, RouteShorthandOptions } from 'fastify'
import type { AppContext } from '../context.js'
import { mocktaError } from '../errors/oauth-error.js'
import type { AuthServer } from '../registry/auth-servers.js'

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/** Registers an endpoint for every authorization server, and 405 with `Allow` for its other methods. */
export function endpoint(app: FastifyInstance, methods: ReadonlyArray<'GET' | 'POST'>, suffix: string, options: RouteShorthandOptions, handler: RouteHandlerMethod): void {
  const allowed = methods.includes('GET') ? [...methods, 'HEAD'] : [...methods]
  const allow = allowed.join(', ')
  for (const url of [`/oauth2/:authServerId${suffix}`, `/oauth2${suffix}`]) {
    app.route({ ...options, method: [...methods], url, handler })
    app.route({
      method: ALL_METHODS.filter((m) => !allowed.includes(m)),
      url,
      handler: async () => {
        throw mocktaError('method_not_allowed').withHeaders({ allow })
      },
    })
  }
}

/** The authorization server named by the path; Okta's 404 body for an unknown id. */
export function serverOf(req: FastifyRequest, ctx: Pick<AppContext, 'servers'>): AuthServer {
  const id = (req.params as { authServerId?: string }).authServerId
  return ctx.servers.resolve(id)
}
