/**
 * The shared control state in Redis: one hash `{prefix}control:state` with the clock offset, the
 * runtime data (JSON) and a version that changes with every write. Only when the version moved is the
 * whole hash read again. Every write is announced on `{prefix}control:changes` (pub/sub) and waits
 * until each listening replica has caught up and acknowledged on `{prefix}control:acks` (at most
 * ACK_WAIT_MS), so the next request anywhere sees it; a replica that is listening and has caught up
 * since the last announcement skips the version read, and one that is not (its subscription down,
 * or just reconnected) reads the version before every request as before (docs/replicas.md). Versions are
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

/** How long a write waits for the replicas' acknowledgements before it answers anyway. */
export const ACK_WAIT_MS = 2000

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

  /** The subscriber connection, once `listen` was called. */
  private subscriber: Redis | undefined
  /** Subscribed and connected: announcements arrive. */
  private listening = false
  /** An announcement (or a reconnection) since the last refresh began. */
  private dirty = true
  /** Writes of this process waiting for acknowledgements: announcement id → acks so far, acks expected (PUBLISH's count). */
  private readonly waiting = new Map<string, { received: number; expected: number | undefined; done: () => void }>()

  get upToDate(): boolean {
    return this.listening && !this.dirty
  }

  listen(catchUp: () => Promise<void>): void {
    const channels = { changes: `${this.key}:changes`, acks: `${this.key}:acks` }
    // ioredis's auto-pipelining can put a command after SUBSCRIBE that a subscribed connection refuses.
    const subscriber = this.redis.duplicate({ enableAutoPipelining: false })
    this.subscriber = subscriber
    const stopListening = () => {
      this.listening = false
      this.dirty = true
    }
    subscriber.on('close', stopListening)
    subscriber.on('reconnecting', stopListening)
    subscriber.on('error', () => {})
    // ioredis subscribes again after a reconnection; only then are announcements trusted again, and
    // the first request after it reads the version (dirty) in case one was missed meanwhile.
    subscriber.on('ready', () => {
      void subscriber.subscribe(channels.changes, channels.acks).then(() => {
        this.dirty = true
        this.listening = true
      }, stopListening)
    })
    // The store's connection is lazy (store/redis/connection.ts); this one connects now and reconnects by itself.
    subscriber.connect().catch(() => {})
    subscriber.on('message', (channel: string, id: string) => {
      if (channel === channels.acks) {
        const wait = this.waiting.get(id)
        if (wait && ++wait.received >= (wait.expected ?? Number.POSITIVE_INFINITY)) wait.done()
        return
      }
      this.dirty = true
      // Acknowledged only once caught up: the writer answers after every replica has applied the change.
      catchUp().then(
        () => this.redis.publish(channels.acks, id).catch(() => {}),
        () => {},
      )
    })
  }

  async close(): Promise<void> {
    for (const wait of this.waiting.values()) wait.done()
    this.subscriber?.disconnect()
  }

  /** Tells every listening replica (this one too) of a write and waits until each has caught up. */
  private async announce(): Promise<void> {
    if (!this.subscriber) return
    const id = newVersion()
    let done = () => {}
    const acknowledged = new Promise<void>((resolve) => {
      done = resolve
    })
    const timer = setTimeout(() => done(), ACK_WAIT_MS)
    const wait = { received: 0, expected: undefined as number | undefined, done }
    this.waiting.set(id, wait)
    try {
      // Every subscriber of the channel gets it, this process's own included; acks may arrive before PUBLISH's answer.
      wait.expected = await unavailableOnFailure(this.redis.publish(`${this.key}:changes`, id))
      if (wait.received >= wait.expected) done()
      await acknowledged
    } finally {
      clearTimeout(timer)
      this.waiting.delete(id)
    }
  }

  async refresh(apply?: () => void): Promise<boolean> {
    // Cleared before the read: an announcement arriving meanwhile makes the next request read again.
    this.dirty = false
    const version = await unavailableOnFailure(this.redis.hget(this.key, 'version')).catch((err: unknown) => {
      this.dirty = true
      throw err
    })
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
    apply?.()
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
    await this.announce()
    return true
  }

  /**
   * A new version without new fields: the others refresh. This process keeps its own version, so its
   * next refresh reads the hash too (another replica may have written just before).
   */
  async touch(): Promise<void> {
    await unavailableOnFailure(this.redis.hset(this.key, 'version', newVersion()))
    // This process keeps its old version: its own announcement makes it read the new state too.
    await this.announce()
  }

  async clear(): Promise<void> {
    const version = newVersion()
    await unavailableOnFailure(this.redis.multi().del(this.key).hset(this.key, 'version', version).exec())
    this.version = version
    this.current = initialSharedState()
    this.runtimeText = null
    await this.announce()
  }
}
