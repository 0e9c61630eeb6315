/**
 * The outbox on Redis (outbox-store.ts), shared by replicas: one list `outbox`, newest first, each
 * message a JSON string; LPUSH and LTRIM in one transaction keep it at the cap. No TTL: like the
 * memory outbox it lasts until the cap pushes a message out or `clear()` (the control plane's reset).
 */
import type { Redis } from 'ioredis'
import { MAX_OUTBOX_MESSAGES, selectOutbox, type OutboxMessage, type OutboxQuery, type OutboxStore } from '../outbox-store.js'
import { unavailableOnFailure } from './connection.js'
import { storeNamespace } from './redis-keys.js'

export class RedisOutbox implements OutboxStore {
  private readonly key: string

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    this.key = `${storeNamespace(keyPrefix)}outbox`
  }

  async addToOutbox(message: OutboxMessage): Promise<void> {
    await unavailableOnFailure(
      this.redis
        .multi()
        .lpush(this.key, JSON.stringify(message))
        .ltrim(this.key, 0, MAX_OUTBOX_MESSAGES - 1)
        .exec(),
    )
  }

  async listOutbox(query?: OutboxQuery): Promise<OutboxMessage[]> {
    const values = await unavailableOnFailure(this.redis.lrange(this.key, 0, -1))
    return selectOutbox(
      values.map((v) => JSON.parse(v) as OutboxMessage),
      query,
    )
  }
}
