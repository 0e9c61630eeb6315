/**
 * One ioredis connection per process, set up so that an outage is answered, not waited out: no
 * offline queue (a command while disconnected fails at once), a command timeout, one attempt per
 * command, and reconnection forever in the background so mockta recovers by itself when Redis returns.
 */
import type { Redis } from 'ioredis'
import type { StoreHealth } from '../store-health.js'
import { StoreUnavailableError } from '../store-unavailable.js'

export interface RedisOptions {
  url: string
  commandTimeoutMs: number
}

/** Reconnect backoff: quick at first, at most a second apart, never giving up. */
const retryDelayMs = (attempt: number): number => Math.min(50 * attempt, 1000)

export async function connectRedis({ url, commandTimeoutMs }: RedisOptions): Promise<Redis> {
  // Loaded only when a Redis store is configured: the memory store's start-up and memory stay as they were (docs/bench.md).
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: commandTimeoutMs,
    retryStrategy: retryDelayMs,
    // Lua scripts are sent with EVALSHA and re-sent by ioredis after a Redis restart (NOSCRIPT).
    lazyConnect: true,
    // Commands issued in one event-loop turn (many requests' scripts and journal entries under load)
    // go out in one write and come back in one read: fewer system calls and less parsing per
    // command (docs/bench.md, "What makes mockta fast"). Not for the subscriber (control/redis/shared-state.ts).
    enableAutoPipelining: true,
  })
  // Without a listener ioredis prints every failed reconnection; the state is reported by /health instead.
  redis.on('error', () => {})
  return redis
}

/** Waits until the connection is ready, or fails with StoreUnavailableError after the timeout. */
export async function whenReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return
  if (redis.status === 'wait') redis.connect().catch(() => {})
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', ready)
      reject(new StoreUnavailableError(`Redis did not answer within ${timeoutMs} ms`))
    }, timeoutMs)
    const ready = (): void => {
      clearTimeout(timer)
      resolve()
    }
    redis.once('ready', ready)
  })
}

/** Runs a Redis call; any failure of the connection becomes StoreUnavailableError (temporarily_unavailable). */
export async function unavailableOnFailure<T>(call: Promise<T>): Promise<T> {
  try {
    return await call
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw err
    throw new StoreUnavailableError(`the Redis store did not answer: ${(err as Error).message}`, { cause: err })
  }
}

/** Ready and answering a PING within the command timeout. */
export async function redisHealth(redis: Redis, timeoutMs: number): Promise<StoreHealth> {
  if (redis.status !== 'ready') return { type: 'redis', ok: false, status: redis.status }
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)))
  try {
    const answer = await Promise.race([redis.ping(), late])
    return answer === 'PONG' ? { type: 'redis', ok: true, status: 'ready' } : { type: 'redis', ok: false, status: 'not answering' }
  } catch {
    return { type: 'redis', ok: false, status: redis.status }
  } finally {
    clearTimeout(timer)
  }
}

/**
 * One log line when the connection is lost and one when it is back, not one per reconnection attempt:
 * an operator sees the outage and its end, and the URL (which may hold a password) is never logged.
 */
export function logOutages(redis: Redis, log: { warn(msg: string): void; info(msg: string): void }): { stop(): void } {
  let lost = false
  let stopped = false
  redis.on('close', () => {
    if (lost || stopped) return
    lost = true
    log.warn('the Redis store is unreachable: requests that need it answer temporarily_unavailable until it is back')
  })
  redis.on('ready', () => {
    if (!lost) return
    lost = false
    log.info('the Redis store is reachable again')
  })
  // Closing the connection at shutdown is no outage.
  return { stop: () => void (stopped = true) }
}
