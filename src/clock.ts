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
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000
  }
  set(ms: number): void {
    this.offsetMs = ms - Date.now()
  }
  reset(): void {
    this.offsetMs = 0
  }
}

/**
 * A clock the control plane can move: advance, set, and back to where it started. Every move is a
 * change of `offsetMs` (how far it is from where it started), the one number replicas share.
 */
export interface AdjustableClock extends Clock {
  offsetMs: number
  advance(seconds: number): void
  set(ms: number): void
  reset(): void
}

export const isAdjustable = (clock: Clock): clock is AdjustableClock =>
  typeof (clock as Partial<AdjustableClock>).offsetMs === 'number' && typeof (clock as Partial<AdjustableClock>).set === 'function'

/** A clock that only moves when told to; for tests and deterministic runs. */
export class ManualClock implements Clock {
  private readonly startMs: number
  constructor(private currentMs: number = Date.UTC(2026, 0, 1)) {
    this.startMs = currentMs
  }
  nowMs(): number {
    return this.currentMs
  }
  get offsetMs(): number {
    return this.currentMs - this.startMs
  }
  set offsetMs(ms: number) {
    this.currentMs = this.startMs + ms
  }
  advance(seconds: number): void {
    this.currentMs += seconds * 1000
  }
  set(ms: number): void {
    this.currentMs = ms
  }
  reset(): void {
    this.currentMs = this.startMs
  }
}
