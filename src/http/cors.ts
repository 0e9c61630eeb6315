/**
 * CORS as Okta answers it (wire spec §10, SPEC isCorsEnabled): discovery, keys, introspect, revoke and
 * userinfo for any origin; /token only for the origins of the clients' redirect URIs and the
 * configured Trusted Origins, checked per client on the POST itself.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import { oktaError } from '../errors/oauth-error.js'
import type { Client } from '../registry/clients.js'

const ENDPOINT = /^\/oauth2(?:\/[^/]+)?\/v1\/(token|introspect|revoke|keys|userinfo)$/
const DISCOVERY = /^(?:\/oauth2\/[^/]+)?\/\.well-known\/(?:openid-configuration|oauth-authorization-server)(?:\/oauth2\/[^/]+)?$/
const METHODS: Record<string, string> = { token: 'POST', introspect: 'POST', revoke: 'POST', keys: 'GET', userinfo: 'GET, POST', discovery: 'GET' }
/** Preflight answers may be cached this long (seconds), as Okta's are. */
const MAX_AGE = '3600'
/** Request headers a preflight may ask for: a header-name list (RFC 9110 §5.1 tokens). */
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(?:\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/

type CorsEndpoint = keyof typeof METHODS

function corsEndpoint(req: FastifyRequest): CorsEndpoint | undefined {
  const path = req.url.split('?', 1)[0]!
  if (DISCOVERY.test(path)) return 'discovery'
  return ENDPOINT.exec(path)?.[1]
}

/** The browser origins of a client's http(s) redirect URIs. */
export function clientOrigins(client: Client): string[] {
  return client.redirectUris.flatMap((uri) => (/^https?:/.test(uri) && URL.canParse(uri) ? [new URL(uri).origin] : []))
}

/** At /token, a browser (a request with Origin) must come from one of the client's origins (ERR illegal_origin_browser_request). */
export function assertBrowserOrigin(req: FastifyRequest, client: Client, ctx: AppContext): void {
  const origin = req.headers.origin
  if (origin === undefined) return
  if (!clientOrigins(client).includes(origin) && !ctx.config.trustedOrigins.includes(origin)) throw oktaError('illegal_origin_browser_request')
}

export function registerCors(app: FastifyInstance, ctx: AppContext): void {
  const tokenOrigins = new Set([...ctx.config.clients.flatMap(clientOrigins), ...ctx.config.trustedOrigins])
  const allowed = (endpoint: CorsEndpoint, origin: string) => endpoint !== 'token' || tokenOrigins.has(origin)

  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin
    const method = req.headers['access-control-request-method']
    if (req.method !== 'OPTIONS' || origin === undefined || method === undefined) return
    const endpoint = corsEndpoint(req)
    if (endpoint === undefined) return
    reply.code(204).header('vary', 'Origin')
    if (allowed(endpoint, origin)) {
      const requested = req.headers['access-control-request-headers']
      reply.header('access-control-allow-origin', origin)
      reply.header('access-control-allow-methods', METHODS[endpoint]!)
      reply.header('access-control-max-age', MAX_AGE)
      if (requested !== undefined && HEADER_LIST.test(requested)) reply.header('access-control-allow-headers', requested)
    }
    return reply.send()
  })

  app.addHook('onSend', async (req, reply, payload) => {
    const origin = req.headers.origin
    if (origin === undefined || req.method === 'OPTIONS') return payload
    const endpoint = corsEndpoint(req)
    if (endpoint === undefined) return payload
    reply.header('vary', 'Origin')
    if (allowed(endpoint, origin)) {
      reply.header('access-control-allow-origin', origin)
      // The userinfo error is only in this header; a browser app must be able to read it (wire spec §10).
      if (endpoint === 'userinfo') reply.header('access-control-expose-headers', 'WWW-Authenticate')
    }
    return payload
  })
}
