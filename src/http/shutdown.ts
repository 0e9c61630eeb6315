/**
 * Graceful shutdown (docs/reliability.md § F-1): once `close()` has begun, requests still arriving on open
 * keep-alive connections get an OAuth-shaped 503 with Retry-After, while requests already in flight
 * finish. Fastify's own `return503OnClosing` answers in its own body shape, so it is off in app.ts.
 */
import type { FastifyInstance } from 'fastify'
import { mocktaError } from '../errors/oauth-error.js'

/** Seconds a client should wait before retrying against the restarted server. */
const RETRY_AFTER_SECONDS = '5'

export function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  // Callback-style: it runs on every request (docs/bench.md).
  app.addHook('onRequest', (_req, _reply, done) => {
    if (closing) return done(mocktaError('shutting_down').withHeaders({ 'retry-after': RETRY_AFTER_SECONDS }))
    done()
  })
}
