/**
 * The control plane's hooks on the OAuth endpoints: the journal (journal.ts) and the faults
 * (faults.ts), attached to the endpoints' own routes as they are registered, and to nothing else: the
 * 405 routes sharing their URLs, /health, the sign-in form and the control API carry none.
 */
import type { FastifyInstance, RouteOptions } from 'fastify'
import type { AppContext } from '../../context.js'
import type { ControlPlane } from '../../control/control-plane.js'
import { endpointOf, type OAuthEndpoint } from '../../control/oauth-request.js'
import { faultsHook } from './faults.js'
import { journalHooks } from './journal.js'

/** Call on the scope the OAuth endpoints' route plugins are registered in, before they are. */
export function registerControlHooks(scope: FastifyInstance, ctx: Pick<AppContext, 'clock' | 'ids' | 'store' | 'tokenSecret'>, control: ControlPlane): void {
  scope.decorateRequest('mocktaTracking', null)
  scope.decorateRequest('mocktaGrant', null)
  scope.decorateRequest('mocktaBasic', null)
  scope.addHook('onRoute', (route) => {
    const endpoint = servedEndpoint(route)
    if (endpoint === undefined) return
    const journal = journalHooks(endpoint, ctx, control)
    // Faults come first among the route's preHandlers: before client authentication and the grant.
    route.onRequest = [journal.onRequest, ...hooks(route.onRequest)]
    route.preHandler = [faultsHook(ctx, control, journal), ...hooks(route.preHandler)]
    route.preSerialization = [...hooks(route.preSerialization), journal.preSerialization]
    route.onSend = [...hooks(route.onSend), journal.onSend]
    route.onResponse = [...hooks(route.onResponse), journal.onResponse]
  })
}

/** The endpoint a route serves; undefined for the 405 routes (endpointOf counts only served methods). */
function servedEndpoint(route: RouteOptions): OAuthEndpoint | undefined {
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  const endpoints = new Set(methods.map((method) => endpointOf(route.url, method)))
  const [endpoint] = endpoints
  return endpoints.size === 1 ? endpoint : undefined
}

const hooks = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value])
