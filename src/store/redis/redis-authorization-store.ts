/** The authorization half of RedisStore: codes, sessions and sign-in transactions (authorization-store.ts), shared by replicas. */
import type { Redis } from 'ioredis'
import type { Clock } from '../../clock.js'
import {
  MAX_TRANSACTIONS,
  type AuthorizationCodeRecord,
  type AuthorizationStore,
  type CodeGrantRecord,
  type CodeRedemption,
  type SessionRecord,
  type SessionTokenRecord,
  type TransactionRecord,
} from '../authorization-store.js'
import { unavailableOnFailure } from './connection.js'
import { ttlMs } from './lua-library.js'
import { globEscape, storeNamespace } from './redis-keys.js'
import type { RunScript } from './redis-scripts.js'

export class RedisAuthorizationStore implements AuthorizationStore {
  private readonly ns: string

  /**
   * `clock`: mockta's clock, for the TTL of records whose calls carry no `nowMs` (they are created now;
   * their expiry is in mockta's time, so the TTL is measured from mockta's now, not Redis' wall time).
   */
  constructor(
    private readonly redis: Redis,
    private readonly run: RunScript,
    keyPrefix: string,
    private readonly clock: Clock,
  ) {
    this.ns = storeNamespace(keyPrefix)
  }

  async createAuthorizationCode(code: AuthorizationCodeRecord): Promise<void> {
    await unavailableOnFailure(this.run('putCode', code.hash, JSON.stringify(code), code.expiresAtMs, this.ttl(code.expiresAtMs)))
  }

  async consumeAuthorizationCode(hash: string, nowMs: number): Promise<CodeRedemption> {
    const [kind, code, issued] = (await unavailableOnFailure(this.run('consumeCode', hash, nowMs))) as [string, string?, string?]
    if (kind === 'redeemed') return { kind, code: JSON.parse(code!) as AuthorizationCodeRecord }
    if (kind === 'replayed') return { kind, code: JSON.parse(code!) as AuthorizationCodeRecord, issued: issued ? (JSON.parse(issued) as CodeGrantRecord) : null }
    return { kind: 'invalid' }
  }

  async recordCodeGrant(hash: string, issued: CodeGrantRecord): Promise<boolean> {
    return (await unavailableOnFailure(this.run('recordCodeGrant', hash, JSON.stringify(issued)))) === 1
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.put('s', session.idHash, session, session.expiresAtMs)
  }

  async findSession(idHash: string, nowMs: number): Promise<SessionRecord | undefined> {
    const session = await this.get<SessionRecord>('s', idHash)
    return session && nowMs < session.expiresAtMs ? session : undefined
  }

  async deleteSession(idHash: string): Promise<void> {
    await unavailableOnFailure(this.run('takeRecord', 's', idHash))
  }

  /** SCAN over the session records: the control plane's view, never on a request path. */
  async listSessionsByUser(userId: string, nowMs: number): Promise<SessionRecord[]> {
    const out: SessionRecord[] = []
    const keys = this.redis.scanStream({ match: `${globEscape(this.ns)}s:*`, count: 500 })
    await unavailableOnFailure(
      (async () => {
        for await (const batch of keys as AsyncIterable<string[]>) {
          if (batch.length === 0) continue
          for (const value of await this.redis.mget(...batch)) {
            const s = value === null ? undefined : (JSON.parse(value) as SessionRecord)
            if (s && s.userId === userId && nowMs < s.expiresAtMs) out.push(s)
          }
        }
      })(),
    )
    return out
  }

  async createSessionToken(token: SessionTokenRecord): Promise<void> {
    await this.put('k', token.hash, token, token.expiresAtMs)
  }

  /** takeRecord deletes as it reads, in one script: of concurrent takers exactly one gets the token. */
  async takeSessionToken(hash: string, nowMs: number): Promise<SessionTokenRecord | undefined> {
    const value = (await unavailableOnFailure(this.run('takeRecord', 'k', hash))) as string | null
    const token = value === null ? undefined : (JSON.parse(value) as SessionTokenRecord)
    return token && nowMs < token.expiresAtMs ? token : undefined
  }

  async createTransaction(transaction: TransactionRecord): Promise<void> {
    await this.put('x', transaction.idHash, transaction, transaction.expiresAtMs, MAX_TRANSACTIONS)
  }

  async findTransaction(idHash: string, nowMs: number): Promise<TransactionRecord | undefined> {
    const t = await this.get<TransactionRecord>('x', idHash)
    return t && nowMs < t.expiresAtMs ? t : undefined
  }

  async takeTransaction(idHash: string, nowMs: number): Promise<TransactionRecord | undefined> {
    const value = (await unavailableOnFailure(this.run('takeRecord', 'x', idHash))) as string | null
    const t = value === null ? undefined : (JSON.parse(value) as TransactionRecord)
    return t && nowMs < t.expiresAtMs ? t : undefined
  }

  /** A record mockta considers alive until `expiresAtMs` (mockta's clock); `cap`: most kept of this kind. */
  async put(kind: 'a' | 's' | 'x' | 'k', id: string, value: unknown, expiresAtMs: number, cap = 0): Promise<void> {
    await unavailableOnFailure(this.run('putRecord', kind, id, JSON.stringify(value), expiresAtMs, this.ttl(expiresAtMs), cap))
  }

  async get<T>(kind: 'a' | 's' | 'x' | 'k', id: string): Promise<T | undefined> {
    const value = await unavailableOnFailure(this.redis.get(`${this.ns}${kind}:${id}`))
    return value === null ? undefined : (JSON.parse(value) as T)
  }

  private ttl(expiresAtMs: number): number {
    return ttlMs(expiresAtMs, this.clock.nowMs())
  }
}
