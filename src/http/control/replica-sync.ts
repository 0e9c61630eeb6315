/**
 * Replicas: every request first catches up with the shared control state (clock, data, faults, a
 * reset), one Redis read. While Redis is down the request goes on with what this replica last saw;
 * whatever needs the store then answers temporarily_unavailable, and keys and discovery keep working.
 */
import type { FastifyInstance } from 'fastify'
import type { ControlPlane } from '../../control/control-plane.js'
import { StoreUnavailableError } from '../../store/store-unavailable.js'

export function registerReplicaSync(app: FastifyInstance, control: ControlPlane): void {
  if (!control.replicated) return
  app.addHook('onRequest', (_req, _reply, done) => {
    control.sync().then(
      () => done(),
      (err: Error) => done(err instanceof StoreUnavailableError ? undefined : err),
    )
  })
}
