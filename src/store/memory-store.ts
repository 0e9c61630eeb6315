/** The in-process Store: Maps, with every decision made synchronously so no request can interleave. */
import { FamilyTable } from './family-table.js'
import { MemoryAuthorizationStore } from './memory-authorization-store.js'
import { MemoryInteractionStore } from './memory-interaction-store.js'
import { GrantDelegation } from './grant-delegation.js'
import { MemoryGrantRecords } from './memory-grant-records.js'
import { MemoryOutbox } from './memory-outbox.js'
import type { OutboxMessage, OutboxQuery } from './outbox-store.js'
import { SpentValues } from './spent-values.js'
import {
  checkFound,
  type AccessTokenState,
  RETENTION_MS,
  type FamilyRecord,
  type RefreshCheck,
  type RefreshCheckRequest,
  type FoundToken,
  type RefreshOutcome,
  type RefreshRequest,
  type Store,
  type StoreIdentity,
  type StoreStats,
  type TokenRef,
} from './store.js'

/** How often, at most, a full store sweeps to make room (a sweep is O(families)). */
const PRESSURE_SWEEP_INTERVAL_MS = 1000

export class MemoryStore extends GrantDelegation implements Store {
  /** Families in compact form; records leave it as copies. */
  private readonly families = new FamilyTable()
  private readonly revokedAccessTokens = new Map<string, number>()
  /** Access-token cut-offs by scope (store.ts `endAccessTokens`): a handful of entries at most. */
  private readonly accessTokenCutoffs = new Map<string, number>()
  private lastPressureSweepMs = -Infinity
  /** Codes, sessions and sign-in transactions live in their own module; this class only delegates. */
  protected authorization = new MemoryAuthorizationStore()
  /** Device authorizations and pushed requests, likewise. */
  protected grantRecords = new MemoryGrantRecords()
  protected interactions = new MemoryInteractionStore()
  private readonly outbox = new MemoryOutbox()
  private ownIdentity: StoreIdentity | undefined
  /**
   * Awaited after every change that ends tokens (a revocation, reuse detection, an expiry, a reset):
   * with a state file, it saves at once (store/memory-snapshot.ts), so a `kill -9` right after can
   * never bring an ended token back (docs/reliability.md § F-1). Other changes wait for the save interval.
   */
  onRevocation: (() => Promise<void>) | undefined
  /** Bounded by one second of issuance (oauth/boot-epoch.ts). */
  private readonly epochSecondJtis = new Set<string>()
  /** Spent assertion and proof ids (hashed), kept in a state file like the rest. */
  private readonly spent = new SpentValues()
  /** The DPoP nonce rotations by hand (Store.rotateDpopNonce); an object so the snapshot can restore it. */
  private readonly nonce = { rotations: 0 }

  constructor(private readonly maxFamilies: number) {
    super()
  }

  /**
   * The records as held, for store/memory-snapshot.ts, which copies them out and into a fresh store
   * (the identity goes back through `identity`, which a fresh store takes as proposed).
   */
  get held(): {
    families: FamilyTable
    revokedAccessTokens: Map<string, number>
    authorization: MemoryAuthorizationStore
    grantRecords: MemoryGrantRecords
    interactions: MemoryInteractionStore
    outbox: MemoryOutbox
    identity: StoreIdentity | undefined
    epochSecondJtis: Set<string>
    accessTokenCutoffs: Map<string, number>
    spent: SpentValues
    nonce: { rotations: number }
  } {
    return {
      families: this.families,
      revokedAccessTokens: this.revokedAccessTokens,
      authorization: this.authorization,
      grantRecords: this.grantRecords,
      interactions: this.interactions,
      outbox: this.outbox,
      identity: this.ownIdentity,
      epochSecondJtis: this.epochSecondJtis,
      accessTokenCutoffs: this.accessTokenCutoffs,
      spent: this.spent,
      nonce: this.nonce,
    }
  }

  async createFamily(family: FamilyRecord): Promise<boolean> {
    if (this.families.size >= this.maxFamilies) {
      // Under pressure, ended families go at once instead of after the retention window; throttled so
      // a flood of refused grants does not turn into a flood of full sweeps.
      if (family.createdAtMs - this.lastPressureSweepMs < PRESSURE_SWEEP_INTERVAL_MS) return false
      this.lastPressureSweepMs = family.createdAtMs
      this.sweepNow(family.createdAtMs, 0)
      if (this.families.size >= this.maxFamilies) return false
    }
    this.families.add(family)
    return true
  }

  async findRefreshToken(ref: TokenRef): Promise<FoundToken | undefined> {
    const found = this.families.locate(ref)
    return found && { family: found.family.toRecord(), position: found.position }
  }

