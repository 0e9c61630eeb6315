/** Request-level hygiene shared by every OAuth route: framing checks, cache headers, one log line. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { mocktaError } from '../errors/oauth-error.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** RFC 6749 §5.1: token and introspection answers, errors included, must not be cached. */
    noStore?: boolean
  }
}

/** Headers whose repetition would let two readers of one request see different values. */
const SINGLE_HEADERS = new Set(['authorization', 'content-type', 'content-length', 'content-encoding'])

function repeatedHeader(req: FastifyRequest): boolean {
  const seen = new Set<string>()
  const raw = req.raw.rawHeaders
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase()
    if (!SINGLE_HEADERS.has(name)) continue
    if (seen.has(name)) return true
    seen.add(name)
  }
  return false
}

export function registerHooks(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    // Node keeps the first of two Authorization or Content-Type headers and drops the rest (bar #20, #41).
    if (repeatedHeader(req)) throw mocktaError('duplicate_header')
    const encoding = req.headers['content-encoding']
    // RFC 9110 §8.4: a coding we do not decode must not be parsed as if it were plain form data.
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') throw mocktaError('content_encoding')
  })

  app.addHook('onSend', async (req, reply, payload) => {
    if (req.routeOptions.config.noStore) {
      reply.header('cache-control', 'no-cache, no-store')
      reply.header('pragma', 'no-cache')
    }
    return payload
  })

  // One line per request, path without its query string: query strings can carry tokens (SP-2).
  app.addHook('onResponse', async (req, reply) => {
    const path = req.url.split('?', 1)[0]
    // Container health checks poll every few seconds; keep them out of the info log.
    const level = req.routeOptions.url === '/health' ? 'debug' : 'info'
    req.log[level]({ method: req.method, path, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request')
  })
}
