/**
 * CORS as Okta answers it (docs/okta-behaviour.md § 10; Okta's OpenAPI `isCorsEnabled`): discovery, keys, introspect, revoke and
 * userinfo for any origin; /token only for the origins of the clients' redirect URIs and the
 * configured Trusted Origins, checked per client on the POST itself. The Authentication and Sessions
 * APIs are credentialed (the session cookie goes along) and only for those trusted origins
 * (docs/authentication-api.md § 4.1), and so are the Identity Engine's `/v1/interact` and `/idp/idx/*`,
 * which okta-auth-js and the Sign-In Widget call with `credentials: 'include'` (docs/identity-engine.md, "Browsers").
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext, Snapshot } from '../context.js'
import { oktaError } from '../errors/oauth-error.js'
import type { Client } from '../registry/clients.js'

const METHODS: Record<string, string> = {
  token: 'POST',
  introspect: 'POST',
  revoke: 'POST',
  keys: 'GET',
  userinfo: 'GET, POST',
  discovery: 'GET',
  par: 'POST',
  device_authorize: 'POST',
  api: 'GET, POST, DELETE',
  interact: 'POST',
  idx: 'POST',
}
const DISCOVERY_DOCUMENTS = ['openid-configuration', 'oauth-authorization-server']
/** Preflight answers may be cached this long (seconds), as Okta's are. */
const MAX_AGE = '3600'
/** A header name (RFC 9110 §5.6.2 token); a preflight's header list is checked name by name. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/
const isHeaderList = (value: string): boolean => value.split(',').every((name) => HEADER_NAME.test(name.trim()))

type CorsEndpoint = keyof typeof METHODS

/** Only for the clients' origins and the Trusted Origins (the others answer any origin). */
const PER_ORIGIN = new Set<CorsEndpoint>(['token', 'par', 'api', 'interact', 'idx'])
/** The session cookie goes along: the browser needs `Access-Control-Allow-Credentials`. */
const CREDENTIALED = new Set<CorsEndpoint>(['api', 'interact', 'idx'])
/** Names `corsEndpoint` finds by their own rule, not as the last path segment. */
const NOT_BY_NAME = new Set<string>(['discovery', 'device_authorize', 'api', 'idx'])

/**
 * From the path, without a regular expression that could be made slow: `/oauth2[/{id}]/v1/{endpoint}`,
 * or a discovery document (`/.well-known/…` under the issuer, or the RFC 8414 form).
 */
function corsEndpoint(req: FastifyRequest): CorsEndpoint | undefined {
  const path = req.url.split('?', 1)[0]!
  // The IDX API is at the origin root whatever the authorization server (docs/identity-engine.md, "Endpoints").
  if (path.startsWith('/idp/idx/')) return 'idx'
  if (path === '/api/v1/authn' || path.startsWith('/api/v1/authn/') || path === '/api/v1/sessions/me' || path.startsWith('/api/v1/sessions/me/')) return 'api'
  if (DISCOVERY_DOCUMENTS.some((doc) => path.includes(`/.well-known/${doc}`))) return 'discovery'
  const parts = path.split('/')
  // `/v1/device/authorize` is the one endpoint two segments deep (Okta's OpenAPI: CORS enabled).
  if (parts.at(-2) === 'device' && parts.at(-1) === 'authorize') {
    const base = parts.slice(0, -2)
    return base[0] === '' && base[1] === 'oauth2' && base.at(-1) === 'v1' && (base.length === 3 || base.length === 4) ? 'device_authorize' : undefined
  }
  const [empty, oauth2] = parts
  const [v1, name] = parts.slice(-2)
  const fits = empty === '' && oauth2 === 'oauth2' && v1 === 'v1' && (parts.length === 4 || parts.length === 5)
  return fits && name !== undefined && !NOT_BY_NAME.has(name) && Object.hasOwn(METHODS, name) ? name : undefined
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
  // Per snapshot: a runtime change of the clients swaps in a new one (context.ts), and the origins with it.
  let memo: { snapshot: Snapshot; origins: Set<string> } | undefined
  const originsOf = (snapshot: Snapshot): Set<string> => {
    if (memo?.snapshot !== snapshot) memo = { snapshot, origins: new Set([...snapshot.config.clients.flatMap(clientOrigins), ...snapshot.config.trustedOrigins]) }
    return memo.origins
  }
  // /v1/par is per client, as /token (docs/okta-behaviour.md § 2.10).
  const allowed = (endpoint: CorsEndpoint, origin: string) => !PER_ORIGIN.has(endpoint) || originsOf(ctx.current()).has(origin)

  // Callback-style hooks: they run on every request (docs/bench.md).
  app.addHook('onRequest', (req, reply, done) => {
    const origin = req.headers.origin
    const method = req.headers['access-control-request-method']
    if (req.method !== 'OPTIONS' || origin === undefined || method === undefined) return done()
    const endpoint = corsEndpoint(req)
    if (endpoint === undefined) return done()
    reply.code(204).header('vary', 'Origin')
    if (allowed(endpoint, origin)) {
      const requested = req.headers['access-control-request-headers']
      reply.header('access-control-allow-origin', origin)
      reply.header('access-control-allow-methods', METHODS[endpoint]!)
      reply.header('access-control-max-age', MAX_AGE)
      // Whatever the client asks for, once the origin is trusted: okta-auth-js sends `X-Okta-User-Agent-Extended`,
      // and `application/ion+json` makes even the IDX introspect a non-simple request.
      if (requested !== undefined && isHeaderList(requested)) reply.header('access-control-allow-headers', requested)
      if (CREDENTIALED.has(endpoint)) reply.header('access-control-allow-credentials', 'true')
    }
    // Answered here: the request goes no further (Fastify: reply in a hook and do not call done).
    reply.send()
  })

  app.addHook('onSend', (req, reply, payload, done) => {
    const origin = req.headers.origin
    if (origin === undefined || req.method === 'OPTIONS') return done(null, payload)
    const endpoint = corsEndpoint(req)
    if (endpoint === undefined) return done(null, payload)
    reply.header('vary', 'Origin')
    if (allowed(endpoint, origin)) {
      reply.header('access-control-allow-origin', origin)
      // The userinfo error is only in this header; a browser app must be able to read it (docs/okta-behaviour.md § 10).
      // A browser app reads the DPoP nonce (RFC 9449 §8) from the token endpoint and a DPoP resource challenge from userinfo.
      if (endpoint === 'userinfo') reply.header('access-control-expose-headers', 'WWW-Authenticate, DPoP-Nonce')
      else if (endpoint === 'token') reply.header('access-control-expose-headers', 'DPoP-Nonce')
      if (CREDENTIALED.has(endpoint)) reply.header('access-control-allow-credentials', 'true')
    }
    done(null, payload)
  })
}
