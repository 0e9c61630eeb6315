/** The in-process InteractionStore: Maps whose every operation is one synchronous section (no interleaving). */
import {
  MAX_AUTHN_TRANSACTIONS,
  MAX_INTERACTIONS,
  type AuthnTransactionRecord,
  type InteractionAdvance,
  type InteractionRecord,
  type InteractionStore,
} from './interaction-store.js'
import { plainCopy } from './plain-copy.js'

export class MemoryInteractionStore implements InteractionStore {
  private readonly interactions = new Map<string, InteractionRecord>()
  /** stateHandle hash → interaction handle hash. */
  private readonly byStateHandle = new Map<string, string>()
  /** interaction code hash → interaction handle hash. */
  private readonly byCode = new Map<string, string>()
  private readonly failures = new Map<string, number>()
  /** Authentication API transactions by state-token hash, oldest first. */
  private readonly authn = new Map<string, AuthnTransactionRecord>()

  constructor(
    private readonly maxInteractions = MAX_INTERACTIONS,
    private readonly maxAuthn = MAX_AUTHN_TRANSACTIONS,
  ) {}

  /** The records as held, for store/memory-snapshot.ts (the indexes follow from the records). */
  get held(): { interactions: Map<string, InteractionRecord>; failures: Map<string, number>; authn: Map<string, AuthnTransactionRecord> } {
    return { interactions: this.interactions, failures: this.failures, authn: this.authn }
  }

  /** Puts a record in with its indexes (also what a snapshot's restore does). */
  put(interaction: InteractionRecord): void {
    const previous = this.interactions.get(interaction.handleHash)
    if (previous) this.unindex(previous)
    this.interactions.set(interaction.handleHash, plainCopy(interaction))
    this.byStateHandle.set(interaction.stateHandleHash, interaction.handleHash)
    if (interaction.codeHash !== null) this.byCode.set(interaction.codeHash, interaction.handleHash)
  }

  async createInteraction(interaction: InteractionRecord): Promise<void> {
    this.put(interaction)
    // Maps iterate in insertion order: the first key is the oldest interaction.
    if (this.interactions.size > this.maxInteractions) this.remove(this.interactions.keys().next().value!)
  }

  async findInteraction(handleHash: string, nowMs: number): Promise<InteractionRecord | undefined> {
    const i = this.interactions.get(handleHash)
    return i && nowMs < i.expiresAtMs ? plainCopy(i) : undefined
  }

  async findInteractionByStateHandle(stateHandleHash: string, nowMs: number): Promise<InteractionRecord | undefined> {
    const handleHash = this.byStateHandle.get(stateHandleHash)
    return handleHash === undefined ? undefined : this.findInteraction(handleHash, nowMs)
  }

  async advanceInteraction(next: InteractionRecord, expectedVersion: number): Promise<InteractionAdvance> {
    const current = this.interactions.get(next.handleHash)
    if (!current || current.version !== expectedVersion) return { kind: 'conflict' }
    this.put(next)
    return { kind: 'advanced' }
  }

  async takeInteractionByCode(codeHash: string, nowMs: number): Promise<InteractionRecord | undefined> {
    const handleHash = this.byCode.get(codeHash)
    const i = handleHash === undefined ? undefined : this.interactions.get(handleHash)
    if (!i || i.codeHash !== codeHash || i.codeExpiresAtMs === null || nowMs >= i.codeExpiresAtMs) return undefined
    this.remove(i.handleHash)
    return i
  }

  async recordSignInFailure(userId: string): Promise<number> {
    const count = (this.failures.get(userId) ?? 0) + 1
    this.failures.set(userId, count)
    return count
  }

  async clearSignInFailures(userId: string): Promise<void> {
    this.failures.delete(userId)
  }

  async signInFailures(userId: string): Promise<number> {
    return this.failures.get(userId) ?? 0
  }

  async createAuthnTransaction(transaction: AuthnTransactionRecord): Promise<void> {
    this.authn.set(transaction.stateTokenHash, plainCopy(transaction))
    if (this.authn.size > this.maxAuthn) this.authn.delete(this.authn.keys().next().value!)
  }

  async findAuthnTransaction(stateTokenHash: string, nowMs: number): Promise<AuthnTransactionRecord | undefined> {
    const t = this.authn.get(stateTokenHash)
    return t && nowMs < t.expiresAtMs ? plainCopy(t) : undefined
  }

  async advanceAuthnTransaction(stateTokenHash: string, next: AuthnTransactionRecord | null, expectedVersion: number): Promise<InteractionAdvance> {
    const current = this.authn.get(stateTokenHash)
    if (!current || current.version !== expectedVersion) return { kind: 'conflict' }
    if (next === null) this.authn.delete(stateTokenHash)
    else this.authn.set(stateTokenHash, plainCopy({ ...next, stateTokenHash }))
    return { kind: 'advanced' }
  }

  /** Drops expired interactions and transactions; returns how many. */
  sweep(nowMs: number): number {
    let removed = 0
    for (const [hash, t] of this.authn) {
      if (t.expiresAtMs <= nowMs) {
        this.authn.delete(hash)
        removed++
      }
    }
    for (const [handleHash, i] of this.interactions) {
      if (i.expiresAtMs <= nowMs) {
        this.remove(handleHash)
        removed++
      }
    }
    return removed
  }

  private remove(handleHash: string): void {
    const i = this.interactions.get(handleHash)
    if (!i) return
    this.unindex(i)
    this.interactions.delete(handleHash)
  }

  private unindex(i: InteractionRecord): void {
    if (this.byStateHandle.get(i.stateHandleHash) === i.handleHash) this.byStateHandle.delete(i.stateHandleHash)
    if (i.codeHash !== null && this.byCode.get(i.codeHash) === i.handleHash) this.byCode.delete(i.codeHash)
  }
}
