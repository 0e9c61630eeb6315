/** The in-process outbox (outbox-store.ts): an array, oldest first, trimmed to the cap. */
import { MAX_OUTBOX_MESSAGES, selectOutbox, type OutboxMessage, type OutboxQuery, type OutboxStore } from './outbox-store.js'
import { plainCopy } from './plain-copy.js'

export class MemoryOutbox implements OutboxStore {
  /** Oldest first. */
  private messages: OutboxMessage[] = []

  constructor(private readonly max = MAX_OUTBOX_MESSAGES) {}

  /** The messages as held, oldest first, for store/memory-snapshot.ts. */
  get held(): OutboxMessage[] {
    return this.messages
  }

  async addToOutbox(message: OutboxMessage): Promise<void> {
    this.messages.push(plainCopy(message))
    if (this.messages.length > this.max) this.messages.splice(0, this.messages.length - this.max)
  }

  async listOutbox(query?: OutboxQuery): Promise<OutboxMessage[]> {
    return selectOutbox([...this.messages].reverse(), query).map((m) => plainCopy(m))
  }

  clear(): void {
    this.messages = []
  }
}
