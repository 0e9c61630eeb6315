/**
 * GET /health: liveness and the store's state, for container health checks and load balancers. A
 * replica whose Redis is unreachable answers 503, so a balancer can take it out of rotation.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { StoreHealth } from '../store/store-health.js'

export const healthRoutes: FastifyPluginAsync<{ storeHealth: () => Promise<StoreHealth> }> = async (app, { storeHealth }) => {
  app.get('/health', async (_req, reply) => {
    const store = await storeHealth()
    return reply.code(store.ok ? 200 : 503).send({ status: store.ok ? 'ok' : 'unavailable', store: { type: store.type, status: store.status } })
  })
}
