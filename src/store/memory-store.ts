/** The in-process Store: Maps, with every decision made synchronously so no request can interleave. */
import { MemorySignInStore } from './memory-sign-in-store.js'
import type { AuthorizationCodeRecord, CodeGrantRecord, CodeRedemption, SessionRecord, TransactionRecord } from './sign-in-store.js'
import { decideRefresh, familyDeadlineMs, type FamilyRecord, type FoundToken, type RefreshOutcome, type RefreshRequest, type Store, type StoreStats } from './store.js'

/**
 * Families stay after they end for as long as one of their access tokens may still be unexpired (Okta
 * caps access-token lifetimes at 24 h), so introspection keeps answering for those tokens.
 */
export const RETENTION_MS = 24 * 3600 * 1000

/**
 * Retired generations remembered per family, so replaying any of them is detected as reuse (C-4).
 * Older ones are forgotten (they then fail as unknown tokens) so a family refreshed for months keeps
 * bounded memory.
 */
export const MAX_RETIRED_GENERATIONS = 1000

/** How often, at most, a full store sweeps to make room (a sweep is O(families)). */
const PRESSURE_SWEEP_INTERVAL_MS = 1000

/** Records cross the Store boundary as copies, arrays included, so no caller can change the store. */
const copy = (f: FamilyRecord): FamilyRecord => ({ ...f, scopes: [...f.scopes] })

export class MemoryStore implements Store {
  private readonly families = new Map<string, FamilyRecord>()
  /** Refresh-token hash → family id, for every hash a family still remembers. */
  private readonly tokens = new Map<string, string>()
  /** Family id → hashes older than `previousHash`, oldest first. */
  private readonly retired = new Map<string, string[]>()
  private readonly revokedAccessTokens = new Map<string, number>()
  private lastPressureSweepMs = -Infinity
  /** Codes, sessions and sign-in transactions live in their own module; this class only delegates. */
  private signIn = new MemorySignInStore()

  constructor(private readonly maxFamilies: number) {}

  async createFamily(family: FamilyRecord): Promise<boolean> {
    if (this.families.size >= this.maxFamilies) {
      // Under pressure, ended families go at once instead of after the retention window; throttled so
      // a flood of refused grants does not turn into a flood of full sweeps.
      if (family.createdAtMs - this.lastPressureSweepMs < PRESSURE_SWEEP_INTERVAL_MS) return false
      this.lastPressureSweepMs = family.createdAtMs
      this.sweepNow(family.createdAtMs, 0)
      if (this.families.size >= this.maxFamilies) return false
    }
    this.families.set(family.id, copy(family))
    this.tokens.set(family.currentHash, family.id)
    return true
  }

  async findRefreshToken(hash: string): Promise<FoundToken | undefined> {
    const found = this.locate(hash)
    return found && { family: copy(found.family), position: found.position }
  }

  async getFamily(id: string): Promise<FamilyRecord | undefined> {
    const f = this.families.get(id)
    return f && copy(f)
  }

  async redeemRefreshToken(r: RefreshRequest): Promise<RefreshOutcome> {
    // Lookup, decision and write happen in this one synchronous section (reliability bar I2).
    const found = this.locate(r.hash)
    if (!found) return { kind: 'invalid' }
    const f = found.family
    const kind = decideRefresh(f, found.position, r)
    switch (kind) {
      case 'invalid':
        return { kind }
      case 'reuse-detected':
        f.revokedAtMs = r.nowMs
        return { kind, family: copy(f) }
      case 'rotated':
        if (f.previousHash !== null) this.retire(f.id, f.previousHash)
        f.previousHash = f.currentHash
        f.rotatedAtMs = r.nowMs
        f.currentHash = r.successorHash!
        f.generation += 1
        f.currentUsed = false
        this.tokens.set(f.currentHash, f.id)
        break
      case 'kept':
        f.currentUsed = true
        break
      case 'reused-successor':
        break
    }
    // The idle window restarts on each use (Okta KB "Refresh Token Idle Lifetime").
    f.lastUsedMs = r.nowMs
    return { kind, family: copy(f) }
  }

