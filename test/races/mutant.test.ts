/**
 * The race suite has teeth (docs/reliability.md § 2.2): against a store that consumes a refresh token after an
 * `await` (test/fixtures/consume-after-await-store.ts), the same grace-0 bursts that always have exactly
 * one winner against MemoryStore (refresh-race.test.ts) get several winners. The same holds for
 * authorization codes: the code bursts of authorization-code-race.test.ts catch a store that consumes a
 * code after an `await`.
 */
import t from 'tap'
import { buildTestApp, testConfig } from '../helpers/app.js'
import { autoSignIn, SPA } from '../helpers/authorize.js'
import type { Asserts } from '../helpers/oauth-assert.js'
import { refreshPolicy } from '../helpers/refresh-family.js'
import { record } from '../helpers/report.js'
import { ConsumeAfterAwaitStore, ConsumeCodeAfterAwaitStore } from '../fixtures/consume-after-await-store.js'
import { burst, codeBurst, type Tally } from './bursts.js'

const BURSTS = 100

/** Bounded by count; stops at the first few detections to keep the run short. */
async function hunt(t: Asserts & { comment(...m: unknown[]): void }, kind: string, n: number, fire: () => Promise<{ count: Tally }>) {
  let multiWinner = 0
  let ran = 0
  while (ran < BURSTS && multiWinner < 5) {
    const { count } = await fire()
    ran++
    if (count.ok > 1) multiWinner++
  }
  const detected = multiWinner > 0
  record('race', { kind, n, bursts: ran, multiWinnerBursts: multiWinner, detected })
  t.comment(`${kind} N=${n}: ${multiWinner} of ${ran} bursts had several winners`)
  t.ok(detected, `N=${n}: the race check catches the mutant`)
}

t.test('the consume-after-await mutant is caught: bursts with more than one winner', async (t) => {
  const config = testConfig(refreshPolicy('native-app', { graceSeconds: 0 }))
  const { app } = await buildTestApp(t, { config, store: new ConsumeAfterAwaitStore(config.store.maxFamilies) })
  for (const n of [2, 16]) await hunt(t, 'mutant', n, () => burst(app, n))
})

t.test('the consume-after-await mutant for codes is caught: code bursts with more than one winner', async (t) => {
  const config = testConfig(autoSignIn(SPA.id))
  const { app } = await buildTestApp(t, { config, store: new ConsumeCodeAfterAwaitStore(config.store.maxFamilies) })
  for (const n of [2, 16]) await hunt(t, 'code-mutant', n, () => codeBurst(app, n))
})
