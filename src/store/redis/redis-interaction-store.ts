/** The Identity Engine half of RedisStore (interaction-store.ts), shared by replicas; scripts in interaction-scripts.ts. */
import type { Redis } from 'ioredis'
import type { Clock } from '../../clock.js'
import { MAX_INTERACTIONS, type AuthnTransactionRecord, type InteractionAdvance, type InteractionRecord, type InteractionStore } from '../interaction-store.js'
import { unavailableOnFailure } from './connection.js'
import { ttlMs } from './lua-library.js'
import { storeNamespace } from './redis-keys.js'
import type { RunScript } from './redis-scripts.js'

export class RedisInteractionStore implements InteractionStore {
  private readonly ns: string

  constructor(
    private readonly redis: Redis,
    private readonly run: RunScript,
    keyPrefix: string,
    private readonly clock: Clock,
  ) {
    this.ns = storeNamespace(keyPrefix)
  }

  async createInteraction(interaction: InteractionRecord): Promise<void> {
    const { handleHash, expiresAtMs } = interaction
    await unavailableOnFailure(this.run('putInteraction', handleHash, JSON.stringify(interaction), expiresAtMs, this.ttl(expiresAtMs), MAX_INTERACTIONS))
  }

  async findInteraction(handleHash: string, nowMs: number): Promise<InteractionRecord | undefined> {
    const value = await unavailableOnFailure(this.redis.get(`${this.ns}i:${handleHash}`))
    const i = value === null ? undefined : (JSON.parse(value) as InteractionRecord)
    return i && nowMs < i.expiresAtMs ? i : undefined
  }

  async findInteractionByStateHandle(stateHandleHash: string, nowMs: number): Promise<InteractionRecord | undefined> {
    const handleHash = await unavailableOnFailure(this.redis.get(`${this.ns}ih:${stateHandleHash}`))
    const i = handleHash === null ? undefined : await this.findInteraction(handleHash, nowMs)
    // A pointer left behind by a record replaced meanwhile names another stateHandle.
    return i?.stateHandleHash === stateHandleHash ? i : undefined
  }

  async advanceInteraction(next: InteractionRecord, expectedVersion: number): Promise<InteractionAdvance> {
    const { handleHash, expiresAtMs } = next
    const advanced = await unavailableOnFailure(this.run('advanceInteraction', handleHash, expectedVersion, JSON.stringify(next), expiresAtMs, this.ttl(expiresAtMs)))
    return { kind: advanced === 1 ? 'advanced' : 'conflict' }
  }

  async takeInteractionByCode(codeHash: string, nowMs: number): Promise<InteractionRecord | undefined> {
    const value = (await unavailableOnFailure(this.run('takeInteractionByCode', codeHash, nowMs))) as string | null
    return value === null ? undefined : (JSON.parse(value) as InteractionRecord)
  }

  async recordSignInFailure(userId: string): Promise<number> {
    return unavailableOnFailure(this.redis.incr(this.failuresKey(userId)))
  }

  async clearSignInFailures(userId: string): Promise<void> {
    await unavailableOnFailure(this.redis.del(this.failuresKey(userId)))
  }

  async signInFailures(userId: string): Promise<number> {
    return Number((await unavailableOnFailure(this.redis.get(this.failuresKey(userId)))) ?? 0)
  }

  async createAuthnTransaction(transaction: AuthnTransactionRecord): Promise<void> {
    const { stateTokenHash, expiresAtMs } = transaction
    await unavailableOnFailure(this.redis.set(this.authnKey(stateTokenHash), JSON.stringify(transaction), 'PX', this.ttl(expiresAtMs)))
  }

  async findAuthnTransaction(stateTokenHash: string, nowMs: number): Promise<AuthnTransactionRecord | undefined> {
    const value = await unavailableOnFailure(this.redis.get(this.authnKey(stateTokenHash)))
    const t = value === null ? undefined : (JSON.parse(value) as AuthnTransactionRecord)
    return t && nowMs < t.expiresAtMs ? t : undefined
  }

  async advanceAuthnTransaction(stateTokenHash: string, next: AuthnTransactionRecord | null, expectedVersion: number): Promise<InteractionAdvance> {
    const args = next === null ? [''] : [JSON.stringify({ ...next, stateTokenHash }), this.ttl(next.expiresAtMs)]
    const advanced = await unavailableOnFailure(this.run('advanceAuthnTransaction', stateTokenHash, expectedVersion, ...args))
    return { kind: advanced === 1 ? 'advanced' : 'conflict' }
  }

  private authnKey(stateTokenHash: string): string {
    return `${this.ns}at:${stateTokenHash}`
  }

  private failuresKey(userId: string): string {
    return `${this.ns}lf:${userId}`
  }

  private ttl(expiresAtMs: number): number {
    return ttlMs(expiresAtMs, this.clock.nowMs())
  }
}
