/**
 * RedisStore on a real redis-server: the Store contract, races between two stores on two connections
 * (two replicas), TTLs derived from mockta's clock, outages, and the namespace it keeps to.
 */
import t from 'tap'
import type { Redis } from 'ioredis'
import { ManualClock } from '../../src/clock.js'
import { RETENTION_MS } from '../../src/store/store.js'
import { connectRedis, whenReady } from '../../src/store/redis/connection.js'
import { TTL_MARGIN_MS } from '../../src/store/redis/lua-library.js'
import { RedisStore } from '../../src/store/redis/redis-store.js'
import { StoreUnavailableError } from '../../src/store/store-unavailable.js'
import { startRedis } from '../helpers/redis-server.js'
import { codeRecord } from './authorization-store.contract.js'
import { familyRecord, ref, storeContract } from './store.contract.js'

const T0 = Date.UTC(2026, 0, 1)
const SECOND = 1000
const server = await startRedis(t, { appendOnly: true })

let prefixes = 0
const uniquePrefix = (name: string): string => `${name}-${++prefixes}:`

async function connect(t: { teardown(fn: () => unknown): void }, url: string, commandTimeoutMs = 2000): Promise<Redis> {
  const redis = await connectRedis({ url, commandTimeoutMs })
  t.teardown(() => redis.disconnect())
  await whenReady(redis, 5000)
  return redis
}

/** Settles with the call's outcome, or rejects after a generous bound: a hang is a failure, not a wait. */
function settlesWithin<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))
  return Promise.race([call, hang]).finally(() => clearTimeout(timer))
}

