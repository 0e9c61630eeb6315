/**
 * Two in-process mockta replicas sharing one real redis-server: separate apps, separate Redis
 * connections, the same key prefix and the same moved-only-when-told clock start, as two containers
 * behind a load balancer would be. Each pair gets its own prefix, so tests never see each other's state.
 */
import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import { ManualClock } from '../../src/clock.js'
import type { Config } from '../../src/config/types.js'
import { connectRedis, whenReady } from '../../src/store/redis/connection.js'
import { buildTestApp, testConfig, type TestApp } from './app.js'
import { startRedis, type RedisServer } from './redis-server.js'

export interface Replicas {
  redis: RedisServer
  a: TestApp
  b: TestApp
  config: Config
}

export const uniquePrefix = (): string => `mockta-test-${randomBytes(6).toString('hex')}:`

/** Undefined (and `t` skipped) without redis-server outside CI. */
export async function replicaPair(t: Test, options: { change?: (c: Config) => void; redis?: RedisServer } = {}): Promise<Replicas | undefined> {
  const redis = options.redis ?? (await startRedis(t))
  if (!redis) return undefined
  const config = testConfig((c) => {
    Object.assign(c.store, { type: 'redis', url: redis.url, keyPrefix: uniquePrefix(), commandTimeoutMs: 1000 })
    options.change?.(c)
  })
  const replica = async (): Promise<TestApp> => {
    const connection = await connectRedis({ url: redis.url, commandTimeoutMs: config.store.commandTimeoutMs })
    t.teardown(() => connection.disconnect())
    await whenReady(connection, 5000)
    return buildTestApp(t, { config, clock: new ManualClock(), redis: connection })
  }
  return { redis, a: await replica(), b: await replica(), config }
}
