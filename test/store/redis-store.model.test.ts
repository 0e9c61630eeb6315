/**
 * Differential test: the refresh decision exists twice, in TypeScript (store.ts decideRefresh, used by
 * MemoryStore) and in Lua (lua-library.ts, used by RedisStore). Random operation sequences run against
 * both; every answer must be identical, so the two cannot drift.
 */
import { deepStrictEqual } from 'node:assert'
import fc from 'fast-check'
import t from 'tap'
import { MemoryStore } from '../../src/store/memory-store.js'
import { connectRedis, whenReady } from '../../src/store/redis/connection.js'
import { RedisStore } from '../../src/store/redis/redis-store.js'
import type { Store, TokenRef } from '../../src/store/store.js'
import { startRedis } from '../helpers/redis-server.js'
import { codeRecord } from './authorization-store.contract.js'
import { familyRecord } from './store.contract.js'

const T0 = Date.UTC(2026, 0, 1)
const RUNS = 150
/** Small, so capacity and the sweep that makes room are exercised too. */
const MAX_FAMILIES = 3
const USERS = ['00ualice000000000001', '00ubob00000000000002']

const lifecycle = fc.oneof(
  fc.record({
    op: fc.constant('create' as const),
    grace: fc.constantFrom(0, 30),
    idle: fc.constantFrom(0, 100),
    life: fc.constantFrom(null, 60_000, 3_600_000),
    user: fc.constantFrom(0, 1),
    rotation: fc.constantFrom('rotate' as const, 'static' as const),
  }),
  // `latest`: the newest token handed out, else any token ever handed out.
  fc.record({ op: fc.constant('redeem' as const), token: fc.nat(), latest: fc.boolean(), rotate: fc.boolean(), foreign: fc.constantFrom(0, 0, 0, 1, 2) }),
  // The token rotated away last: grace replays and reuse detection.
  fc.record({ op: fc.constant('replay' as const), rotate: fc.boolean() }),
  // Mostly small steps, around the grace and idle boundaries; sometimes past lifetimes and retention, or back.
  fc.record({
    op: fc.constant('time' as const),
    ms: fc.oneof(
      { arbitrary: fc.constantFrom(0, 1, 999, 1000, 29_999, 30_000), weight: 6 },
      { arbitrary: fc.constantFrom(99_999, 100_000, 3_600_000, 86_400_000, 90_000_000, -1, -30_000), weight: 1 },
    ),
  }),
)
const others = fc.oneof(
  fc.record({ op: fc.constant('revoke' as const), family: fc.nat() }),
  fc.record({ op: fc.constant('expire' as const), family: fc.nat(), inMs: fc.constantFrom(-1000, 0, 10_000) }),
  fc.record({ op: fc.constant('find' as const), token: fc.nat() }),
  fc.record({ op: fc.constant('sweep' as const) }),
  fc.record({ op: fc.constant('revokeAT' as const), jti: fc.nat({ max: 3 }), inMs: fc.constantFrom(-1, 0, 3_600_000) }),
  fc.record({ op: fc.constant('checkAT' as const), jti: fc.nat({ max: 3 }) }),
  fc.record({ op: fc.constant('list' as const), user: fc.constantFrom(0, 1) }),
  fc.record({ op: fc.constant('stats' as const) }),
  fc.record({ op: fc.constant('code' as const), code: fc.nat({ max: 2 }), action: fc.constantFrom('create' as const, 'consume' as const, 'record' as const) }),
)
const op = fc.oneof({ arbitrary: lifecycle, weight: 4 }, { arbitrary: others, weight: 1 })
type Op = typeof op extends fc.Arbitrary<infer O> ? O : never

/** What both stores have been given: ids, tokens (as family and generation), time. */
interface World {
  now: number
  families: string[]
  tokens: TokenRef[]
  n: number
  /** The token the last redeem or replay presented. */
  presented: TokenRef
}
const UNKNOWN: TokenRef = { familyId: 'oarunknown0000000000', generation: 0 }

