/**
 * The control API over HTTP, under /__mockta/: a thin layer over ControlPlane. JSON bodies are
 * accepted here only (the OAuth endpoints stay form-only); errors are `{"error", "message"}` JSON.
 *
 * Only the tester reaches it (docs/security.md): requests for a foreign Host name (DNS rebinding)
 * and requests a browser sends for another site are refused with 403, and every request that
 * changes something must be `Content-Type: application/json`, which no cross-site page can send
 * without a CORS preflight, and the control API answers no preflight (it sends no CORS headers).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ConfigError } from '../../config/load.js'
import type { ControlConfig } from '../../config/types.js'
import { ControlError, badRequest } from '../../control/control-error.js'
import type { ControlPlane } from '../../control/control-plane.js'
import { safeEqual } from '../../crypto/safe-equal.js'
import { OAuthError } from '../../errors/oauth-error.js'
import { crossSiteReason } from '../../http/cross-site.js'
import { sendOAuthError } from '../../http/error-handler.js'
import { HostAllowlist } from '../../http/host-allowlist.js'
import { StoreUnavailableError } from '../../store/store-unavailable.js'
import { readCookie } from '../../http/cookies.js'
import { ADMIN_COOKIE, dashboardRoutes, sendTokenPage, type DashboardRouteConfig } from './dashboard.js'
import { controlRoutes, type ControlRoute } from './route-table.js'
import { openApiDocument } from './openapi.js'

export const CONTROL_PREFIX = '/__mockta'

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/
export const isLoopback = (address: string | undefined): boolean => address === undefined || address === 'localhost' || LOOPBACK.test(address)

/** Start-up rule: off loopback, the control API needs an admin token or an explicit trust declaration. */
export function assertControlAccess(host: string, control: Partial<ControlConfig> & Pick<ControlConfig, 'trustNetwork'>): void {
  if (isLoopback(host) || control.adminToken !== undefined || control.trustNetwork) return
  throw new ConfigError(
    [
      `listening on ${host} exposes the control API (/__mockta/) beyond this machine: set MOCKTA_ADMIN_TOKEN (--admin-token), or MOCKTA_TRUST_NETWORK=true (--trust-network) on a private network`,
    ],
    'mockta refuses to start',
  )
}

export async function registerControlApi(app: FastifyInstance, control: ControlPlane, access: ControlConfig, baseUrl: string, bodyLimit: number): Promise<void> {
  const hosts = new HostAllowlist(baseUrl, access.allowedHosts)
  await app.register(
    async (api) => {
      // Not the OAuth form parser this context inherits: a form is what a cross-site page can post.
      api.removeAllContentTypeParsers()
      api.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_req, body, done) => {
        const text = String(body)
        if (text.trim() === '') return done(new ControlError(415, NEEDS_JSON), undefined)
        try {
          done(null, JSON.parse(text))
        } catch {
          done(badRequest('the body is not valid JSON'), undefined)
        }
      })
      api.setErrorHandler(controlErrorHandler)
      api.setNotFoundHandler((req, reply) => {
        // Points at the API's description, so a wrong path is not a dead end.
        sendControlError(
          reply,
          new ControlError(404, `no control endpoint ${req.method} ${req.url.split('?', 1)[0]}; the control API is described at GET ${CONTROL_PREFIX}/openapi.json`),
        )
      })
      api.addHook('onRequest', (req, reply, done) => {
        try {
          refuseForeign(req, hosts)
          const config = req.routeOptions.config as DashboardRouteConfig | undefined
          if (config?.signIn !== true) authorize(req, access)
          requireJson(req)
          done()
        } catch (err) {
          // The dashboard's pages, opened without the admin token, ask for it instead (docs/dashboard.md).
          const config = req.routeOptions.config as DashboardRouteConfig | undefined
          if (err instanceof ControlError && err.statusCode === 401 && config?.page === true) sendTokenPage(req, reply)
          else done(err as ControlError)
        }
      })

      // Built on the first request for it: start-up need not read the schema file (docs/bench.md).
      let document: string | undefined
      api.get('/openapi.json', async (_req, reply) => reply.type('application/json').send((document ??= JSON.stringify(openApiDocument(CONTROL_PREFIX)))))
      for (const route of controlRoutes) addRoute(api, control, route)
      await api.register(dashboardRoutes, { access, secure: baseUrl.startsWith('https:') })
    },
    { prefix: CONTROL_PREFIX },
  )
}

function addRoute(api: FastifyInstance, control: ControlPlane, route: ControlRoute): void {
  api.route({
    method: route.method,
    url: route.url.replace(/\{(\w+)\}/g, ':$1'),
    // Minted tokens and key states must not be cached by anything in between.
    config: { noStore: true },
    handler: async (req, reply) => {
      const result = await route.handle(control, { params: req.params as Record<string, string>, query: req.query as Record<string, string>, body: req.body ?? {} })
      if (result === undefined) return reply.code(204).send()
      return reply
        .code(route.status ?? 200)
        .type('application/json')
        .send(JSON.stringify(result))
    },
  })
}

