/**
 * Property runs for the fuzz suites (docs/reliability.md § 1, SP-3, SP-9; Schemathesis-style checks ported to
 * fast-check over `app.inject`). 2,000 runs per property by default; any failure prints its seed and
 * path, and the run replays with
 *   FUZZ_SEED=<seed> FUZZ_PATH=<path> FUZZ_PROPERTY=<name> npx tap test/fuzz/<file>.test.ts
 * FUZZ_RUNS raises (or lowers) the number of runs; FUZZ_SEED alone reruns a whole suite with one seed.
 */
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import type { Asserts } from './oauth-assert.js'
import { record } from './report.js'

const env = process.env
export const FUZZ_RUNS = Number(env['FUZZ_RUNS'] ?? 2000)
/** One seed per process unless given, so the report can name it and a rerun can reproduce it. */
export const FUZZ_SEED = env['FUZZ_SEED'] !== undefined ? Number(env['FUZZ_SEED']) : (Date.now() ^ (process.pid << 8)) | 0

export interface Tally {
  statuses: Record<number, number>
  requests: number
}

export const newTally = (): Tally => ({ statuses: {}, requests: 0 })
export function count(tally: Tally, res: LightMyRequestResponse): void {
  tally.statuses[res.statusCode] = (tally.statuses[res.statusCode] ?? 0) + 1
  tally.requests++
}

type FuzzTest = Asserts & { comment(...message: unknown[]): void }

/**
 * Runs an async property `FUZZ_RUNS` times (or replays FUZZ_PATH), records the figures for the report
 * and fails the test with fast-check's report, which carries the seed and the path.
 */
export async function runProperty<Ts extends [unknown, ...unknown[]]>(
  t: FuzzTest,
  name: string,
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  predicate: (...args: Ts) => Promise<void>,
  tally: Tally,
  options: { numRuns?: number } = {},
): Promise<void> {
  const only = env['FUZZ_PROPERTY']
  if (only !== undefined && only !== name) return
  const path = env['FUZZ_PATH']
  const property = fc.asyncProperty(...(arbitraries as unknown as [fc.Arbitrary<unknown>]), predicate as unknown as (...a: unknown[]) => Promise<void>)
  // Each property draws its own sequence from the one seed (the same seed replays all of them).
  const seed = (FUZZ_SEED + [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 0)) | 0
  const details = await fc.check(property, { seed, numRuns: options.numRuns ?? FUZZ_RUNS, ...(path !== undefined && { path, endOnFailure: true }) })
  const replay = details.failed ? `FUZZ_SEED=${FUZZ_SEED} FUZZ_PATH=${details.counterexamplePath} FUZZ_PROPERTY=${name}` : undefined
  record('fuzz', {
    property: name,
    runs: details.numRuns,
    requests: tally.requests,
    seed: `0x${(FUZZ_SEED >>> 0).toString(16)}`,
    failures: details.failed ? 1 : 0,
    statuses: tally.statuses,
  })
  t.comment(`fuzz ${name}: runs ${details.numRuns} requests ${tally.requests} seed ${FUZZ_SEED} statuses ${JSON.stringify(tally.statuses)}`)
  t.ok(!details.failed, `${name}: ${details.numRuns} runs`, details.failed ? { replay, error: String(details.errorInstance), report: fc.defaultReportMessage(details) } : {})
}
