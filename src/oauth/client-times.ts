/**
 * The times a client's own timestamps (a DPoP proof's `iat`, a client assertion's `exp` and `iat`)
 * are judged against: mockta's time, and while a tester has moved mockta's clock, the unmoved time
 * too. A client on this machine stamps its proofs with the machine's clock, which the control plane
 * does not move; without the second time, every proof would look stale or early after
 * `POST /__mockta/clock/advance` (docs/departures.md, "Client timestamps").
 */
import { isAdjustable, type Clock } from '../clock.js'

/** Whole seconds, mockta's time first. */
export function clientTimes(clock: Clock): number[] {
  const nowMs = clock.nowMs()
  const now = Math.floor(nowMs / 1000)
  if (!isAdjustable(clock) || clock.offsetMs === 0) return [now]
  return [now, Math.floor((nowMs - clock.offsetMs) / 1000)]
}
