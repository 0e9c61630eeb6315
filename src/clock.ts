/** The one source of "now" for domain code: tokens, lifetimes, grace periods and expiry all read it. */

export interface Clock {
  /** Milliseconds since the epoch, as mockta sees it. */
  nowMs(): number
}

export const nowSeconds = (clock: Clock): number => Math.floor(clock.nowMs() / 1000)

/**
 * Wall-clock time plus an adjustable offset, so a tester can move mockta's time without moving the
 * machine's (the control plane builds on `offsetMs`).
 */
export class SystemClock implements Clock {
  offsetMs = 0
  nowMs(): number {
    return Date.now() + this.offsetMs
  }
}

/** A clock that only moves when told to; for tests and deterministic runs. */
export class ManualClock implements Clock {
  constructor(private currentMs: number = Date.UTC(2026, 0, 1)) {}
  nowMs(): number {
    return this.currentMs
  }
  advance(seconds: number): void {
    this.currentMs += seconds * 1000
  }
  set(ms: number): void {
    this.currentMs = ms
  }
}