/** Runs one operation on one store; `world` holds what both have been given (ids, hashes, time). */
async function apply(store: Store, o: Op, w: World): Promise<unknown> {
  const pick = <T>(xs: T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length])
  switch (o.op) {
    case 'create': {
      const id = `oarfamily${String(w.families.length).padStart(11, '0')}`
      const created = await store.createFamily(
        familyRecord({
          id,
          createdAtMs: w.now,
          lastUsedMs: w.now,
          graceSeconds: o.grace,
          idleSeconds: o.idle,
          expiresAtMs: o.life === null ? null : w.now + o.life,
          userId: USERS[o.user]!,
          rotation: o.rotation,
        }),
      )
      return created
    }
    case 'redeem': {
      const token = (o.latest ? w.tokens.at(-1) : pick(w.tokens, o.token)) ?? UNKNOWN
      w.presented = token
      return store.redeemRefreshToken({
        ...token,
        rotate: o.rotate,
        clientId: o.foreign === 1 ? 'web-app' : 'native-app',
        authServerId: o.foreign === 2 ? null : 'default',
        nowMs: w.now,
      })
    }
    case 'replay': {
      const token = w.tokens.at(-2) ?? UNKNOWN
      w.presented = token
      return store.redeemRefreshToken({ ...token, rotate: o.rotate, clientId: 'native-app', authServerId: 'default', nowMs: w.now })
    }
    case 'revoke':
      return store.revokeFamily(pick(w.families, o.family) ?? 'oarunknown', w.now)
    case 'expire':
      return store.expireFamily(pick(w.families, o.family) ?? 'oarunknown', w.now + o.inMs)
    case 'find':
      return store.findRefreshToken(pick(w.tokens, o.token) ?? UNKNOWN)
    case 'sweep':
      return store.sweep(w.now)
    case 'revokeAT':
      return store.revokeAccessToken(`AT.${o.jti}`, w.now + o.inMs)
    case 'checkAT':
      return store.isAccessTokenRevoked(`AT.${o.jti}`)
    case 'list':
      return (await store.listFamiliesByUser(USERS[o.user]!)).sort((a, b) => a.id.localeCompare(b.id))
    case 'stats':
      return store.stats()
    case 'code': {
      const hash = `code-${o.code}`
      if (o.action === 'create') return store.createAuthorizationCode(codeRecord({ hash, expiresAtMs: w.now + 60_000 }))
      if (o.action === 'consume') return store.consumeAuthorizationCode(hash, w.now)
      return store.recordCodeGrant(hash, { familyId: null, accessTokenJti: `AT.${w.n}`, accessTokenExpiresAtMs: w.now })
    }
    case 'time':
      return undefined
  }
}

const server = await startRedis(t)
if (server) {
  const redis = await connectRedis({ url: server.url, commandTimeoutMs: 2000 })
  t.teardown(() => redis.disconnect())
  await whenReady(redis, 5000)

  t.test(`MemoryStore and RedisStore answer ${RUNS} random operation sequences identically`, async (t) => {
    let run = 0
    let operations = 0
    const seen = new Map<string, number>()
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40 }), async (ops) => {
        const memory = new MemoryStore(MAX_FAMILIES)
        const redisStore = new RedisStore(redis, { keyPrefix: `model-${++run}:`, maxFamilies: MAX_FAMILIES })
        const w: World = { now: T0, families: [], tokens: [], n: 0, presented: UNKNOWN }
        for (const o of ops) {
          w.n++
          if (o.op === 'time') w.now += o.ms
          const expected = await apply(memory, o, w)
          const actual = await apply(redisStore, o, w)
          deepStrictEqual(actual, expected, `operation ${w.n} ${JSON.stringify(o)}`)
          operations++
          const kind = o.op === 'redeem' || o.op === 'replay' ? (expected as { kind: string }).kind : o.op === 'create' ? `create:${String(expected)}` : o.op
          seen.set(kind, (seen.get(kind) ?? 0) + 1)
          // What both stores now know, for the next operations to pick from.
          if (o.op === 'create' && expected === true) {
            w.tokens.push({ familyId: `oarfamily${String(w.families.length).padStart(11, '0')}`, generation: 0 })
            w.families.push(`oarfamily${String(w.families.length).padStart(11, '0')}`)
          } else if (o.op === 'create') w.families.push(`oarfamily${String(w.families.length).padStart(11, '0')}`)
          // The successor a grant would hand out: the presented token's next generation.
          if ((o.op === 'redeem' || o.op === 'replay') && o.rotate) w.tokens.push({ ...w.presented, generation: w.presented.generation + 1 })
        }
      }),
      { numRuns: RUNS, seed: 0x5eed },
    )
    t.pass(`${RUNS} sequences, ${operations} operations, no difference`)
    for (const kind of ['rotated', 'kept', 'reused-successor', 'reuse-detected', 'invalid', 'create:false'])
      t.ok((seen.get(kind) ?? 0) > 0, `${kind} was exercised (${seen.get(kind) ?? 0})`)
  })
}
