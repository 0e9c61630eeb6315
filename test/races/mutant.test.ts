/**
 * The race suite has teeth (reliability bar §2.2): against a store that consumes a refresh token after an
 * `await` (test/fixtures/consume-after-await-store.ts), the same grace-0 bursts that always have exactly
 * one winner against MemoryStore (refresh-race.test.ts) get several winners.
 */
import t from 'tap'
import { buildTestApp, testConfig } from '../helpers/app.js'
import { refreshPolicy } from '../helpers/refresh-family.js'
import { record } from '../helpers/report.js'
import { ConsumeAfterAwaitStore } from '../fixtures/consume-after-await-store.js'
import { burst } from './bursts.js'

const BURSTS = 100

t.test('the consume-after-await mutant is caught: bursts with more than one winner', async (t) => {
  const config = testConfig(refreshPolicy('native-app', { graceSeconds: 0 }))
  const { app } = await buildTestApp(t, { config, store: new ConsumeAfterAwaitStore(config.store.maxFamilies) })
  for (const n of [2, 16]) {
    let multiWinner = 0
    let ran = 0
    // Bounded by count; stops at the first few detections to keep the run short.
    while (ran < BURSTS && multiWinner < 5) {
      const { count } = await burst(app, n)
      ran++
      if (count.ok > 1) multiWinner++
    }
    const detected = multiWinner > 0
    record('race', { kind: 'mutant', n, bursts: ran, multiWinnerBursts: multiWinner, detected })
    t.comment(`mutant N=${n}: ${multiWinner} of ${ran} bursts had several winners`)
    t.ok(detected, `N=${n}: the race check catches the mutant`)
  }
})
