/**
 * The journal shared by replicas: a capped Redis list of `seq JSON` lines, appended and trimmed by
 * one Lua script so numbering and capping stay consistent however many replicas write. The query's
 * filters are the in-memory journal's own (matchesQuery).
 */
import type { Redis, Result } from 'ioredis'
import { unavailableOnFailure } from '../../store/redis/connection.js'
import { lastOf, matchesQuery, sinceMsOf, withSeq, type JournalEntry, type JournalQuery, type JournalStore } from '../journal.js'

/** KEYS: the list, the sequence counter. ARGV: the entry's JSON, the capacity. */
const APPEND = `
local seq = redis.call('INCR', KEYS[2])
redis.call('RPUSH', KEYS[1], seq .. ' ' .. ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
return seq
`

declare module 'ioredis' {
  interface RedisCommander<Context> {
    mocktaJournalAppend(list: string, seq: string, entry: string, capacity: number): Result<number, Context>
  }
}

export class RedisJournal implements JournalStore {
  private readonly list: string
  private readonly seq: string

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

  async append(entry: Omit<JournalEntry, 'seq'>): Promise<void> {
    await unavailableOnFailure(this.redis.mocktaJournalAppend(this.list, this.seq, JSON.stringify(entry), this.capacity))
  }

  async query(q: JournalQuery): Promise<JournalEntry[]> {
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
    await unavailableOnFailure(this.redis.del(this.list))
  }
}