/** Where the control API's refusals send the reader. */
const SETTING = 'control.allowedHosts (--allowed-hosts, MOCKTA_ALLOWED_HOSTS)'
const NEEDS_JSON =
  'control requests that change something need Content-Type: application/json and a JSON body ({} when there is nothing to send), so that a browser must ask before sending one for another site'
/** Methods that change nothing: curl and a browser's address bar may send them plainly. */
const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** DNS rebinding and cross-site requests (docs/security.md): 403 before anything else is looked at. */
function refuseForeign(req: FastifyRequest, hosts: HostAllowlist): void {
  const host = hosts.foreignHost(req)
  if (host !== undefined) {
    throw new ControlError(403, `the control API answers only loopback names, the base URL's host and those in ${SETTING}; not the Host ${JSON.stringify(host.slice(0, 255))}`)
  }
  const crossSite = crossSiteReason(req, hosts)
  if (crossSite !== undefined) throw new ControlError(403, `${crossSite}: the control API takes no requests from other sites' pages; origins on hosts in ${SETTING} are allowed`)
}

/**
 * A write must say it is JSON and carry a body: the one shape a cross-site page cannot send
 * without a CORS preflight (Fetch standard, CORS-safelisted request headers). Checked on the
 * headers, before any body is read.
 */
function requireJson(req: FastifyRequest): void {
  if (READS.has(req.method)) return
  const type = req.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase()
  const length = req.headers['content-length']
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  if (type !== 'application/json' || !hasBody) throw new ControlError(415, NEEDS_JSON)
}

/**
 * With an admin token configured, every control request must carry it; without one, only requests
 * that arrived on a loopback address are served, unless the network is declared trusted.
 */
function authorize(req: FastifyRequest, access: ControlConfig): void {
  if (access.adminToken !== undefined) {
    const header = req.headers.authorization
    const presented = header !== undefined && /^bearer /i.test(header) ? header.slice(7).trim() : undefined
    // The dashboard's cookie (docs/dashboard.md) stands in for the header, for its own origin only.
    const cookie = presented === undefined ? readCookie(req, ADMIN_COOKIE) : undefined
    if (!safeEqual(presented ?? cookie, access.adminToken)) throw new ControlError(401, 'the control API needs Authorization: Bearer <MOCKTA_ADMIN_TOKEN>')
    if (cookie !== undefined) requireOwnOrigin(req)
    return
  }
  if (!access.trustNetwork && !isLoopback(req.socket.localAddress)) {
    throw new ControlError(403, 'the control API is served on loopback only unless MOCKTA_ADMIN_TOKEN or MOCKTA_TRUST_NETWORK is set')
  }
}

/**
 * A browser attaches a cookie to whatever a page makes it send, so a write authorised by the admin
 * cookie must also say it comes from the dashboard itself: an `Origin` of the request's own origin,
 * which browsers send with every fetch that is not a GET and which no other page can set (RFC 6454 §7).
 * With SameSite=Strict and JSON-only writes this is the third lock; any of them alone would do.
 */
function requireOwnOrigin(req: FastifyRequest): void {
  if (READS.has(req.method)) return
  const origin = req.headers.origin
  const host = origin !== undefined && URL.canParse(origin) ? new URL(origin).host : undefined
  if (host === undefined || host !== req.headers.host?.toLowerCase()) {
    throw new ControlError(
      403,
      'a control request authorised by the dashboard cookie must come from the dashboard page (Origin of this server); other callers send Authorization: Bearer',
    )
  }
}

function sendControlError(reply: FastifyReply, err: ControlError): FastifyReply {
  const headers = err.statusCode === 401 ? { 'www-authenticate': 'Bearer realm="mockta-control"' } : {}
  return reply.code(err.statusCode).headers(headers).type('application/json').send({ error: err.error, message: err.message })
}

function controlErrorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof ControlError) return sendControlError(reply, err)
  // A body that did not arrive in time (http/slow-clients.ts) is answered alike on every path.
  if (err instanceof OAuthError) return sendOAuthError(reply, err)
  if (err instanceof StoreUnavailableError) return sendControlError(reply, new ControlError(503, 'the shared store (Redis) is not answering; try again'))
  const status = (err as FastifyError).statusCode
  if (status !== undefined && status >= 400 && status < 500) {
    if (status === 415) return sendControlError(reply, new ControlError(415, NEEDS_JSON))
    const message = status === 413 ? 'the body is too large' : err.message
    return reply
      .code(status === 413 ? 413 : 400)
      .type('application/json')
      .send({ error: 'bad_request', message })
  }
  req.log.error({ err: { type: err.name, code: (err as FastifyError).code } }, 'control request failed')
  return reply.code(500).type('application/json').send({ error: 'server_error', message: 'unexpected error' })
}
