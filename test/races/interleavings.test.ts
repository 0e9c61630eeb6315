/**
 * Interleaving search below HTTP (docs/reliability.md § C-13): fast-check's scheduler takes over every store
 * call's completion, so each run resolves the concurrent requests' store operations in another order.
 * Parallel refreshes of one token, with or without a racing revoke, grace 0 or 30: never a 5xx, never
 * two successors, exactly one winner at grace 0, everyone served at grace 30, nothing active after a
 * revoke. INTERLEAVING_RUNS (default 200); a failure prints its replay line (helpers/fuzz.ts).
 */
import fc from 'fast-check'
import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, introspect, post, refresh, signIn, testConfig } from '../helpers/app.js'
import { count, newTally, runProperty } from '../helpers/fuzz.js'
import { record } from '../helpers/report.js'
import { ConsumeAfterAwaitStore } from '../fixtures/consume-after-await-store.js'
import { refreshPolicy } from '../helpers/refresh-family.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import type { Store } from '../../src/store/store.js'

const RUNS = Number(process.env['INTERLEAVING_RUNS'] ?? 200)

/** Every Store method's result is released when the scheduler decides (the call itself runs at once). */
function scheduled(s: fc.Scheduler, inner: Store): Store {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      return s.scheduleFunction(async (...args: unknown[]) => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args), undefined)
    },
  })
}

const arbitraries: [fc.Arbitrary<fc.Scheduler>, fc.Arbitrary<number>, fc.Arbitrary<number>, fc.Arbitrary<boolean>] = [
  fc.scheduler(),
  fc.constantFrom(0, 30),
  fc.integer({ min: 2, max: 4 }),
  fc.boolean(),
]

/** One run: parallel refreshes (and maybe a revoke) of one token against `makeStore`, every order checked. */
const scenario =
  (t: { teardown(fn: () => unknown): void }, makeStore: () => MemoryStore, tally = newTally()) =>
  async (s: fc.Scheduler, grace: number, n: number, withRevoke: boolean): Promise<void> => {
    const config = testConfig(refreshPolicy('native-app', { graceSeconds: grace }))
    // The build reads the store's identity: a store call like any other, released by the scheduler.
    const { app } = await s.waitFor(buildTestApp(t, { config, store: scheduled(s, makeStore()) }))
    const session = await s.waitFor(signIn(app, { scope: 'offline_access api:read' }))
    const requests: Array<Promise<LightMyRequestResponse>> = Array.from({ length: n }, () => refresh(app, session.refresh_token))
    if (withRevoke) requests.push(post(app, 'revoke', { client_id: 'native-app', token: session.refresh_token }))
    const answers = await s.waitFor(Promise.all(requests))
    for (const a of answers) count(tally, a)
    if (answers.some((a) => a.statusCode >= 500)) throw new Error(`a 5xx: ${answers.map((a) => a.statusCode)}`)
    const refreshes = answers.slice(0, n)
    const won = refreshes.filter((a) => a.statusCode === 200).map((a) => a.json<{ refresh_token: string; access_token: string }>())
    const successors = new Set(won.map((w) => w.refresh_token))
    if (successors.size > 1) throw new Error('two successors: a fork')
    const active = async (token: string) => (await s.waitFor(introspect(app, token)))['active'] === true
    if (withRevoke) {
      for (const token of [session.refresh_token, session.access_token, ...won.flatMap((w) => [w.refresh_token, w.access_token])]) {
        if (await active(token)) throw new Error('a token active after the revoke returned: a zombie')
      }
    } else if (grace === 0) {
      if (won.length !== 1) throw new Error(`grace 0: ${won.length} winners`)
      if (await active(won[0]!.refresh_token)) throw new Error('grace 0: the family survived the losers’ reuse')
    } else if (won.length !== n) {
      throw new Error(`grace 30: ${won.length} of ${n} served`)
    }
    await s.waitFor(app.close())
  }

t.test('store completions in every order: no fork, no zombie, no 5xx (C-13)', async (t) => {
  const tally = newTally()
  await runProperty(
    t,
    'interleavings',
    arbitraries,
    scenario(t, () => new MemoryStore(1000), tally),
    tally,
    { numRuns: RUNS },
  )
})

t.test('the interleaving search catches the consume-after-await mutant', async (t) => {
  const details = await fc.check(
    fc.asyncProperty(
      ...arbitraries,
      scenario(t, () => new ConsumeAfterAwaitStore(1000)),
    ),
    { numRuns: RUNS, seed: 42 },
  )
  record('race', { kind: 'mutant', n: 'scheduler', bursts: details.numRuns, multiWinnerBursts: details.failed ? 1 : 0, detected: details.failed })
  t.ok(details.failed, `caught after ${details.numRuns} run(s): ${String(details.errorInstance)}`)
})