  async checkRefreshToken(r: RefreshCheckRequest): Promise<RefreshCheck> {
    return checkFound(await this.findRefreshToken(r), r)
  }

  async getFamily(id: string): Promise<FamilyRecord | undefined> {
    return this.families.get(id)?.toRecord()
  }

  async redeemRefreshToken(r: RefreshRequest): Promise<RefreshOutcome> {
    const outcome = this.families.redeem(r)
    // Decided and applied above, in one synchronous step; only the saving waits.
    if (outcome.kind === 'reuse-detected') await this.onRevocation?.()
    return outcome
  }

  async revokeFamily(id: string, nowMs: number): Promise<void> {
    const f = this.families.get(id)
    if (!f || f.revokedAtMs !== null) return
    f.revokedAtMs = nowMs
    await this.onRevocation?.()
  }

  async revokeAccessToken(jti: string, expiresAtMs: number): Promise<void> {
    this.revokedAccessTokens.set(jti, expiresAtMs)
    await this.onRevocation?.()
  }

  async isAccessTokenRevoked(jti: string): Promise<boolean> {
    return this.revokedAccessTokens.has(jti)
  }

  async endAccessTokens(scope: string, atSeconds: number): Promise<void> {
    this.accessTokenCutoffs.set(scope, Math.max(atSeconds, this.accessTokenCutoffs.get(scope) ?? 0))
    await this.onRevocation?.()
  }

  async accessTokenState(jti: string, familyId: string | undefined, cutoffScopes: string[]): Promise<AccessTokenState> {
    const family = familyId === undefined ? undefined : this.families.get(familyId)
    return {
      revoked: this.revokedAccessTokens.has(jti),
      familyLive: familyId === undefined || (family !== undefined && family.revokedAtMs === null),
      endedAt: await this.accessTokensEndedAt(cutoffScopes),
    }
  }

  async accessTokensEndedAt(scopes: string[]): Promise<number> {
    if (this.accessTokenCutoffs.size === 0) return 0
    return Math.max(0, ...scopes.map((s) => this.accessTokenCutoffs.get(s) ?? 0))
  }

  async listFamiliesByUser(userId: string): Promise<FamilyRecord[]> {
    return [...this.families.values()].filter((f) => f.userId === userId).map((f) => f.toRecord())
  }

  async expireFamily(id: string, atMs: number): Promise<void> {
    const f = this.families.get(id)
    if (!f || (f.expiresAtMs !== null && f.expiresAtMs <= atMs)) return
    f.expiresAtMs = atMs
    await this.onRevocation?.()
  }

  async clear(): Promise<void> {
    this.families.clear()
    this.revokedAccessTokens.clear()
    this.accessTokenCutoffs.clear()
    this.authorization = new MemoryAuthorizationStore()
    this.grantRecords = new MemoryGrantRecords()
    this.interactions = new MemoryInteractionStore()
    this.outbox.clear()
    this.ownIdentity = undefined
    this.epochSecondJtis.clear()
    this.spent.clear()
    this.nonce.rotations = 0
    await this.onRevocation?.()
  }

  async identity(proposed: StoreIdentity): Promise<StoreIdentity> {
    this.ownIdentity ??= { ...proposed }
    return { ...this.ownIdentity }
  }

  async noteEpochSecondJti(jti: string): Promise<void> {
    this.epochSecondJtis.add(jti)
  }

  async isEpochSecondJti(jti: string): Promise<boolean> {
    return this.epochSecondJtis.has(jti)
  }

  async spendOnce(scope: string, value: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    return this.spent.spend(scope, value, expiresAtMs, nowMs)
  }

  async addToOutbox(message: OutboxMessage): Promise<void> {
    await this.outbox.addToOutbox(message)
  }

  async listOutbox(query?: OutboxQuery): Promise<OutboxMessage[]> {
    return this.outbox.listOutbox(query)
  }

  async dpopNonceRotations(): Promise<number> {
    return this.nonce.rotations
  }

  async rotateDpopNonce(): Promise<number> {
    return ++this.nonce.rotations
  }

  async sweep(nowMs: number): Promise<number> {
    return this.sweepNow(nowMs) + this.authorization.sweep(nowMs) + this.grantRecords.sweep(nowMs) + this.interactions.sweep(nowMs) + this.spent.sweep(nowMs)
  }

  async stats(): Promise<StoreStats> {
    return { families: this.families.size, revokedAccessTokens: this.revokedAccessTokens.size }
  }

  private sweepNow(nowMs: number, retentionMs = RETENTION_MS): number {
    let removed = this.families.sweep(nowMs, retentionMs)
    for (const [jti, exp] of this.revokedAccessTokens) {
      if (exp <= nowMs) {
        this.revokedAccessTokens.delete(jti)
        removed++
      }
    }
    return removed
  }
}
