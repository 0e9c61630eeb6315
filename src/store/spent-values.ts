/**
 * The memory store's spent single-use values (Store.spendOnce): each remembered until it expires by
 * mockta's clock, under a hash so a dump holds no assertion or proof id. Bounded: a flood of fresh
 * values forgets the oldest first (they are short-lived: at most an hour for an assertion).
 */
import { hashToken } from '../crypto/hash-token.js'
import { MAX_SPENT_VALUES } from './store.js'

/**
 * How often, at most, a full set sweeps out what expired (a sweep reads every value). Between sweeps
 * a full set forgets its oldest value instead, so a flood at the cap costs one step per value, not
 * one sweep of the whole set (as MemoryStore's families).
 */
export const SPENT_SWEEP_INTERVAL_MS = 1000

export class SpentValues {
  private readonly spent = new Map<string, number>()
  private lastSweepMs = Number.NEGATIVE_INFINITY

  constructor(private readonly max = MAX_SPENT_VALUES) {}

  /** True when `value` was not spent under `scope` (or its spending expired); it is spent from now on. */
  spend(scope: string, value: string, expiresAtMs: number, nowMs: number): boolean {
    const key = hashToken(`${scope}\0${value}`)
    const until = this.spent.get(key)
    if (until !== undefined && until > nowMs) return false
    this.spent.delete(key)
    this.spent.set(key, expiresAtMs)
    if (this.spent.size > this.max) {
      if (Math.abs(nowMs - this.lastSweepMs) >= SPENT_SWEEP_INTERVAL_MS) {
        this.lastSweepMs = nowMs
        this.sweep(nowMs)
      }
      if (this.spent.size > this.max) this.spent.delete(this.spent.keys().next().value as string)
    }
    return true
  }

  sweep(nowMs: number): number {
    let removed = 0
    for (const [key, until] of this.spent) {
      if (until <= nowMs) {
        this.spent.delete(key)
        removed++
      }
    }
    return removed
  }

  clear(): void {
    this.spent.clear()
  }

  /** Hashed keys and their expiry, oldest first: for the state file (store/memory-snapshot.ts). */
  entries(): Array<[string, number]> {
    return [...this.spent]
  }

  restore(key: string, untilMs: number): void {
    this.spent.set(key, untilMs)
  }
}
