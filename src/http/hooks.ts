/** Request-level hygiene shared by every OAuth route: framing checks, cache headers, one log line. */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, onSendHookHandler } from 'fastify'
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
  // Callback-style hooks: no promise per hook per request on the hot path (docs/bench.md).
  app.addHook('onRequest', (req, _reply, done) => {
    // Node keeps the first of two Authorization or Content-Type headers and drops the rest (docs/reliability.md § #20, #41).
    if (repeatedHeader(req)) return done(mocktaError('duplicate_header'))
    const encoding = req.headers['content-encoding']
    // RFC 9110 §8.4: a coding we do not decode must not be parsed as if it were plain form data.
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return done(mocktaError('content_encoding'))
    done()
  })

  // Only routes flagged `noStore` carry the hook, so the others pay nothing for it.
  app.addHook('onRoute', (route) => {
    if (!route.config?.noStore) return
    const existing = route.onSend === undefined ? [] : Array.isArray(route.onSend) ? route.onSend : [route.onSend]
    route.onSend = [...existing, noStoreHeaders]
  })

  // One line per request, path without its query string: query strings can carry tokens (docs/reliability.md § SP-2).
  app.addHook('onResponse', (req, reply, done) => {
    // Container health checks poll every few seconds; keep them out of the info log.
    const level = req.routeOptions.url === '/health' ? 'debug' : 'info'
    if (levelEnabled(req.log, level)) {
      const path = req.url.split('?', 1)[0]
      req.log[level]({ method: req.method, path, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request')
    }
    done()
  })
}

/** pino's `isLevelEnabled`; a logger without it (any FastifyBaseLogger) is asked to log. */
function levelEnabled(log: FastifyBaseLogger, level: 'debug' | 'info'): boolean {
  const check = (log as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled
  return typeof check !== 'function' || check.call(log, level)
}

const noStoreHeaders: onSendHookHandler = (_req, reply, payload, done) => {
  reply.header('cache-control', 'no-cache, no-store')
  reply.header('pragma', 'no-cache')
  done(null, payload)
}
