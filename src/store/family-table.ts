/**
 * MemoryStore's refresh-token families in compact form (docs/bench.md: ≤ 600 bytes per live family).
 * What families share (client, server, user, scopes, rotation policy, lifetimes) is held once in an
 * interned profile; token hashes are kept as 32-byte binary strings instead of 43 base64url
 * characters; the hash index points at the family itself. Records still cross the Store boundary as
 * plain `FamilyRecord` copies.
 */
import { flat, hashKey, hashOf } from './hash-key.js'
import { decideRefresh, type FamilyRecord, type FoundToken, type RefreshOutcome, type RefreshRequest } from './store.js'

/** What a family shares with every other family of the same sign-in shape; never changes. */
interface Profile {
  readonly clientId: string
  readonly authServerId: string | null
  readonly userId: string | null
  readonly scopes: readonly string[]
  readonly rotation: FamilyRecord['rotation']
  readonly graceSeconds: number
  readonly idleSeconds: number
  readonly key: string
  families: number
}

/** A family as stored; getters present the shared and encoded parts in `FamilyRecord`'s terms. */
export class Family implements FamilyRecord {
  retired: string[] | null = null
  /** The DPoP key binding (store.ts `jkt`); undefined when unbound. */
  jkt?: string

  constructor(
    readonly id: string,
    readonly profile: Profile,
    readonly authTime: number,
    readonly createdAtMs: number,
    /** Mutable only for the control plane's expire (Store.expireFamily). */
    public expiresAtMs: number | null,
    public current: string,
    public generation: number,
    public lastUsedMs: number,
    public currentUsed: boolean,
    public previous: string | null,
    public rotatedAtMs: number | null,
    public revokedAtMs: number | null,
  ) {}

  get clientId(): string {
    return this.profile.clientId
  }
  get authServerId(): string | null {
    return this.profile.authServerId
  }
  get userId(): string | null {
    return this.profile.userId
  }
  get scopes(): string[] {
    return [...this.profile.scopes]
  }
  get rotation(): FamilyRecord['rotation'] {
    return this.profile.rotation
  }
  get graceSeconds(): number {
    return this.profile.graceSeconds
  }
  get idleSeconds(): number {
    return this.profile.idleSeconds
  }
  get currentHash(): string {
    return hashOf(this.current)
  }
  get previousHash(): string | null {
    return this.previous === null ? null : hashOf(this.previous)
  }
  /** The retired generations still remembered, oldest first. */
  get retiredHashes(): string[] {
    return (this.retired ?? []).map(hashOf)
  }

  /** A plain copy, arrays included, so no caller can change the store. */
  toRecord(): FamilyRecord {
    return {
      id: this.id,
      clientId: this.clientId,
      authServerId: this.authServerId,
      userId: this.userId,
      scopes: this.scopes,
      authTime: this.authTime,
      createdAtMs: this.createdAtMs,
      expiresAtMs: this.expiresAtMs,
      idleSeconds: this.idleSeconds,
      rotation: this.rotation,
      graceSeconds: this.graceSeconds,
      currentHash: this.currentHash,
      generation: this.generation,
      lastUsedMs: this.lastUsedMs,
      currentUsed: this.currentUsed,
      previousHash: this.previousHash,
      rotatedAtMs: this.rotatedAtMs,
      revokedAtMs: this.revokedAtMs,
      ...(this.jkt !== undefined && { jkt: this.jkt }),
    }
  }

  /** When the family's refresh tokens stop working (store.ts `familyDeadlineMs`, without a record). */
  deadlineMs(): number {
    const idle = this.profile.idleSeconds > 0 ? this.lastUsedMs + this.profile.idleSeconds * 1000 : Infinity
    return Math.min(idle, this.expiresAtMs ?? Infinity)
  }
}

export class FamilyTable {
  private readonly families = new Map<string, Family>()
  /** Hash key → family, for every hash a family still remembers. */
  private readonly tokens = new Map<string, Family>()
  private readonly profiles = new Map<string, Profile>()

  constructor(private readonly maxRetiredGenerations: number) {}

  get size(): number {
    return this.families.size
  }

  get tokenCount(): number {
    return this.tokens.size
  }

