/** GET /health: liveness for container health checks. */
import type { FastifyInstance } from 'fastify'

export function healthRoutes(app: FastifyInstance): void {
  app.get('/health', async () => ({ status: 'ok' }))
}
