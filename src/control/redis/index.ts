/** The control plane's state in Redis, for replicas: shared state, fault rules and the journal. */
import type { Redis } from 'ioredis'
import type { ControlPlaneOptions } from '../control-plane.js'
import { RedisFaultRules } from './fault-rules.js'
import { RedisJournal } from './journal.js'
import { RedisSharedState } from './shared-state.js'

export function redisControl(redis: Redis, keyPrefix: string, journalSize: number): Required<Pick<ControlPlaneOptions, 'shared' | 'faults' | 'journal'>> {
  return { shared: new RedisSharedState(redis, keyPrefix), faults: new RedisFaultRules(redis, keyPrefix), journal: new RedisJournal(redis, keyPrefix, journalSize) }
}
