/**
 * The shared control state in Redis: one hash `{prefix}control:state` with the clock offset, the
 * runtime data (JSON) and a version that changes with every write. Each request first reads the
 * version alone (one round trip); only when it moved is the whole hash read again. Versions are
 * random, never counters, so a Redis that lost its data (or a reset) can never repeat a version a
 * replica remembers, and every replica notices. Only this module writes the hash (the protocol is in
 * control/shared-state.ts).
 */
import { randomBytes } from 'node:crypto'
import type { Redis, Result } from 'ioredis'
import { unavailableOnFailure } from '../../store/redis/connection.js'
import type { RuntimeDataState } from '../runtime-data-state.js'
import { changeWithCompareAndSet, initialSharedState, type SharedControlState, type SharedState } from '../shared-state.js'

/**
 * Compare-and-set of fields (Lua, so the check and the write are one atomic step for every replica;
 * WATCH/MULTI would need a connection per writer, since ioredis multiplexes one connection).
 * KEYS[1] the hash; ARGV[1] the version the writer saw ('' = none), ARGV[2] the new version, then
 * field/value pairs ('' deletes the field).
 */
const COMPARE_AND_SET = `
if (redis.call('HGET', KEYS[1], 'version') or '') ~= ARGV[1] then return 0 end
for i = 3, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
redis.call('HSET', KEYS[1], 'version', ARGV[2])
return 1
`

declare module 'ioredis' {
  interface RedisCommander<Context> {
    mocktaCompareAndSet(key: string, ...args: string[]): Result<number, Context>
  }
}

const newVersion = (): string => randomBytes(12).toString('base64url')

export class RedisSharedState implements SharedControlState {
  readonly replicated = true
  current: SharedState = initialSharedState()
  /** The version `current` is from; `undefined` before the first read. */
  private version: string | null | undefined
  private readonly key: string
  private runtimeText: string | null = null

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.key = `${keyPrefix}control:state`
    if (!redis.mocktaCompareAndSet) redis.defineCommand('mocktaCompareAndSet', { numberOfKeys: 1, lua: COMPARE_AND_SET })
  }

  async refresh(): Promise<boolean> {
    const version = await unavailableOnFailure(this.redis.hget(this.key, 'version'))
    if (version === this.version) return false
    const fields = await unavailableOnFailure(this.redis.hgetall(this.key))
    this.version = fields['version'] ?? null
    const runtimeText = fields['runtime'] ?? null
    this.current = {
      clockOffsetMs: Number(fields['clockOffsetMs'] ?? 0) || 0,
      // The same object while the text is the same: RuntimeData rebuilds the registries only when it changed.
      runtime: runtimeText === this.runtimeText ? this.current.runtime : runtimeText === null ? null : (JSON.parse(runtimeText) as RuntimeDataState),
    }
    this.runtimeText = runtimeText
    return true
  }

  change(decide: () => Partial<SharedState>, catchUp: () => Promise<void>, doing: string): Promise<void> {
    return changeWithCompareAndSet((changes) => this.write(changes), decide, catchUp, doing)
  }

  /** Writes `changes` if nobody changed the state since this process last saw it; false otherwise. */
  private async write(changes: Partial<SharedState>): Promise<boolean> {
    const args: string[] = []
    if (changes.clockOffsetMs !== undefined) args.push('clockOffsetMs', String(changes.clockOffsetMs))
    if (changes.runtime !== undefined) args.push('runtime', changes.runtime === null ? '' : JSON.stringify(changes.runtime))
    const version = newVersion()
    const written = await unavailableOnFailure(this.redis.mocktaCompareAndSet(this.key, this.version ?? '', version, ...args))
    if (written !== 1) return false
    this.version = version
    this.current = { ...this.current, ...changes }
    if (changes.runtime !== undefined) this.runtimeText = changes.runtime === null ? null : JSON.stringify(changes.runtime)
    return true
  }

  /**
   * A new version without new fields: the others refresh. This process keeps its own version, so its
   * next refresh reads the hash too (another replica may have written just before).
   */
  async touch(): Promise<void> {
    await unavailableOnFailure(this.redis.hset(this.key, 'version', newVersion()))
  }

  async clear(): Promise<void> {
    const version = newVersion()
    await unavailableOnFailure(this.redis.multi().del(this.key).hset(this.key, 'version', version).exec())
    this.version = version
    this.current = initialSharedState()
    this.runtimeText = null
  }
}