  async revokeFamily(id: string, nowMs: number): Promise<void> {
    const f = this.families.get(id)
    if (f && f.revokedAtMs === null) f.revokedAtMs = nowMs
  }

  async revokeAccessToken(jti: string, expiresAtMs: number): Promise<void> {
    this.revokedAccessTokens.set(jti, expiresAtMs)
  }

  async isAccessTokenRevoked(jti: string): Promise<boolean> {
    return this.revokedAccessTokens.has(jti)
  }

  async listFamiliesByUser(userId: string): Promise<FamilyRecord[]> {
    return [...this.families.values()].filter((f) => f.userId === userId).map(copy)
  }

  async expireFamily(id: string, atMs: number): Promise<void> {
    const f = this.families.get(id)
    if (f && (f.expiresAtMs === null || f.expiresAtMs > atMs)) f.expiresAtMs = atMs
  }

  async clear(): Promise<void> {
    this.families.clear()
    this.tokens.clear()
    this.retired.clear()
    this.revokedAccessTokens.clear()
    this.signIn = new MemorySignInStore()
  }

  async sweep(nowMs: number): Promise<number> {
    return this.sweepNow(nowMs) + this.signIn.sweep(nowMs)
  }

  createAuthorizationCode(code: AuthorizationCodeRecord): Promise<void> {
    return this.signIn.createAuthorizationCode(code)
  }
  consumeAuthorizationCode(hash: string, nowMs: number): Promise<CodeRedemption> {
    return this.signIn.consumeAuthorizationCode(hash, nowMs)
  }
  recordCodeGrant(hash: string, issued: CodeGrantRecord): Promise<boolean> {
    return this.signIn.recordCodeGrant(hash, issued)
  }
  createSession(session: SessionRecord): Promise<void> {
    return this.signIn.createSession(session)
  }
  findSession(idHash: string, nowMs: number): Promise<SessionRecord | undefined> {
    return this.signIn.findSession(idHash, nowMs)
  }
  deleteSession(idHash: string): Promise<void> {
    return this.signIn.deleteSession(idHash)
  }
  createTransaction(transaction: TransactionRecord): Promise<void> {
    return this.signIn.createTransaction(transaction)
  }
  findTransaction(idHash: string, nowMs: number): Promise<TransactionRecord | undefined> {
    return this.signIn.findTransaction(idHash, nowMs)
  }
  takeTransaction(idHash: string, nowMs: number): Promise<TransactionRecord | undefined> {
    return this.signIn.takeTransaction(idHash, nowMs)
  }

  async stats(): Promise<StoreStats> {
    return { families: this.families.size, tokens: this.tokens.size, revokedAccessTokens: this.revokedAccessTokens.size }
  }

  private locate(hash: string): { family: FamilyRecord; position: FoundToken['position'] } | undefined {
    const id = this.tokens.get(hash)
    const family = id === undefined ? undefined : this.families.get(id)
    if (!family) return undefined
    const position = hash === family.currentHash ? 'current' : hash === family.previousHash ? 'previous' : 'retired'
    return { family, position }
  }

  private retire(familyId: string, hash: string): void {
    let hashes = this.retired.get(familyId)
    if (!hashes) this.retired.set(familyId, (hashes = []))
    hashes.push(hash)
    if (hashes.length > MAX_RETIRED_GENERATIONS) this.tokens.delete(hashes.shift()!)
  }

  private sweepNow(nowMs: number, retentionMs = RETENTION_MS): number {
    let removed = 0
    for (const [id, f] of this.families) {
      const endedAt = f.revokedAtMs ?? familyDeadlineMs(f)
      if (nowMs - endedAt > retentionMs || (retentionMs === 0 && nowMs >= endedAt)) {
        this.families.delete(id)
        this.tokens.delete(f.currentHash)
        if (f.previousHash !== null) this.tokens.delete(f.previousHash)
        for (const hash of this.retired.get(id) ?? []) this.tokens.delete(hash)
        this.retired.delete(id)
        removed++
      }
    }
    for (const [jti, exp] of this.revokedAccessTokens) {
      if (exp <= nowMs) {
        this.revokedAccessTokens.delete(jti)
        removed++
      }
    }
    return removed
  }
}
