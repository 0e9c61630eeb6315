/**
 * The request journal: one entry per OAuth request, secrets reduced to fingerprints, bounded in size.
 * Behind `JournalStore`: a ring buffer in memory for one process, a capped Redis list for replicas
 * (control/redis/journal.ts), so the journal of any replica shows the requests every replica served.
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
  /** The DPoP key thumbprint (RFC 7638) the issued tokens are bound to; never the proof itself. */
  dpopJkt?: string | undefined
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
    since: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'integer', minimum: 0 },
      ],
    },
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
  append(entry: Omit<JournalEntry, 'seq'>): Promise<void>
  query(q: JournalQuery): Promise<JournalEntry[]>
  clear(): Promise<void>
}

/** Whether an entry passes the query's filters (`limit` is the caller's, applied to the matches). */
export function matchesQuery(e: JournalEntry, q: JournalQuery, sinceMs: number | undefined): boolean {
  return (
    (sinceMs === undefined || e.timeMs >= sinceMs) &&
    (q.after === undefined || e.seq > q.after) &&
    (q.endpoint === undefined || e.endpoint === q.endpoint) &&
    (q.clientId === undefined || e.clientId === q.clientId) &&
    (q.grantType === undefined || e.grantType === q.grantType) &&
    (q.authServer === undefined || e.authServer === q.authServer)
  )
}

export const sinceMsOf = (q: JournalQuery): number | undefined => (q.since === undefined ? undefined : typeof q.since === 'number' ? q.since : Date.parse(q.since))

/** The most recent `limit` of the matches. */
export const lastOf = <T>(matches: T[], limit: number | undefined): T[] => (limit === undefined ? matches : matches.slice(-limit))

/** A ring buffer: when full, the oldest entry goes. */
export class RingJournal implements JournalStore {
  private readonly entries: Array<JournalEntry | undefined>
  private next = 0
  private seq = 0

  constructor(readonly capacity: number) {
    this.entries = new Array<JournalEntry | undefined>(capacity)
  }

  async append(entry: Omit<JournalEntry, 'seq'>): Promise<void> {
    this.entries[this.next] = withSeq(++this.seq, entry)
    this.next = (this.next + 1) % this.capacity
  }

  async query(q: JournalQuery): Promise<JournalEntry[]> {
    const sinceMs = sinceMsOf(q)
    const out: JournalEntry[] = []
    for (let i = 0; i < this.capacity; i++) {
      const e = this.entries[(this.next + i) % this.capacity]
      if (e && matchesQuery(e, q, sinceMs)) out.push({ ...e })
    }
    return lastOf(out, q.limit)
  }

  async clear(): Promise<void> {
    this.entries.fill(undefined)
  }
}

/**
 * The entry with its number, member by member: one append per OAuth request, and `{ seq, ...entry }`
 * cost microseconds each (docs/bench.md). tsc checks that no member is left out.
 */
export function withSeq(seq: number, e: Omit<JournalEntry, 'seq'>): JournalEntry {
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
    remediation: e.remediation,
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
    dpopJkt: e.dpopJkt,
  }
}
