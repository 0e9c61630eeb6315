/**
 * The journal shared by replicas: a capped Redis list of `seq JSON` lines, appended and trimmed by
 * one Lua script so numbering and capping stay consistent however many replicas write. The query's
 * filters are the in-memory journal's own (matchesQuery).
 */
import type { Redis, Result } from 'ioredis'
import { unavailableOnFailure } from '../../store/redis/connection.js'
import { lastOf, matchesQuery, sinceMsOf, withSeq, type JournalEntry, type JournalQuery, type JournalStore } from '../journal.js'

/**
 * KEYS: the list, the sequence counter. ARGV: the capacity, then the entries' JSON in the order they
 * were appended; each gets the next number.
 */
const APPEND = `
for i = 2, #ARGV do
  local seq = redis.call('INCR', KEYS[2])
  redis.call('RPUSH', KEYS[1], seq .. ' ' .. ARGV[i])
end
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)
return #ARGV - 1
`

declare module 'ioredis' {
  interface RedisCommander<Context> {
    mocktaJournalAppend(list: string, seq: string, capacity: number, ...entries: string[]): Result<number, Context>
  }
}

export class RedisJournal implements JournalStore {
  private readonly list: string
  private readonly seq: string
  /** Entries appended since the last write, and that write's promise once it is scheduled. */
  private pending: string[] = []
  private writing: Promise<void> | undefined

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
    private readonly capacity: number,
  ) {
    this.list = `${keyPrefix}control:journal`
    // Kept by clear(), as in memory: `after` cursors stay valid across a clear.
    this.seq = `${keyPrefix}control:journal-seq`
    if (!redis.mocktaJournalAppend) redis.defineCommand('mocktaJournalAppend', { numberOfKeys: 2, lua: APPEND })
  }

  /**
   * Entries appended in one turn of the event loop (under load, many requests are answered in one)
   * go to Redis in one script call after it, not one call each: a Redis command costs the process more
   * CPU than the entry itself (docs/bench.md, "What makes mockta fast"). Every caller's promise is
   * that call's.
   */
  append(entry: Omit<JournalEntry, 'seq'>): Promise<void> {
    this.pending.push(JSON.stringify(entry))
    this.writing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.write())
    return this.writing
  }

  private async write(): Promise<void> {
    const entries = this.pending
    this.pending = []
    this.writing = undefined
    await unavailableOnFailure(this.redis.mocktaJournalAppend(this.list, this.seq, this.capacity, ...entries))
  }

  /** A query or a clear comes after every entry appended before it, as in memory. */
  private async settled(): Promise<void> {
    await this.writing?.catch(() => {})
  }

  async query(q: JournalQuery): Promise<JournalEntry[]> {
    await this.settled()
    const lines = await unavailableOnFailure(this.redis.lrange(this.list, 0, -1))
    const sinceMs = sinceMsOf(q)
    const out: JournalEntry[] = []
    for (const line of lines) {
      const space = line.indexOf(' ')
      const entry = withSeq(Number(line.slice(0, space)), JSON.parse(line.slice(space + 1)) as Omit<JournalEntry, 'seq'>)
      if (matchesQuery(entry, q, sinceMs)) out.push(entry)
    }
    return lastOf(out, q.limit)
  }

  async clear(): Promise<void> {
    await this.settled()
    await unavailableOnFailure(this.redis.del(this.list))
  }
}
