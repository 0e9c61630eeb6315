/** What /health reports about the store: container health checks and load balancers read it. */
export interface StoreHealth {
  type: 'memory' | 'redis'
  /** False while the store cannot answer (requests needing it get temporarily_unavailable). */
  ok: boolean
  /** The connection's state, e.g. `ready`, `reconnecting` (redis). */
  status: string
}

export const memoryHealth = async (): Promise<StoreHealth> => ({ type: 'memory', ok: true, status: 'ready' })
