#!/usr/bin/env node
/**
 * Bytes per live refresh family in mockta's MemoryStore (dist build), run by the bench as
 * `node --expose-gc scripts/bench/family-memory.mjs N` in a process of its own.
 *
 * Method: create N families through the Store interface exactly as a sign-in does (`oar…` family id,
 * the scope array parsed per request, client, server and user strings shared with the configuration),
 * keeping nothing else alive (the families to rotate are read back from the store). Force a full GC
 * before and after and divide the growth of V8's heapUsed (and, for reference, of RSS) by N. Then
 * rotate every family 1, 10 and 1,000 times in all and measure again at each point; the 1,000 point
 * only when N × 1,000 ≤ 20 million redeems (the bench runs a small size for it). Prints one JSON line.
 */
import { MemoryStore } from '../../dist/store/memory-store.js'
import { randomIds } from '../../dist/ids.js'
import { newFamilyRecord } from '../../dist/store/store.js'

const count = Number(process.argv[2])
if (!Number.isInteger(count) || count < 1) throw new Error('usage: family-memory.mjs N')
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc')

const settle = () => {
  for (let i = 0; i < 3; i++) globalThis.gc()
  const m = process.memoryUsage()
  return { heapUsed: m.heapUsed, rss: m.rss }
}

const clientId = 'native-app'
const authServerId = 'default'
const userId = '00ualice000000000001'
const nowMs = Date.now()
const store = new MemoryStore(count + 1)
const before = settle()
for (let i = 0; i < count; i++) {
  await store.createFamily(
    newFamilyRecord({
      id: randomIds.familyId(),
      clientId,
      authServerId,
      userId,
      scopes: 'openid profile offline_access'.split(' '),
      authTime: Math.floor(nowMs / 1000),
      createdAtMs: nowMs,
      expiresAtMs: null,
      idleSeconds: 7 * 86400,
      rotation: 'rotate',
      graceSeconds: 30,
    }),
  )
}
const perFamily = (after) => ({ heapBytes: Math.round((after.heapUsed - before.heapUsed) / count), rssBytes: Math.round((after.rss - before.rss) / count) })
const afterSignIn = perFamily(settle())
let rotations = 0
const rotateTo = async (total) => {
  for (; rotations < total; rotations++) {
    for (const f of store.held.families.values()) {
      const outcome = await store.redeemRefreshToken({ familyId: f.id, generation: f.generation, rotate: true, clientId, authServerId, nowMs: nowMs + 1000 + rotations })
      if (outcome.kind !== 'rotated') throw new Error(`rotation failed: ${outcome.kind}`)
    }
  }
  return perFamily(settle())
}
const afterRotations = {}
for (const total of [1, 10, 1000]) {
  if (count * total > 20_000_000) break
  afterRotations[total] = await rotateTo(total)
}
const stats = await store.stats()
process.stdout.write(`${JSON.stringify({ families: count, storeStats: stats, afterSignIn, afterRotations })}\n`)