  /** `retiredHashes`, oldest first, only when restoring a family (store/memory-snapshot.ts). */
  add(r: FamilyRecord, retiredHashes: readonly string[] = []): void {
    const family = new Family(
      flat(r.id),
      this.profile(r),
      r.authTime,
      r.createdAtMs,
      r.expiresAtMs,
      hashKey(r.currentHash),
      r.generation,
      r.lastUsedMs,
      r.currentUsed,
      r.previousHash === null ? null : hashKey(r.previousHash),
      r.rotatedAtMs,
      r.revokedAtMs,
    )
    const replaced = this.families.get(r.id)
    if (replaced) this.remove(replaced)
    this.families.set(family.id, family)
    this.tokens.set(family.current, family)
    if (family.previous !== null) this.tokens.set(family.previous, family)
    if (r.jkt !== undefined) family.jkt = r.jkt
    if (retiredHashes.length > 0) family.retired = retiredHashes.map(hashKey)
    for (const key of family.retired ?? []) this.tokens.set(key, family)
  }

  get(id: string): Family | undefined {
    return this.families.get(id)
  }

  values(): IterableIterator<Family> {
    return this.families.values()
  }

  clear(): void {
    this.families.clear()
    this.tokens.clear()
    this.profiles.clear()
  }

  locate(hash: string): { family: Family; position: FoundToken['position'] } | undefined {
    const key = hashKey(hash)
    const family = this.tokens.get(key)
    if (!family) return undefined
    const position = key === family.current ? 'current' : key === family.previous ? 'previous' : 'retired'
    return { family, position }
  }

  /** Lookup, decision and write in one synchronous section (docs/reliability.md § I2). */
  redeem(r: RefreshRequest): RefreshOutcome {
    const found = this.locate(r.hash)
    if (!found) return { kind: 'invalid' }
    const f = found.family
    const kind = decideRefresh(f, found.position, r)
    switch (kind) {
      case 'invalid':
        return { kind }
      case 'reuse-detected':
        f.revokedAtMs = r.nowMs
        return { kind, family: f.toRecord() }
      case 'rotated':
        if (f.previous !== null) this.retire(f, f.previous)
        f.previous = f.current
        f.rotatedAtMs = r.nowMs
        f.current = hashKey(r.successorHash!)
        f.generation += 1
        f.currentUsed = false
        this.tokens.set(f.current, f)
        break
      case 'kept':
        f.currentUsed = true
        break
      case 'reused-successor':
        break
    }
    // The idle window restarts on each use (Okta KB "Refresh Token Idle Lifetime").
    f.lastUsedMs = r.nowMs
    return { kind, family: f.toRecord() }
  }

  /** Drops families that ended more than `retentionMs` ago (at once when 0); returns how many. */
  sweep(nowMs: number, retentionMs: number): number {
    let removed = 0
    for (const f of this.families.values()) {
      const endedAt = f.revokedAtMs ?? f.deadlineMs()
      if (nowMs - endedAt > retentionMs || (retentionMs === 0 && nowMs >= endedAt)) {
        this.remove(f)
        removed++
      }
    }
    return removed
  }

  private remove(f: Family): void {
    this.families.delete(f.id)
    this.tokens.delete(f.current)
    if (f.previous !== null) this.tokens.delete(f.previous)
    for (const key of f.retired ?? []) this.tokens.delete(key)
    if (--f.profile.families === 0) this.profiles.delete(f.profile.key)
  }

  /** Older generations stay known so replaying any of them is detected as reuse (docs/reliability.md § C-4), up to a bound. */
  private retire(f: Family, key: string): void {
    if (f.retired === null) f.retired = [key]
    else f.retired.push(key)
    if (f.retired.length > this.maxRetiredGenerations) this.tokens.delete(f.retired.shift()!)
  }

  private profile(r: FamilyRecord): Profile {
    const key = JSON.stringify([r.clientId, r.authServerId, r.userId, r.scopes, r.rotation, r.graceSeconds, r.idleSeconds])
    let profile = this.profiles.get(key)
    if (!profile) {
      profile = {
        clientId: r.clientId,
        authServerId: r.authServerId,
        userId: r.userId,
        scopes: Object.freeze([...r.scopes]),
        rotation: r.rotation,
        graceSeconds: r.graceSeconds,
        idleSeconds: r.idleSeconds,
        key,
        families: 0,
      }
      this.profiles.set(key, profile)
    }
    profile.families++
    return profile
  }
}
