/**
 * Which JWTs belong to the store's memory (docs/reliability.md § F-1: no resurrection after a restart).
 * Tokens issued before the epoch second (`AppContext.epochSeconds`: the store's identity, new at a
 * first boot, a reset, or a store that lost its memory) are from an earlier memory. `iat` has
 * one-second resolution, so the jtis issued in the epoch second itself are remembered by the store:
 * a restart within one second of a revocation then still cannot bring the revoked token back, and
 * replicas sharing the store agree on them. Every JWT mockta signs must be reported to `noteIssued`.
 */
import type { Store } from '../store/store.js'

/** The store's memory: its epoch second and the jtis issued in it (the app's context is one). */
export interface StoreMemory {
  store: Pick<Store, 'noteEpochSecondJti' | 'isEpochSecondJti'>
  readonly epochSeconds: number
}

/** Called for every JWT issued; only the epoch second needs remembering, so this is rarely a store call. */
export async function noteIssued(ctx: StoreMemory, jti: string, iat: number): Promise<void> {
  if (iat === ctx.epochSeconds) await ctx.store.noteEpochSecondJti(jti)
}

export async function isFromThisEpoch(ctx: StoreMemory, jti: string, iat: number): Promise<boolean> {
  if (iat !== ctx.epochSeconds) return iat > ctx.epochSeconds
  return ctx.store.isEpochSecondJti(jti)
}
