/** The store the configuration asks for: in-memory (this process only) or Redis (shared by replicas). */
import type { Redis } from 'ioredis'
import type { Clock } from '../clock.js'
import { ConfigError } from '../config/load.js'
import type { Config } from '../config/types.js'
import { MemoryStore } from './memory-store.js'
import { connectRedis, whenReady } from './redis/connection.js'
import { RedisStore } from './redis/redis-store.js'
import type { Store } from './store.js'

export interface CreatedStore {
  store: Store
  /** The Redis connection, when the store is on Redis. */
  redis?: Redis
  /** Whether `closeStore` closes `redis` (it opened it) or leaves it to whoever passed it in. */
  ownsRedis?: boolean
}

/**
 * `clock`: mockta's clock, from which the Redis store measures its TTLs. `connection`: a Redis
 * connection to use (and leave open) instead of opening one from `store.url`.
 */
export async function createStore(config: Config, clock?: Clock, connection?: Redis): Promise<CreatedStore> {
  const { type, url, keyPrefix, commandTimeoutMs, maxFamilies } = config.store
  if (type === 'memory') return { store: new MemoryStore(maxFamilies) }
  if (!url && !connection) throw new ConfigError(['store.url: required when store.type is "redis" (or give --redis-url / MOCKTA_REDIS_URL)'])
  const redis = connection ?? (await connectRedis({ url: url!, commandTimeoutMs }))
  return { store: new RedisStore(redis, { keyPrefix, maxFamilies, ...(clock && { clock }) }), redis, ownsRedis: !connection }
}

/**
 * createStore, then for Redis a bounded wait for the connection: a wrong URL or a Redis that is down
 * fails start-up with a clear message instead of a server answering 503 to everything.
 */
export async function openStore(config: Config, clock?: Clock, connection?: Redis): Promise<CreatedStore> {
  const created = await createStore(config, clock, connection)
  if (!created.redis || !created.ownsRedis) return created
  const waitMs = Math.max(5000, 5 * config.store.commandTimeoutMs)
  try {
    await whenReady(created.redis, waitMs)
  } catch {
    created.redis.disconnect()
    throw new Error(`the Redis store at ${redisAddress(config.store.url ?? '')} did not answer within ${waitMs} ms`)
  }
  return created
}

/** Closes the store's connection, if any: QUIT lets pending replies arrive; a dead connection is just dropped. */
export async function closeStore({ redis, ownsRedis }: CreatedStore): Promise<void> {
  if (!redis || !ownsRedis) return
  try {
    if (redis.status === 'ready') await redis.quit()
    else redis.disconnect()
  } catch {
    redis.disconnect()
  }
}

/** host:port of a Redis URL, never its password. */
function redisAddress(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}`
  } catch {
    return 'the configured URL'
  }
}
