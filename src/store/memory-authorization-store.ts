/** The in-process AuthorizationStore: Maps whose every operation is one synchronous section (no interleaving). */
import {
  MAX_TRANSACTIONS,
  type AuthorizationCodeRecord,
  type AuthorizationStore,
  type CodeGrantRecord,
  type CodeRedemption,
  type SessionRecord,
  type SessionTokenRecord,
  type TransactionRecord,
} from './authorization-store.js'
import { plainCopy } from './plain-copy.js'

export interface CodeEntry {
  code: AuthorizationCodeRecord
  redeemed: boolean
  replayed: boolean
  issued: CodeGrantRecord | null
}

const copyCode = (c: AuthorizationCodeRecord): AuthorizationCodeRecord => ({ ...c, scopes: [...c.scopes] })

export class MemoryAuthorizationStore implements AuthorizationStore {
  private readonly codes = new Map<string, CodeEntry>()
  private readonly sessions = new Map<string, SessionRecord>()
  private readonly transactions = new Map<string, TransactionRecord>()
  private readonly sessionTokens = new Map<string, SessionTokenRecord>()

  constructor(private readonly maxTransactions = MAX_TRANSACTIONS) {}

  /** The records as held, for store/memory-snapshot.ts, which copies them out and into a fresh store. */
  get held(): {
    codes: Map<string, CodeEntry>
    sessions: Map<string, SessionRecord>
    transactions: Map<string, TransactionRecord>
    sessionTokens: Map<string, SessionTokenRecord>
  } {
    return { codes: this.codes, sessions: this.sessions, transactions: this.transactions, sessionTokens: this.sessionTokens }
  }

  async createAuthorizationCode(code: AuthorizationCodeRecord): Promise<void> {
    this.codes.set(code.hash, { code: copyCode(code), redeemed: false, replayed: false, issued: null })
  }

  async consumeAuthorizationCode(hash: string, nowMs: number): Promise<CodeRedemption> {
    const entry = this.codes.get(hash)
    if (!entry || nowMs >= entry.code.expiresAtMs) return { kind: 'invalid' }
    if (entry.redeemed) {
      entry.replayed = true
      return { kind: 'replayed', code: copyCode(entry.code), issued: entry.issued && { ...entry.issued } }
    }
    entry.redeemed = true
    return { kind: 'redeemed', code: copyCode(entry.code) }
  }

  async recordCodeGrant(hash: string, issued: CodeGrantRecord): Promise<boolean> {
    const entry = this.codes.get(hash)
    if (!entry) return false
    entry.issued = { ...issued }
    return !entry.replayed
  }

  async createSession(session: SessionRecord): Promise<void> {
    this.sessions.set(session.idHash, { ...session })
  }

  async findSession(idHash: string, nowMs: number): Promise<SessionRecord | undefined> {
    const s = this.sessions.get(idHash)
    return s && nowMs < s.expiresAtMs ? { ...s } : undefined
  }

  async deleteSession(idHash: string): Promise<void> {
    this.sessions.delete(idHash)
  }

  async listSessionsByUser(userId: string, nowMs: number): Promise<SessionRecord[]> {
    return [...this.sessions.values()].filter((s) => s.userId === userId && nowMs < s.expiresAtMs).map((s) => ({ ...s }))
  }

  async createSessionToken(token: SessionTokenRecord): Promise<void> {
    this.sessionTokens.set(token.hash, { ...token })
  }

  async takeSessionToken(hash: string, nowMs: number): Promise<SessionTokenRecord | undefined> {
    const token = this.sessionTokens.get(hash)
    if (!token) return undefined
    this.sessionTokens.delete(hash)
    return nowMs < token.expiresAtMs ? token : undefined
  }

  async createTransaction(transaction: TransactionRecord): Promise<void> {
    this.transactions.set(transaction.idHash, plainCopy(transaction))
    // Maps iterate in insertion order: the first key is the oldest form.
    if (this.transactions.size > this.maxTransactions) this.transactions.delete(this.transactions.keys().next().value!)
  }

  async findTransaction(idHash: string, nowMs: number): Promise<TransactionRecord | undefined> {
    const t = this.transactions.get(idHash)
    return t && nowMs < t.expiresAtMs ? plainCopy(t) : undefined
  }

  async takeTransaction(idHash: string, nowMs: number): Promise<TransactionRecord | undefined> {
    const t = this.transactions.get(idHash)
    if (!t) return undefined
    this.transactions.delete(idHash)
    return nowMs < t.expiresAtMs ? t : undefined
  }

  /** Drops expired codes, sessions, transactions and session tokens; returns how many. */
  sweep(nowMs: number): number {
    return (
      sweepMap(this.codes, (e) => e.code.expiresAtMs, nowMs) +
      sweepMap(this.sessions, (s) => s.expiresAtMs, nowMs) +
      sweepMap(this.transactions, (t) => t.expiresAtMs, nowMs) +
      sweepMap(this.sessionTokens, (t) => t.expiresAtMs, nowMs)
    )
  }
}

function sweepMap<V>(map: Map<string, V>, expiresAtMs: (value: V) => number, nowMs: number): number {
  let removed = 0
  for (const [key, value] of map) {
    if (expiresAtMs(value) <= nowMs) {
      map.delete(key)
      removed++
    }
  }
  return removed
}
