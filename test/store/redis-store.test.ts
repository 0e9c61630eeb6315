import t from 'tap'
import { RETENTION_MS } from '../../src/store/memory-store.js'
import { connectRedis, whenReady } from '../../src/store/redis/connection.js'
import { RedisStore } from '../../src/store/redis/redis-store.js'
import { startRedis } from '../helpers/redis-server.js'
import { storeContract } from './store.contract.js'

const server = await startRedis(t)
if (server) {
  const redis = connectRedis({ url: server.url, commandTimeoutMs: 2000 })
  t.teardown(() => redis.disconnect())
  await whenReady(redis, 5000)
  let n = 0
  storeContract(t, ({ maxFamilies }) => new RedisStore(redis, { keyPrefix: `contract-${++n}:`, maxFamilies }), { retentionMs: RETENTION_MS })
}
