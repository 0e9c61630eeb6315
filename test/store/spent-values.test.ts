/** The memory store's spent values at their cap: expired ones swept at most once a second, else the oldest forgotten. */
import t from 'tap'
import { SPENT_SWEEP_INTERVAL_MS, SpentValues } from '../../src/store/spent-values.js'

const T0 = Date.UTC(2026, 0, 1)
const FAR = T0 + 3600_000

t.test('a full set sweeps what expired, but not twice within a second: in between it forgets its oldest', async (t) => {
  // Two live values and one that expires at T0 + 100; the third is over the cap, and the sweep at T0
  // finds nothing expired, so the oldest, 'a', goes. Left: 'b' (live) and 'c' (expiring).
  const full = () => {
    const spent = new SpentValues(2)
    spent.spend('s', 'a', FAR, T0)
    spent.spend('s', 'b', FAR, T0)
    spent.spend('s', 'c', T0 + 100, T0)
    return spent
  }
  t.ok(full().spend('s', 'a', FAR, T0), 'the oldest was forgotten')

  // 'c' has expired by T0 + 200, but no sweep runs so soon: the oldest, 'b', goes although it is live.
  let spent = full()
  t.ok(spent.spend('s', 'd', FAR, T0 + 200))
  t.ok(spent.spend('s', 'b', FAR, T0 + 200), 'within the interval a live value was forgotten')

  // An interval after the first sweep, a sweep runs and takes the expired 'c': 'b' is kept.
  spent = full()
  t.ok(spent.spend('s', 'd', FAR, T0 + SPENT_SWEEP_INTERVAL_MS))
  t.notOk(spent.spend('s', 'b', FAR, T0 + SPENT_SWEEP_INTERVAL_MS), 'the sweep made the room')
})

t.test('a clock moved back a long way still sweeps', async (t) => {
  const spent = new SpentValues(2)
  spent.spend('s', 'a', FAR, T0)
  spent.spend('s', 'b', FAR, T0)
  spent.spend('s', 'c', FAR, T0) // over the cap: swept at T0, 'a' forgotten
  const earlier = T0 - 10_000
  // Spent with an expiry already past, so the next sweep takes it; the sweep at T0 is 10 s away, backwards.
  t.ok(spent.spend('s', 'd', earlier - 1, earlier))
  t.notOk(spent.spend('s', 'b', FAR, earlier), 'the sweep made the room: b is kept')
})
