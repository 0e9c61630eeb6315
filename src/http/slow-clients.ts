/**
 * Slow clients are cut off at the configured times (docs/security.md): headers within
 * `limits.headersTimeoutSeconds` of the request's first byte, a body within
 * `limits.bodyTimeoutSeconds` of its first byte, however steadily they trickle. The socket's idle
 * timeout cannot do it (every byte restarts it), and Node checks its own `headersTimeout` and
 * `requestTimeout` only every `connectionsCheckingInterval`, 30 s unless told otherwise.
 */
import type { Server } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { LimitsConfig } from '../config/types.js'
import { OAuthError } from '../errors/oauth-error.js'
import { mocktaErrors } from '../errors/okta-errors.js'

/** How often Node looks for requests past their deadline: a cut-off comes at most this late. */
const CHECK_INTERVAL_MS = 250

/** The answer to a request that did not arrive in time; the connection is closed after it. */
export const requestTimeoutError = (): OAuthError => {
  const entry = mocktaErrors.request_timeout
  return new OAuthError('request_timeout', entry.status, entry.error, entry.description, { connection: 'close' })
}

/**
 * Every timeout on the server, HTTP or HTTPS alike (Fastify sets its own only on servers it creates).
 * Node reads `connectionsCheckingInterval` when the server starts listening. Its whole-request
 * deadline is only a backstop here, past both of ours: the body's own clock is `bodyTimeout` below.
 */
export function applyServerTimeouts(server: Server, limits: LimitsConfig): void {
  server.headersTimeout = limits.headersTimeoutSeconds * 1000
  server.requestTimeout = (limits.headersTimeoutSeconds + limits.bodyTimeoutSeconds) * 1000
  // A constructor option to @types/node, but a property Node reads on 'listening' (lib/_http_server.js setupConnectionsTracking).
  Object.assign(server, { connectionsCheckingInterval: CHECK_INTERVAL_MS })
  server.keepAliveTimeout = limits.keepAliveTimeoutSeconds * 1000
  server.setTimeout(limits.requestTimeoutSeconds * 1000)
}

/**
 * The body's clock starts with the handler's first look at it, right after the headers. On expiry
 * the body stream Fastify reads fails with a 408 OAuthError, which the error handlers answer in the
 * OAuth shape with `Connection: close`; Node then drops what is left of the body with the socket.
 */
export function registerBodyTimeout(app: FastifyInstance, seconds: number): void {
  const ms = seconds * 1000
  app.addHook('preParsing', (req, reply, payload, done) => {
    const headers = req.headers
    // Fastify reads no body for GET and HEAD, nor where the headers announce none (RFC 9112 §6.3).
    const announced = headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0')
    if (req.method === 'GET' || req.method === 'HEAD' || !announced) return done(null, payload)
    // No stream in between (this runs on every request with a body): Fastify's body reader listens for
    // `error` on the request while it reads, so an error emitted there fails the read with the 408.
    const timer = setTimeout(() => {
      if (payload.listenerCount('error') > 0) payload.emit('error', requestTimeoutError())
      else req.raw.socket?.destroy()
    }, ms)
    const stop = (): void => clearTimeout(timer)
    payload.once('end', stop).once('close', stop)
    // Answered without reading the body (an unsupported media type, a refusal): the clock stops too.
    reply.raw.once('finish', stop).once('close', stop)
    done(null, payload)
  })
}
