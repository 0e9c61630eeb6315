/**
 * Bytes per live refresh family in the Redis store (dist build), on the bench's own redis-server.
 *
 * Method: create N families through RedisStore as a sign-in does, under a fresh key prefix; then
 * MEMORY USAGE (SAMPLES 0: every element counted) of each family's hash, plus the family's share of
 * the two sorted sets that index it (`families` and its user's `u:`), divided by N; and the growth
 * of INFO's used_memory over N, for reference. Measured after sign-in and after 1, 10 and 1,000
 * rotations of every family; also how many keys the prefix holds, which must stay N + 2.
 */
import { randomIds } from '../../dist/ids.js'
import { connectRedis, whenReady } from '../../dist/store/redis/connection.js'
import { RedisStore } from '../../dist/store/redis/redis-store.js'
import { newFamilyRecord } from '../../dist/store/store.js'

const usedMemory = async (redis) => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1])

async function keysUnder(redis, prefix) {
  let cursor = '0'
  const keys = []
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    cursor = next
    keys.push(...batch)
  } while (cursor !== '0')
  return keys
}

export async function measureRedisFamilyMemory(url, count = 200) {
  const redis = await connectRedis({ url, commandTimeoutMs: 10_000 })
  try {
    await whenReady(redis, 10_000)
    const keyPrefix = `bench-memory-${process.pid}:`
    const ns = `${keyPrefix}store:`
    const store = new RedisStore(redis, { keyPrefix, maxFamilies: count + 1 })
    const clientId = 'native-app'
    const authServerId = 'default'
    const userId = '00ualice000000000001'
    const nowMs = Date.now()
    const base = await usedMemory(redis)
    const ids = Array.from({ length: count }, () => randomIds.familyId())
    await Promise.all(
      ids.map((id) =>
        store.createFamily(
          newFamilyRecord({
            id,
            clientId,
            authServerId,
            userId,
            scopes: ['openid', 'profile', 'offline_access'],
            authTime: Math.floor(nowMs / 1000),
            createdAtMs: nowMs,
            expiresAtMs: null,
            idleSeconds: 7 * 86400,
            rotation: 'rotate',
            graceSeconds: 30,
          }),
        ),
      ),
    )
    const measure = async () => {
      let bytes = 0
      for (const id of ids) bytes += await redis.memory('USAGE', `${ns}f:${id}`, 'SAMPLES', '0')
      for (const index of [`${ns}families`, `${ns}u:${userId}`]) bytes += (await redis.memory('USAGE', index, 'SAMPLES', '0')) ?? 0
      return { memoryUsageBytes: Math.round(bytes / count), usedMemoryBytes: Math.round(((await usedMemory(redis)) - base) / count), keys: (await keysUnder(redis, ns)).length }
    }
    const afterSignIn = await measure()
    const generations = new Map(ids.map((id) => [id, 0]))
    let rotations = 0
    const afterRotations = {}
    for (const total of [1, 10, 1000]) {
      for (; rotations < total; rotations++) {
        await Promise.all(
          ids.map(async (id) => {
            const outcome = await store.redeemRefreshToken({ familyId: id, generation: generations.get(id), rotate: true, clientId, authServerId, nowMs: nowMs + 1000 + rotations })
            if (outcome.kind !== 'rotated') throw new Error(`rotation failed: ${outcome.kind}`)
            generations.set(id, outcome.family.generation)
          }),
        )
      }
      afterRotations[total] = await measure()
    }
    await store.clear()
    return { families: count, afterSignIn, afterRotations }
  } finally {
    redis.disconnect()
  }
}
