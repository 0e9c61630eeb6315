import t from 'tap'
import { connectRedis, whenReady } from '../../src/store/redis/connection.js'
import { startRedis } from '../helpers/redis-server.js'

t.test('the Redis harness: a real server that can be stopped and started again', async (t) => {
  const server = await startRedis(t, { appendOnly: true })
  if (!server) return
  const redis = await connectRedis({ url: server.url, commandTimeoutMs: 1000 })
  t.teardown(() => redis.disconnect())
  await whenReady(redis, 5000)
  await redis.set('k', 'v')
  await server.stop()
  await t.rejects(redis.get('k'), 'a command while Redis is down fails at once')
  await server.start()
  await whenReady(redis, 5000)
  t.equal(await redis.get('k'), 'v', 'the append-only file brings the data back')
})
