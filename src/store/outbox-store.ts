/**
 * The outbox (docs/identity-engine.md § outbox): what mockta "sent by email", kept so a test can read
 * the code or the link a user would have received. Messages hold the one-time code in clear on
 * purpose (that is their use), which is why they never go to logs or the journal, and why the outbox
 * is bounded: beyond MAX_OUTBOX_MESSAGES the oldest message is forgotten.
 */

/** What a message was sent for; the sender says which. */
export type OutboxKind = 'email-challenge' | 'email-enrollment' | 'recovery' | 'authn-factor'

export const OUTBOX_KINDS: readonly OutboxKind[] = ['email-challenge', 'email-enrollment', 'recovery', 'authn-factor']

export interface OutboxMessage {
  /** `msg…`, unique per message. */
  id: string
  /** The address, as the user's profile has it. */
  to: string
  kind: OutboxKind
  subject: string
  /** The one-time code in the message, when it carries one. */
  code: string | null
  /** The link in the message (a magic link), when it carries one. */
  link: string | null
  /** What it was for, in words: e.g. "sign-in to spa-app", "password reset". */
  purpose: string
  userId: string | null
  clientId: string | null
  /** mockta's clock. */
  createdAtMs: number
}

export interface OutboxQuery {
  /** Only messages to this address (compared without regard to case). */
  to?: string
  /** The newest N of what matches. */
  limit?: number
}

/** Messages kept at most, across addresses. */
export const MAX_OUTBOX_MESSAGES = 1000

/** The outbox's part of the Store contract (store.ts `Store`); `clear()` empties it with the rest. */
export interface OutboxStore {
  /** Adds a message; beyond the cap the oldest goes. */
  addToOutbox(message: OutboxMessage): Promise<void>
  /** Messages newest first. */
  listOutbox(query?: OutboxQuery): Promise<OutboxMessage[]>
}

/** The filter every store applies alike, to messages newest first. */
export function selectOutbox(newestFirst: OutboxMessage[], query: OutboxQuery = {}): OutboxMessage[] {
  const to = query.to?.toLowerCase()
  const matching = to === undefined ? newestFirst : newestFirst.filter((m) => m.to.toLowerCase() === to)
  return query.limit === undefined ? matching : matching.slice(0, query.limit)
}
