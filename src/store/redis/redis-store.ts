/**
 * The Store on Redis (ioredis), shared by every replica and kept across restarts: same contract as
 * MemoryStore (test/store/store.contract.ts), same decisions (a differential test holds the Lua to
 * store.ts), each decision atomic across processes (lua-library.ts says why Lua). Key layout:
 * redis-keys.ts. Every Redis call goes through `unavailableOnFailure`, so an outage reaches the HTTP
 * layer as StoreUnavailableError (503 temporarily_unavailable), never as another error.
 *
 * Time: records are judged by mockta's clock, the `nowMs` each call passes, exactly as MemoryStore
 * judges them. Redis TTLs (computed from the same `nowMs`, plus TTL_MARGIN_MS) only give memory back.
 * Moving mockta's clock therefore changes every decision at once, on every replica, but not the TTLs
 * already set: after a jump forward, ended records stay in Redis until their TTL (real time) or the
 * next sweep drops them; after a jump back, a record may outlive its TTL in mockta's eyes and is then
 * forgotten early by Redis (as if swept). `sweep(nowMs)` still drops, by mockta's clock, what
 * MemoryStore's sweep would, through the expiry indexes, so both stores forget the same things.
 */
import type { Redis } from 'ioredis'
import { SystemClock, type Clock } from '../../clock.js'
import { GrantDelegation } from '../grant-delegation.js'
import {
  checkFound,
  positionOf,
  RETENTION_MS,
  type FamilyRecord,
  type AccessTokenState,
  type FoundToken,
  type TokenRef,
  type RefreshCheck,
  type RefreshCheckRequest,
  type RefreshOutcome,
  type RefreshRequest,
  type Store,
  type StoreIdentity,
  type StoreStats,
} from '../store.js'
import { hashToken } from '../../crypto/hash-token.js'
import { unavailableOnFailure } from './connection.js'
import { createArgs, familyFromHash, ownerOf } from './family-hash.js'
import { TTL_MARGIN_MS } from './lua-library.js'
import { globEscape, storeNamespace } from './redis-keys.js'
import { defineScripts, type RunScript } from './redis-scripts.js'
import { RedisAuthorizationStore } from './redis-authorization-store.js'
import { RedisInteractionStore } from './redis-interaction-store.js'
import { RedisGrantRecords } from './redis-grant-records.js'
import { RedisOutbox } from './redis-outbox.js'
import type { OutboxMessage, OutboxQuery } from '../outbox-store.js'

export interface RedisStoreOptions {
  keyPrefix: string
  maxFamilies: number
  /** mockta's clock, for the TTLs of calls that pass no `nowMs`; the wall clock when left out. */
  clock?: Clock
}

/** Records one sweep script drops at most per kind, so no script blocks Redis for long. */
const SWEEP_BATCH = 500

/**
 * Epoch-second jtis are kept this long: every JWT mockta signs expires within Okta's 24-hour cap on
 * access-token lifetimes, after which whether it was of the epoch second no longer matters.
 */
const EPOCH_JTIS_TTL_MS = RETENTION_MS + TTL_MARGIN_MS

