#!/usr/bin/env node
/**
 * Bytes per live refresh family in mockta's MemoryStore (dist build), run by the bench as
 * `node --expose-gc scripts/bench/family-memory.mjs N` in a process of its own.
 *
 * Method: create N families through the Store interface exactly as a sign-in does (fresh 43-character
 * refresh token hashed with SHA-256, `oar…` family id, the scope array parsed per request, client,
 * server and user strings shared with the configuration), keeping nothing else alive. Force a full
 * GC before and after and divide the growth of V8's heapUsed (and, for reference, of RSS) by N. Then
 * rotate every family once (one more hash: current + previous) and twice (the first hash is retired)
 * and measure again. Prints one JSON line.
 */
import { createHash, randomBytes } from 'node:crypto'
import { MemoryStore } from '../../dist/store/memory-store.js'
import { randomIds } from '../../dist/ids.js'
import { newFamilyRecord } from '../../dist/store/store.js'

const count = Number(process.argv[2])
if (!Number.isInteger(count) || count < 1) throw new Error('usage: family-memory.mjs N')
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc')

const hash = (token) => createHash('sha256').update(token).digest('base64url')
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
const tokens = new Array(count)
const before = settle()
for (let i = 0; i < count; i++) {
  const token = randomIds.refreshToken()
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
      currentHash: hash(token),
    }),
  )
  tokens[i] = token
}
// The tokens array belongs to the measurement, not the store: count it out.
const tokensArray = settle()
const perFamily = (after) => ({ heapBytes: Math.round((after.heapUsed - before.heapUsed) / count), rssBytes: Math.round((after.rss - before.rss) / count) })
const fresh = tokensArray
const rotate = async () => {
  for (let i = 0; i < count; i++) {
    const next = randomBytes(32).toString('base64url')
    const outcome = await store.redeemRefreshToken({ hash: hash(tokens[i]), successorHash: hash(next), clientId, authServerId, nowMs: nowMs + 1000 })
    if (outcome.kind !== 'rotated') throw new Error(`rotation failed: ${outcome.kind}`)
    tokens[i] = next
  }
  return settle()
}
const once = await rotate()
const twice = await rotate()
// What the pool of presented tokens itself costs, measured the same way and subtracted.
const poolBytes = await (async () => {
  const b = settle()
  const copy = tokens.map((t) => `${t.slice(0, 1)}${t.slice(1)}`)
  const a = settle()
  void copy.length
  return (a.heapUsed - b.heapUsed) / count
})()
const net = (m) => {
  const p = perFamily(m)
  return { heapBytes: Math.round(p.heapBytes - poolBytes), rssBytes: Math.round(p.rssBytes - poolBytes) }
}
const stats = await store.stats()
process.stdout.write(`${JSON.stringify({ families: count, storeStats: stats, afterSignIn: net(fresh), afterOneRotation: net(once), afterTwoRotations: net(twice) })}\n`)
