/**
 * MemoryStore's refresh-token families in compact form (docs/bench.md: ≤ 400 bytes per live family,
 * whatever its number of rotations). What families share (client, server, user, scopes, rotation
 * policy, lifetimes) is held once in an interned profile. No token or hash is kept: a family's tokens
 * carry its id and their generation under a MAC (oauth/refresh-token.ts), so the family's current
 * generation tells every one of them apart (store.ts `positionOf`). Records still cross the Store
 * boundary as plain `FamilyRecord` copies.
 */
import { flat } from './hash-key.js'
import { decideRefresh, positionOf, type FamilyRecord, type FoundToken, type RefreshOutcome, type RefreshRequest, type TokenRef } from './store.js'

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
  /** The DPoP key binding (store.ts `jkt`); undefined when unbound. */
  jkt?: string

  constructor(
    readonly id: string,
    readonly profile: Profile,
    readonly authTime: number,
    readonly createdAtMs: number,
    /** Mutable only for the control plane's expire (Store.expireFamily). */
    public expiresAtMs: number | null,
    public generation: number,
    public lastUsedMs: number,
    public currentUsed: boolean,
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
      generation: this.generation,
      lastUsedMs: this.lastUsedMs,
      currentUsed: this.currentUsed,
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
  private readonly profiles = new Map<string, Profile>()

  get size(): number {
    return this.families.size
  }

  add(r: FamilyRecord): void {
    const family = new Family(flat(r.id), this.profile(r), r.authTime, r.createdAtMs, r.expiresAtMs, r.generation, r.lastUsedMs, r.currentUsed, r.rotatedAtMs, r.revokedAtMs)
    const replaced = this.families.get(r.id)
    if (replaced) this.remove(replaced)
    this.families.set(family.id, family)
    if (r.jkt !== undefined) family.jkt = r.jkt
  }

  get(id: string): Family | undefined {
    return this.families.get(id)
  }

  values(): IterableIterator<Family> {
    return this.families.values()
  }

  clear(): void {
    this.families.clear()
    this.profiles.clear()
  }

  locate(ref: TokenRef): { family: Family; position: FoundToken['position'] } | undefined {
    const family = this.families.get(ref.familyId)
    const position = family && positionOf(family, ref.generation)
    return position && { family: family!, position }
  }

  /** Lookup, decision and write in one synchronous section (docs/reliability.md § I2). */
  redeem(r: RefreshRequest): RefreshOutcome {
    const found = this.locate(r)
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
        f.rotatedAtMs = r.nowMs
        f.generation += 1
        f.currentUsed = false
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
    if (--f.profile.families === 0) this.profiles.delete(f.profile.key)
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