export class RedisStore extends GrantDelegation implements Store {
  private readonly ns: string
  private readonly run: RunScript
  private readonly clock: Clock
  protected readonly authorization: RedisAuthorizationStore
  protected readonly interactions: RedisInteractionStore
  protected readonly grantRecords: RedisGrantRecords
  private readonly outbox: RedisOutbox

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisStoreOptions,
  ) {
    super()
    this.ns = storeNamespace(options.keyPrefix)
    this.run = defineScripts(redis, this.ns)
    this.clock = options.clock ?? new SystemClock()
    this.authorization = new RedisAuthorizationStore(redis, this.run, options.keyPrefix, this.clock)
    this.interactions = new RedisInteractionStore(redis, this.run, options.keyPrefix, this.clock)
    this.grantRecords = new RedisGrantRecords(this.run, this.clock)
    this.outbox = new RedisOutbox(redis, options.keyPrefix)
  }

  async createFamily(family: FamilyRecord): Promise<boolean> {
    return (await this.call('createFamily', ...createArgs(family), this.options.maxFamilies)) === 1
  }

  /**
   * One HGETALL, no script: reading one hash is atomic in Redis anyway, and a script cost Redis about
   * 30 µs per call against 4–7 for the plain command (docs/bench.md, "Where a Redis refresh goes now").
   * The position is store.ts positionOf, as MemoryStore computes it.
   */
  async findRefreshToken(ref: TokenRef): Promise<FoundToken | undefined> {
    const family = await this.getFamily(ref.familyId)
    const position = family && positionOf(family, ref.generation)
    return position && { family, position }
  }

  async checkRefreshToken(r: RefreshCheckRequest): Promise<RefreshCheck> {
    return checkFound(await this.findRefreshToken(r), r)
  }

  async getFamily(id: string): Promise<FamilyRecord | undefined> {
    return familyFromHash(await unavailableOnFailure(this.redis.hgetall(`${this.ns}f:${id}`)))
  }

  async redeemRefreshToken(r: RefreshRequest): Promise<RefreshOutcome> {
    const [kind, family] = (await this.call('redeem', r.familyId, r.generation, r.rotate ? '1' : '0', ownerOf(r.clientId, r.authServerId), r.nowMs)) as [
      RefreshOutcome['kind'],
      string[]?,
    ]
    return kind === 'invalid' ? { kind } : { kind, family: familyFromHash(family)! }
  }

  async revokeFamily(id: string, nowMs: number): Promise<void> {
    await this.call('revokeFamily', id, nowMs)
  }

  async revokeAccessToken(jti: string, expiresAtMs: number): Promise<void> {
    await this.authorization.put('a', jti, expiresAtMs, expiresAtMs)
  }

  async isAccessTokenRevoked(jti: string): Promise<boolean> {
    return (await unavailableOnFailure(this.redis.exists(`${this.ns}a:${jti}`))) === 1
  }

  /** One hash, `access-cutoffs`, field per scope; HSET after HGET is fine: only the control plane writes it, and it only moves forward. */
  async endAccessTokens(scope: string, atSeconds: number): Promise<void> {
    const key = `${this.ns}access-cutoffs`
    const current = Number((await unavailableOnFailure(this.redis.hget(key, scope))) ?? 0)
    if (atSeconds > current) await unavailableOnFailure(this.redis.hset(key, scope, String(atSeconds)))
  }

  async accessTokensEndedAt(scopes: string[]): Promise<number> {
    const values = await unavailableOnFailure(this.redis.hmget(`${this.ns}access-cutoffs`, ...scopes))
    return Math.max(0, ...values.map((v) => Number(v ?? 0)))
  }

  async accessTokenState(jti: string, familyId: string | undefined, cutoffScopes: string[]): Promise<AccessTokenState> {
    const [revoked, familyLive, endedAt] = (await this.call('accessTokenState', jti, familyId ?? '', ...cutoffScopes)) as [number, number, string]
    return { revoked: revoked === 1, familyLive: familyLive === 1, endedAt: Number(endedAt) }
  }

  async listFamiliesByUser(userId: string): Promise<FamilyRecord[]> {
    const replies = (await this.call('listByUser', userId)) as string[][]
    return replies.map((h) => familyFromHash(h)!)
  }

  async expireFamily(id: string, atMs: number): Promise<void> {
    await this.call('expireFamily', id, atMs, this.clock.nowMs())
  }

  /** Deletes every key of the store's namespace (SCAN + UNLINK), and nothing else. */
  async clear(): Promise<void> {
    const keys = this.redis.scanStream({ match: `${globEscape(this.ns)}*`, count: 500 })
    await unavailableOnFailure(
      (async () => {
        for await (const batch of keys as AsyncIterable<string[]>) if (batch.length > 0) await this.redis.unlink(...batch)
      })(),
    )
  }

  async identity(proposed: StoreIdentity): Promise<StoreIdentity> {
    // SET NX GET: stores the proposal only if there is none, and answers the one there was.
    const before = await unavailableOnFailure(this.redis.set(`${this.ns}identity`, JSON.stringify(proposed), 'NX', 'GET'))
    return before === null ? { ...proposed } : (JSON.parse(before) as StoreIdentity)
  }

  async noteEpochSecondJti(jti: string): Promise<void> {
    const key = `${this.ns}epoch-jtis`
    await unavailableOnFailure(this.redis.multi().sadd(key, jti).pexpire(key, EPOCH_JTIS_TTL_MS).exec())
  }

  async isEpochSecondJti(jti: string): Promise<boolean> {
    return (await unavailableOnFailure(this.redis.sismember(`${this.ns}epoch-jtis`, jti))) === 1
  }

  /**
   * `j:<hash>` holds the expiry (mockta's clock) of a spent value: a value is spent again
   * only once that time has passed by mockta's clock, whatever Redis's own TTL (real time) says.
   */
  async spendOnce(scope: string, value: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    const key = `${this.ns}j:${hashToken(`${scope}\0${value}`)}`
    const ttl = Math.max(1, expiresAtMs - nowMs) + TTL_MARGIN_MS
    return (await unavailableOnFailure(this.redis.eval(SPEND_ONCE, 1, key, nowMs, expiresAtMs, ttl))) === 1
  }

  addToOutbox(message: OutboxMessage): Promise<void> {
    return this.outbox.addToOutbox(message)
  }

  listOutbox(query?: OutboxQuery): Promise<OutboxMessage[]> {
    return this.outbox.listOutbox(query)
  }

  async dpopNonceRotations(): Promise<number> {
    return Number((await unavailableOnFailure(this.redis.get(`${this.ns}dpop-nonce`))) ?? 0)
  }

  async rotateDpopNonce(): Promise<number> {
    return unavailableOnFailure(this.redis.incr(`${this.ns}dpop-nonce`))
  }

  /**
   * Drops, by mockta's clock, what MemoryStore's sweep would; Redis TTLs already give back the memory of
   * records left alone, so this mainly keeps the indexes (and the capacity count) exact. In batches, each atomic.
   */
  async sweep(nowMs: number): Promise<number> {
    let removed = 0
    for (;;) {
      const [n, more] = (await this.call('sweep', nowMs, RETENTION_MS, SWEEP_BATCH)) as [number, number]
      removed += n
      if (more === 0) return removed + (await this.grantRecords.sweep(nowMs))
    }
  }

  async stats(): Promise<StoreStats> {
    const families = (await this.call('familyStats')) as number
    const revokedAccessTokens = await unavailableOnFailure(this.redis.zcard(`${this.ns}expiry:a`))
    return { families, revokedAccessTokens }
  }

  private call(name: Parameters<RunScript>[0], ...args: Array<string | number>): Promise<unknown> {
    return unavailableOnFailure(this.run(name, ...args))
  }
}

/** Spent unless remembered with an expiry still ahead of mockta's `now` (ARGV[1]); atomic, so one caller wins. */
const SPEND_ONCE = `local spent = redis.call('GET', KEYS[1])
if spent and tonumber(spent) > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`
