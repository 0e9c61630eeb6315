/**
 * The control-plane state every replica must agree on (docs/replicas.md): the clock offset and the runtime
 * data (users, clients, authorization servers, keys and rotation state). One process keeps it in
 * memory; replicas keep it in Redis (control/redis/shared-state.ts). Each process holds the latest
 * state it has seen, so reads stay synchronous; `refresh` catches up with other replicas' changes.
 *
 * This is the one protocol for replicated control state, and the shared state owns its version:
 * - the clock and the runtime data change only through `change`, a compare-and-set against what this
 *   process last saw, decided again after losing a race, so two replicas changing it at once cannot
 *   lose either change;
 * - state kept in its own keys (fault rules, the store on a reset) is written there by its owner,
 *   which then calls `touch`, so the other replicas refresh and read it again.
 * Nothing else writes the version.
 */
import { ControlError } from './control-error.js'
import type { RuntimeDataState } from './runtime-data-state.js'

export interface SharedState {
  /** mockta's time minus the clock's own, in milliseconds. */
  clockOffsetMs: number
  /** `null`: as loaded from the configuration. */
  runtime: RuntimeDataState | null
}

export interface SharedControlState {
  /** Whether other processes share it: each request then syncs first (http/control/request-hooks.ts). */
  readonly replicated: boolean
  /** The latest state this process has seen. */
  readonly current: Readonly<SharedState>
  /**
   * Catches up with changes made elsewhere; true when the state (or the store's identity) changed.
   * `apply` runs synchronously as the new state is taken, so no change decided in this process can
   * see the new version with the old state in effect.
   */
  refresh(apply?: () => void): Promise<boolean>
  /**
   * Decides a change from the latest state this process has seen and writes it with compare-and-set.
   * After losing a race to another replica it catches up (`catchUp`, which refreshes) and decides
   * again, so the decision (and the checks inside `decide`) always sees the state it changes. `doing`
   * names the change in the 409 of a change that keeps losing.
   */
  change(decide: () => Partial<SharedState>, catchUp: () => Promise<void>, doing: string): Promise<void>
  /** Tells the other replicas to refresh, after a change kept in other keys (fault rules, a reset). */
  touch(): Promise<void>
  /** Back to the loaded configuration and no offset. */
  clear(): Promise<void>
  /**
   * Replicas: true while this process is sure it has seen every change (it is told of each one, and
   * has caught up since the last), so a request need not read the version first (docs/replicas.md,
   * "Consistency"). Absent: always read.
   */
  readonly upToDate?: boolean
  /** Replicas: `catchUp` runs when another process announces a change (it must refresh and apply it). */
  listen?(catchUp: () => Promise<void>): void
  /** Stops listening (the app closes). */
  close?(): Promise<void>
}

/** Attempts of a change that keeps losing compare-and-set races to other replicas before a 409. */
const MAX_ATTEMPTS = 50

/**
 * A short random pause after losing a compare-and-set race: the replica that won usually has its next
 * change ready at once, and without a pause the loser (which must first read the new state) would
 * keep losing to it.
 */
const afterConflict = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * 10))

/**
 * `change` for a shared state whose `write` is a compare-and-set (false: another replica wrote
 * since this process last saw the state).
 */
export async function changeWithCompareAndSet(
  write: (changes: Partial<SharedState>) => Promise<boolean>,
  decide: () => Partial<SharedState>,
  catchUp: () => Promise<void>,
  doing: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (await write(decide())) return
    if (attempt === MAX_ATTEMPTS) throw new ControlError(409, `other replicas kept ${doing}; try again`)
    await afterConflict()
    await catchUp()
  }
}

export const initialSharedState = (): SharedState => ({ clockOffsetMs: 0, runtime: null })

/** One process: nobody else writes, so every write succeeds and there is nothing to refresh. */
export class MemorySharedState implements SharedControlState {
  readonly replicated = false
  current: SharedState = initialSharedState()

  async refresh(): Promise<boolean> {
    return false
  }

  async change(decide: () => Partial<SharedState>): Promise<void> {
    this.current = { ...this.current, ...decide() }
  }

  async touch(): Promise<void> {}

  async clear(): Promise<void> {
    this.current = initialSharedState()
  }
}
