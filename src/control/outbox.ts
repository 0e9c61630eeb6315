/**
 * The outbox as the control plane shows it (docs/identity-engine.md § outbox): messages newest first,
 * optionally to one address, each with its time as ISO 8601 by mockta's clock. The codes are shown
 * here on purpose (the control API is the tester's); the journal and the logs never carry them.
 */
import type { AppContext } from '../context.js'
import { MAX_OUTBOX_MESSAGES, type OutboxMessage, type OutboxQuery } from '../store/outbox-store.js'
import { validator } from './control-error.js'

export interface OutboxEntry extends OutboxMessage {
  /** `createdAtMs` as ISO 8601. */
  createdAt: string
}

export const outboxQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    to: { type: 'string', minLength: 1, maxLength: 320 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_OUTBOX_MESSAGES },
  },
} as const

const checkOutboxQuery = validator<OutboxQuery>(outboxQuerySchema, 'outbox query')

export async function readOutbox(ctx: Pick<AppContext, 'store'>, query: OutboxQuery = {}): Promise<OutboxEntry[]> {
  const q = checkOutboxQuery(query)
  const messages = await ctx.store.listOutbox(q)
  return messages.map((m) => ({ ...m, createdAt: new Date(m.createdAtMs).toISOString() }))
}