if (server) {
  const redis = await connect(t, server.url)

  t.test('the Store contract', async (t) => {
    storeContract(t, ({ maxFamilies }) => new RedisStore(redis, { keyPrefix: uniquePrefix('contract'), maxFamilies }), { retentionMs: RETENTION_MS })
  })

  t.test('two replicas (two connections) racing on one token', async (t) => {
    const other = await connect(t, server.url)
    for (const graceSeconds of [0, 30]) {
      t.test(`64 concurrent redeems, grace ${graceSeconds}`, async (t) => {
        const keyPrefix = uniquePrefix('race')
        const replicas = [new RedisStore(redis, { keyPrefix, maxFamilies: 100 }), new RedisStore(other, { keyPrefix, maxFamilies: 100 })]
        t.ok(await replicas[0]!.createFamily(familyRecord({ graceSeconds })))
        const outcomes = await Promise.all(
          Array.from({ length: 64 }, (_, i) =>
            replicas[i % 2]!.redeemRefreshToken({ ...ref('A', 0), rotate: true, clientId: 'native-app', authServerId: 'default', nowMs: T0 + SECOND }),
          ),
        )
        const kinds = outcomes.map((o) => o.kind)
        t.equal(kinds.filter((k) => k === 'rotated').length, 1, 'exactly one rotation')
        if (graceSeconds === 0) {
          t.ok(
            kinds.every((k) => k === 'rotated' || k === 'reuse-detected' || k === 'invalid'),
            'the others are refused',
          )
          t.match(await replicas[1]!.getFamily('oarfamilyA0000000001'), { revokedAtMs: T0 + SECOND }, 'the replay revoked the family')
        } else {
          t.equal(kinds.filter((k) => k === 'reused-successor').length, 63, 'the others replay within grace')
          const successors = new Set(outcomes.map((o) => ('family' in o ? o.family.generation : 'none')))
          t.equal(successors.size, 1, 'one shared successor')
          t.match(await replicas[1]!.getFamily('oarfamilyA0000000001'), { revokedAtMs: null, generation: 1 })
        }
      })
    }

    t.test('64 concurrent redemptions of one code: one redeemed', async (t) => {
      const keyPrefix = uniquePrefix('code-race')
      const replicas = [new RedisStore(redis, { keyPrefix, maxFamilies: 100 }), new RedisStore(other, { keyPrefix, maxFamilies: 100 })]
      await replicas[0]!.createAuthorizationCode(codeRecord())
      const outcomes = await Promise.all(Array.from({ length: 64 }, (_, i) => replicas[i % 2]!.consumeAuthorizationCode('code-hash-1', T0)))
      t.equal(outcomes.filter((o) => o.kind === 'redeemed').length, 1)
      t.equal(outcomes.filter((o) => o.kind === 'replayed').length, 63)
      t.equal(await replicas[1]!.recordCodeGrant('code-hash-1', { familyId: null, accessTokenJti: 'AT.x', accessTokenExpiresAtMs: T0 }), false, 'replayed meanwhile')
    })
  })

  t.test('TTLs come from mockta clock, not from Redis time', async (t) => {
    const keyPrefix = uniquePrefix('ttl')
    const ns = `${keyPrefix}store:`
    const clock = new ManualClock(T0)
    const store = new RedisStore(redis, { keyPrefix, maxFamilies: 100, clock })
    /** PTTL within a few seconds below `expected` (the test itself takes time). */
    const near = async (key: string, expected: number, name: string) => {
      const left = await redis.pttl(key)
      t.ok(left <= expected && left > expected - 10 * SECOND, `${name}: PTTL ${left} ≈ ${expected}`)
    }
    const familyTtl = 100 * SECOND + RETENTION_MS + TTL_MARGIN_MS
    t.ok(await store.createFamily(familyRecord({ idleSeconds: 100 })))
    await near(`${ns}f:oarfamilyA0000000001`, familyTtl, 'family: idle deadline + retention + margin')
    await store.redeemRefreshToken({ ...ref('A', 0), rotate: true, clientId: 'native-app', authServerId: 'default', nowMs: T0 + 50 * SECOND })
    await near(`${ns}f:oarfamilyA0000000001`, familyTtl, 'refreshed on rotation (the idle window restarts)')
    await store.revokeFamily('oarfamilyA0000000001', T0 + 60 * SECOND)
    await near(`${ns}f:oarfamilyA0000000001`, RETENTION_MS + TTL_MARGIN_MS, 'revoked: the retention from now')

    t.ok(await store.createFamily(familyRecord({ id: 'oarfamilyB0000000001', idleSeconds: 0 })))
    t.equal(await redis.pttl(`${ns}f:oarfamilyB0000000001`), -1, 'no deadline, no TTL')
    await store.expireFamily('oarfamilyB0000000001', T0 + 10 * SECOND)
    await near(`${ns}f:oarfamilyB0000000001`, 10 * SECOND + RETENTION_MS + TTL_MARGIN_MS, 'expired: now it has one')

    await store.createAuthorizationCode(codeRecord({ expiresAtMs: T0 + 300 * SECOND }))
    await near(`${ns}c:code-hash-1`, 300 * SECOND + TTL_MARGIN_MS, 'code: until it expires')
    await store.revokeAccessToken('AT.one', T0 + 3600 * SECOND)
    await near(`${ns}a:AT.one`, 3600 * SECOND + TTL_MARGIN_MS, 'revoked access token: until its exp')
    await store.createSession({ idHash: 'sid', userId: 'u', authTime: T0 / 1000, expiresAtMs: T0 + 7200 * SECOND })
    await near(`${ns}s:sid`, 7200 * SECOND + TTL_MARGIN_MS, 'session')
    clock.advance(3600)
    await store.createSession({ idHash: 'sid-2', userId: 'u', authTime: T0 / 1000, expiresAtMs: T0 + 7200 * SECOND })
    await near(`${ns}s:sid-2`, 3600 * SECOND + TTL_MARGIN_MS, 'measured from mockta now, after the clock moved')

    const keys = await redis.keys(`${keyPrefix}*`)
    t.ok(keys.length > 0 && keys.every((k) => k.startsWith(ns)), 'every key is under the store namespace')
    const untimed = []
    for (const key of keys) if ((await redis.pttl(key)) === -1) untimed.push(key.slice(ns.length))
    t.ok(
      untimed.every((k) => ['families', 'u:00ualice000000000001'].includes(k)),
      `only indexes that once held a family without deadline have no TTL (${untimed.join(', ')})`,
    )
  })

  t.test('clear() forgets its own namespace only', async (t) => {
    const a = new RedisStore(redis, { keyPrefix: 'shared-a:', maxFamilies: 10 })
    const b = new RedisStore(redis, { keyPrefix: 'shared-a:b:', maxFamilies: 10 })
    for (const store of [a, b]) {
      t.ok(await store.createFamily(familyRecord()))
      await store.identity({ epochSeconds: 1, tokenSecret: 's' })
    }
    await redis.set('shared-a:control:clock', 'x')
    await redis.set('shared-a:store*:literal', 'y')
    await a.clear()
    t.equal(await a.getFamily('oarfamilyA0000000001'), undefined)
    t.strictSame(await a.identity({ epochSeconds: 2, tokenSecret: 't' }), { epochSeconds: 2, tokenSecret: 't' }, 'the identity is forgotten')
    t.ok(await b.getFamily('oarfamilyA0000000001'), 'another prefix keeps its data')
    t.equal(await redis.get('shared-a:control:clock'), 'x', 'the control plane namespace is left alone')
    t.equal(await redis.get('shared-a:store*:literal'), 'y', 'glob characters in keys do not widen the match')
  })

  t.test('a Redis that does not answer: StoreUnavailableError after the command timeout, not a hang', async (t) => {
    const quick = await connect(t, server.url, 300)
    const blocker = await connect(t, server.url)
    const store = new RedisStore(quick, { keyPrefix: uniquePrefix('slow'), maxFamilies: 10 })
    // A script that keeps Redis busy for about a second: every other client waits meanwhile.
    const busy = blocker.eval("local t0 = redis.call('TIME') repeat local t = redis.call('TIME') until (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 1000000 return 1", 0)
    await t.rejects(settlesWithin(store.getFamily('oarfamilyA0000000001'), 10_000), StoreUnavailableError)
    await busy
    t.equal(await store.getFamily('oarfamilyA0000000001'), undefined, 'answers again once Redis does')
  })

  t.test('outage: calls fail with StoreUnavailableError, then the same store recovers with its data', async (t) => {
    const conn = await connect(t, server.url, 500)
    const store = new RedisStore(conn, { keyPrefix: uniquePrefix('outage'), maxFamilies: 10 })
    t.ok(await store.createFamily(familyRecord()))
    await server.stop()
    const calls: Array<Promise<unknown>> = [
      store.getFamily('oarfamilyA0000000001'),
      store.redeemRefreshToken({ ...ref('A', 0), rotate: true, clientId: 'native-app', authServerId: 'default', nowMs: T0 }),
      store.consumeAuthorizationCode('code-hash-1', T0),
      store.isAccessTokenRevoked('AT.one'),
      store.identity({ epochSeconds: 1, tokenSecret: 's' }),
      store.clear(),
    ]
    for (const call of calls) await t.rejects(settlesWithin(call, 10_000), StoreUnavailableError)
    await server.start()
    await whenReady(conn, 10_000)
    t.match(await store.getFamily('oarfamilyA0000000001'), { generation: 0 }, 'the append-only file kept the family')
    const outcome = await store.redeemRefreshToken({ ...ref('A', 0), rotate: true, clientId: 'native-app', authServerId: 'default', nowMs: T0 + SECOND })
    t.equal(outcome.kind, 'rotated', 'scripts run again on the restarted Redis')
  })
}
