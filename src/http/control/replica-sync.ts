/**
 * Replicas: a request first catches up with the shared control state (clock, data, faults, a reset),
 * one Redis read, unless this replica has already caught up with every change announced to it
 * (control/redis/shared-state.ts: writes wait for every listening replica to catch up). While Redis
 * is down the request goes on with what this replica last saw; whatever needs the store then answers
 * temporarily_unavailable, and keys and discovery keep working.
 */
import type { FastifyInstance } from 'fastify'
import type { ControlPlane } from '../../control/control-plane.js'
import { StoreUnavailableError } from '../../store/store-unavailable.js'

export function registerReplicaSync(app: FastifyInstance, control: ControlPlane): void {
  if (!control.replicated) return
  control.listen()
  app.addHook('onClose', () => control.close())
  app.addHook('onRequest', (_req, _reply, done) => {
    if (control.upToDate) return done()
    control.sync().then(
      () => done(),
      (err: Error) => done(err instanceof StoreUnavailableError ? undefined : err),
    )
  })
}
