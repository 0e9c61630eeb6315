/**
 * The request journal: one entry per OAuth request, secrets reduced to fingerprints, bounded in size.
 * Behind `JournalStore` so replicas could share it later (TODO(redis): a capped Redis stream).
 */
import { validator } from './control-error.js'
import { OAUTH_ENDPOINTS, type OAuthRequestInfo } from './oauth-request.js'

export interface JournalEntry extends OAuthRequestInfo {
  /** Increasing per mockta instance; `after` queries by it. */
  seq: number
  /** mockta's clock (ISO 8601), the time that also stamps tokens. */
  time: string
  timeMs: number
  method: string
  /** Path without query string. */
  path: string
  status: number
  /** The OAuth `error` (or Okta API `errorCode`) of a failed answer. */
  error: string | undefined
  scopesGranted: string[] | undefined
  /** Introspection's answer. */
  active: boolean | undefined
  /** The refresh family (`oar…`) a refresh grant used or a sign-in created. */
  familyId: string | undefined
  /** The fault rule that answered instead of mockta, if one did. */
  faultId: string | undefined
  durationMs: number
}

export interface JournalQuery {
  /** Entries at or after this time (ISO 8601 or epoch milliseconds, mockta's clock). */
  since?: string | number
  /** Entries with a larger `seq`. */
  after?: number
  endpoint?: string
  clientId?: string
  grantType?: string
  authServer?: string
  /** The most recent N of what matches. */
  limit?: number
}

export const journalQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer', minimum: 0 }] },
    after: { type: 'integer', minimum: 0 },
    endpoint: { enum: [...OAUTH_ENDPOINTS] },
    clientId: { type: 'string' },
    grantType: { type: 'string' },
    authServer: { type: 'string' },
    limit: { type: 'integer', minimum: 1, maximum: 100_000 },
  },
} as const

export const checkJournalQuery = validator<JournalQuery>(journalQuerySchema, 'journal query')

export interface JournalStore {
  append(entry: Omit<JournalEntry, 'seq'>): JournalEntry
  query(q: JournalQuery): JournalEntry[]
  clear(): void
}

/** A ring buffer: when full, the oldest entry goes. */
export class RingJournal implements JournalStore {
  private readonly entries: Array<JournalEntry | undefined>
  private next = 0
  private seq = 0

  constructor(readonly capacity: number) {
    this.entries = new Array<JournalEntry | undefined>(capacity)
  }

  append(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const full = withSeq(++this.seq, entry)
    this.entries[this.next] = full
    this.next = (this.next + 1) % this.capacity
    return full
  }

  query(q: JournalQuery): JournalEntry[] {
    const sinceMs = q.since === undefined ? undefined : typeof q.since === 'number' ? q.since : Date.parse(q.since)
    const out: JournalEntry[] = []
    for (let i = 0; i < this.capacity; i++) {
      const e = this.entries[(this.next + i) % this.capacity]
      if (!e) continue
      if (sinceMs !== undefined && e.timeMs < sinceMs) continue
      if (q.after !== undefined && e.seq <= q.after) continue
      if (q.endpoint !== undefined && e.endpoint !== q.endpoint) continue
      if (q.clientId !== undefined && e.clientId !== q.clientId) continue
      if (q.grantType !== undefined && e.grantType !== q.grantType) continue
      if (q.authServer !== undefined && e.authServer !== q.authServer) continue
      out.push({ ...e })
    }
    return q.limit === undefined ? out : out.slice(-q.limit)
  }

  clear(): void {
    this.entries.fill(undefined)
  }
}

/**
 * The entry with its number, member by member: one append per OAuth request, and `{ seq, ...entry }`
 * cost microseconds each (issue 7). tsc checks that no member is left out.
 */
function withSeq(seq: number, e: Omit<JournalEntry, 'seq'>): JournalEntry {
  return {
    seq,
    endpoint: e.endpoint,
    authServer: e.authServer,
    grantType: e.grantType,
    clientId: e.clientId,
    authMethod: e.authMethod,
    scopesRequested: e.scopesRequested,
    username: e.username,
    tokenFingerprint: e.tokenFingerprint,
    time: e.time,
    timeMs: e.timeMs,
    method: e.method,
    path: e.path,
    status: e.status,
    error: e.error,
    scopesGranted: e.scopesGranted,
    active: e.active,
    familyId: e.familyId,
    faultId: e.faultId,
    durationMs: e.durationMs,
  }
}
