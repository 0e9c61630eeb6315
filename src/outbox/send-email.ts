/**
 * "Sending" an email (docs/identity-engine.md § outbox): mockta sends no mail; it puts the message in
 * the store's outbox, where a test reads the code or link a user would have received. Any domain
 * module that emails a user (the Identity Engine's email authenticator, the Authentication API's
 * email factor) calls `sendEmail`; nothing else writes the outbox.
 */
import type { Clock } from '../clock.js'
import { oktaId } from '../ids.js'
import type { OutboxKind, OutboxMessage } from '../store/outbox-store.js'
import type { Store } from '../store/store.js'

export interface Email {
  to: string
  kind: OutboxKind
  subject: string
  /** What it is for, in words ("sign-in to spa-app", "password reset"). */
  purpose: string
  code?: string
  link?: string
  userId?: string
  clientId?: string
}

/** Puts the message in the outbox, stamped by mockta's clock; returns it as stored. */
export async function sendEmail(ctx: { clock: Clock; store: Store }, email: Email): Promise<OutboxMessage> {
  const message: OutboxMessage = {
    id: oktaId('msg'),
    to: email.to,
    kind: email.kind,
    subject: email.subject,
    code: email.code ?? null,
    link: email.link ?? null,
    purpose: email.purpose,
    userId: email.userId ?? null,
    clientId: email.clientId ?? null,
    createdAtMs: ctx.clock.nowMs(),
  }
  await ctx.store.addToOutbox(message)
  return message
}
