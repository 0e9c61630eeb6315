/**
 * The control API over HTTP, under /__mockta/: a thin layer over ControlPlane. JSON bodies are
 * accepted here only (the OAuth endpoints stay form-only); errors are `{"error", "message"}` JSON.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ConfigError } from '../../config/load.js'
import { StoreUnavailableError } from '../../store/store-unavailable.js'
import type { ControlConfig } from '../../config/types.js'
import { safeEqual } from '../../crypto/safe-equal.js'
import { ControlError, badRequest } from '../../control/control-error.js'
import type { ControlPlane } from '../../control/control-plane.js'
import { controlRoutes, type ControlRoute } from './route-table.js'
import { openApiDocument } from './openapi.js'

export const CONTROL_PREFIX = '/__mockta'

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/
export const isLoopback = (address: string | undefined): boolean => address === undefined || address === 'localhost' || LOOPBACK.test(address)

/** Start-up rule: off loopback, the control API needs an admin token or an explicit trust declaration. */
export function assertControlAccess(host: string, control: ControlConfig): void {
  if (isLoopback(host) || control.adminToken !== undefined || control.trustNetwork) return
  throw new ConfigError(
    [`listening on ${host} exposes the control API (/__mockta/) beyond this machine: set MOCKTA_ADMIN_TOKEN (--admin-token), or MOCKTA_TRUST_NETWORK=true (--trust-network) on a private network`],
    'mockta refuses to start',
  )
}

export async function registerControlApi(app: FastifyInstance, control: ControlPlane, access: ControlConfig, bodyLimit: number): Promise<void> {
  await app.register(
    async (api) => {
      api.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_req, body, done) => {
        const text = String(body)
        if (text.trim() === '') return done(null, undefined)
        try {
          done(null, JSON.parse(text))
        } catch {
          done(badRequest('the body is not valid JSON'), undefined)
        }
      })
      api.setErrorHandler(controlErrorHandler)
      api.setNotFoundHandler((req, reply) => {
        // Points at the API's description, so a wrong path is not a dead end.
        sendControlError(reply, new ControlError(404, `no control endpoint ${req.method} ${req.url.split('?', 1)[0]}; the control API is described at GET ${CONTROL_PREFIX}/openapi.json`))
      })
      api.addHook('onRequest', async (req) => authorize(req, access))

      // Built on the first request for it: start-up need not read the schema file (docs/bench.md).
      let document: string | undefined
      api.get('/openapi.json', async (_req, reply) => reply.type('application/json').send((document ??= JSON.stringify(openApiDocument(CONTROL_PREFIX)))))
      for (const route of controlRoutes) addRoute(api, control, route)
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
      return reply.code(route.status ?? 200).type('application/json').send(JSON.stringify(result))
    },
  })
}

/**
 * With an admin token configured, every control request must carry it; without one, only requests
 * that arrived on a loopback address are served, unless the network is declared trusted.
 */
function authorize(req: FastifyRequest, access: ControlConfig): void {
  if (access.adminToken !== undefined) {
    const header = req.headers.authorization
    const presented = header !== undefined && /^bearer /i.test(header) ? header.slice(7).trim() : undefined
    if (!safeEqual(presented, access.adminToken)) throw new ControlError(401, 'the control API needs Authorization: Bearer <MOCKTA_ADMIN_TOKEN>')
    return
  }
  if (!access.trustNetwork && !isLoopback(req.socket.localAddress)) {
    throw new ControlError(403, 'the control API is served on loopback only unless MOCKTA_ADMIN_TOKEN or MOCKTA_TRUST_NETWORK is set')
  }
}

function sendControlError(reply: FastifyReply, err: ControlError): FastifyReply {
  const headers = err.statusCode === 401 ? { 'www-authenticate': 'Bearer realm="mockta-control"' } : {}
  return reply.code(err.statusCode).headers(headers).type('application/json').send({ error: err.error, message: err.message })
}

function controlErrorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof ControlError) return sendControlError(reply, err)
  if (err instanceof StoreUnavailableError) return sendControlError(reply, new ControlError(503, 'the shared store (Redis) is not answering; try again'))
  const status = (err as FastifyError).statusCode
  if (status !== undefined && status >= 400 && status < 500) {
    const message = status === 413 ? 'the body is too large' : status === 415 ? 'the body must be application/json' : err.message
    return reply.code(status === 413 ? 413 : 400).type('application/json').send({ error: 'bad_request', message })
  }
  req.log.error({ err: { type: err.name, code: (err as FastifyError).code } }, 'control request failed')
  return reply.code(500).type('application/json').send({ error: 'server_error', message: 'unexpected error' })
}
