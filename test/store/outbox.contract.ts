/**
 * The outbox part of the Store contract (src/store/outbox-store.ts): messages come back newest first,
 * filtered by address without regard to case, bounded by MAX_OUTBOX_MESSAGES, and gone after
 * `clear()`. Run by storeContract for every implementation (memory, memory through a snapshot, Redis).
 */
import type { Test } from 'tap'
import { MAX_OUTBOX_MESSAGES, type OutboxMessage } from '../../src/store/outbox-store.js'
import type { Store } from '../../src/store/store.js'

const T0 = Date.UTC(2026, 0, 1)

export function outboxMessage(overrides: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id: 'msg-1',
    to: 'alice@example.com',
    kind: 'email-challenge',
    subject: 'One-time verification code',
    code: '123456',
    link: 'http://127.0.0.1:1/email/verify/x?token=t',
    purpose: 'sign-in to spa-app',
    userId: '00ualice000000000001',
    clientId: 'spa-app',
    createdAtMs: T0,
    ...overrides,
  }
}

export function outboxContract(t: Test, makeStore: () => Store | Promise<Store>): void {
  t.test('outbox: newest first, filtered by address, limited', async (t) => {
    const store = await makeStore()
    t.strictSame(await store.listOutbox(), [], 'empty at first')
    const a1 = outboxMessage({ id: 'msg-a1' })
    const b1 = outboxMessage({ id: 'msg-b1', to: 'bob@example.com', kind: 'recovery', link: null, userId: null, clientId: null, createdAtMs: T0 + 1 })
    const a2 = outboxMessage({ id: 'msg-a2', code: null, createdAtMs: T0 + 2 })
    for (const m of [a1, b1, a2]) await store.addToOutbox(m)
    t.strictSame(await store.listOutbox(), [a2, b1, a1])
    t.strictSame(await store.listOutbox({ to: 'alice@example.com' }), [a2, a1])
    t.strictSame(await store.listOutbox({ to: 'ALICE@Example.com' }), [a2, a1], 'the address without regard to case')
    t.strictSame(await store.listOutbox({ to: 'carol@example.com' }), [])
    t.strictSame(await store.listOutbox({ limit: 1 }), [a2])
    t.strictSame(await store.listOutbox({ to: 'alice@example.com', limit: 1 }), [a2])
  })

  t.test('outbox: bounded; the oldest message goes first', async (t) => {
    const store = await makeStore()
    for (let n = 0; n < MAX_OUTBOX_MESSAGES + 2; n++) await store.addToOutbox(outboxMessage({ id: `msg-${n}`, createdAtMs: T0 + n }))
    const all = await store.listOutbox()
    t.equal(all.length, MAX_OUTBOX_MESSAGES)
    t.equal(all[0]?.id, `msg-${MAX_OUTBOX_MESSAGES + 1}`)
    t.equal(all.at(-1)?.id, 'msg-2')
  })

  t.test('outbox: clear() empties it', async (t) => {
    const store = await makeStore()
    await store.addToOutbox(outboxMessage())
    await store.clear()
    t.strictSame(await store.listOutbox(), [])
  })
}
