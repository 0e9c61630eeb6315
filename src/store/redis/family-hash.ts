/**
 * A FamilyRecord as the Redis hash `f:<id>`: what never changes as one JSON field (`rec`), what the
 * scripts read or write as fields of their own, numbers as text and absent fields for `null`.
 */
import type { FamilyRecord } from '../store.js'

type Fixed = Pick<FamilyRecord, 'id' | 'clientId' | 'authServerId' | 'userId' | 'scopes' | 'authTime' | 'createdAtMs' | 'idleSeconds' | 'rotation' | 'graceSeconds' | 'jkt'>

/** Who may redeem the family's tokens, compared as one string by the scripts (decideRefresh's first check). */
export const ownerOf = (clientId: string, authServerId: string | null): string => JSON.stringify([clientId, authServerId])

const optional = (n: number | null): string => (n === null ? '' : String(n))

/** The createFamily script's arguments after the namespace, up to `created` (the caller adds maxFamilies). */
export function createArgs(f: FamilyRecord): string[] {
  const fixed: Fixed = {
    id: f.id,
    clientId: f.clientId,
    authServerId: f.authServerId,
    userId: f.userId,
    scopes: [...f.scopes],
    authTime: f.authTime,
    createdAtMs: f.createdAtMs,
    idleSeconds: f.idleSeconds,
    rotation: f.rotation,
    graceSeconds: f.graceSeconds,
    ...(f.jkt !== undefined && { jkt: f.jkt }),
  }
  return [
    f.id,
    JSON.stringify(fixed),
    ownerOf(f.clientId, f.authServerId),
    String(f.idleSeconds),
    String(f.graceSeconds),
    optional(f.expiresAtMs),
    String(f.generation),
    String(f.lastUsedMs),
    f.currentUsed ? '1' : '0',
    optional(f.rotatedAtMs),
    optional(f.revokedAtMs),
    f.userId ?? '',
    String(f.createdAtMs),
  ]
}

/**
 * A family's hash as a record: the scripts' flat [field, value, …] reply, or HGETALL's object as
 * ioredis returns it; undefined for a missing family. It runs twice per refresh, so the record is
 * built member by member: spreading the parsed fixed part into it cost about 7 µs, as long as
 * everything else here.
 */
export function familyFromHash(reply: unknown): FamilyRecord | undefined {
  const h = fieldsOf(reply)
  if (h === undefined || h['rec'] === undefined) return undefined
  const num = (field: string): number | null => (h[field] === undefined ? null : Number(h[field]))
  const fixed = JSON.parse(h['rec']) as Fixed
  return {
    id: fixed.id,
    clientId: fixed.clientId,
    authServerId: fixed.authServerId,
    userId: fixed.userId,
    scopes: fixed.scopes,
    authTime: fixed.authTime,
    createdAtMs: fixed.createdAtMs,
    idleSeconds: fixed.idleSeconds,
    rotation: fixed.rotation,
    graceSeconds: fixed.graceSeconds,
    ...(fixed.jkt !== undefined && { jkt: fixed.jkt }),
    expiresAtMs: num('exp'),
    generation: num('gen')!,
    lastUsedMs: num('last')!,
    currentUsed: h['used'] === '1',
    rotatedAtMs: num('rot'),
    revokedAtMs: num('rev'),
  }
}

/** Flat replies become an object like HGETALL's, so one reader serves both. */
function fieldsOf(reply: unknown): Record<string, string> | undefined {
  if (!Array.isArray(reply)) return typeof reply === 'object' && reply !== null ? (reply as Record<string, string>) : undefined
  const flat = reply as string[]
  const h: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]!] = flat[i + 1]!
  return h
}
