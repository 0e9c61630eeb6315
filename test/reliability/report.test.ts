/** The report's gates bite: any failing figure fails the run (scripts/report.mjs, docs/reliability.md § 4). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t from 'tap'
import { repoRoot } from '../helpers/cli-build.js'

type Build = (root: string, dir: string, full: boolean) => { text: string; failedGates: string[] }

async function reportOf(t: { teardown(fn: () => unknown): void }, lines: object[], full = false) {
  const { buildReport } = (await import(pathToFileURL(join(repoRoot, 'scripts/report.mjs')).href)) as { buildReport: Build }
  const parent = mkdtempSync(join(tmpdir(), 'mockta-report-'))
  t.teardown(() => rmSync(parent, { recursive: true, force: true }))
  const dir = join(parent, 'report')
  mkdirSync(dir)
  writeFileSync(join(dir, '1.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'))
  return buildReport(repoRoot, dir, full)
}

const clean = [
  { section: 'process', event: 'start' },
  { section: 'process', event: 'exit', code: 0 },
  { section: 'catalogue', case: '#12', variant: 'x', ok: true, violations: [], ms: 1 },
  { section: 'canary', canaries: 5, logBytes: 10, responses: 1, logHits: 0, responseHits: 0 },
  { section: 'race', kind: 'grace0', grace: 0, n: 2, bursts: 100, good: 100, serverErrors: 0 },
  { section: 'race', kind: 'mutant', n: 2, bursts: 3, multiWinnerBursts: 3, detected: true },
  { section: 'race', kind: 'code-redeem', n: 2, bursts: 100, good: 100, serverErrors: 0 },
  { section: 'race', kind: 'code-mutant', n: 2, bursts: 3, multiWinnerBursts: 3, detected: true },
  { section: 'race', kind: 'device-poll', n: 2, bursts: 100, good: 100, serverErrors: 0 },
  { section: 'race', kind: 'request-uri', n: 2, bursts: 100, good: 100, serverErrors: 0 },
]

t.test('clean figures: VERDICT PASS, no failed gate', async (t) => {
  const report = await reportOf(t, clean)
  t.strictSame(report.failedGates, [])
  t.match(report.text, /^== mockta reliability & security report ==\n/)
  t.match(report.text, /VERDICT PASS\n$/)
  t.match(report.text, 'device-poll bursts 100 (N=2)  exactly-one-winner 100/100 | request_uri bursts 100 (N=2)  exactly-one-code 100/100')
})

const failing: Array<[string, object, RegExp]> = [
  ['a canary hit', { section: 'canary', canaries: 5, logBytes: 10, responses: 1, logHits: 1, responseHits: 0 }, /canary/],
  ['a G-rule violation', { section: 'catalogue', case: '#13', variant: 'y', ok: false, violations: ['G2'], ms: 1 }, /catalogue/],
  ['a grace-0 burst with two winners', { section: 'race', kind: 'grace0', grace: 0, n: 4, bursts: 100, good: 99, serverErrors: 0 }, /race/],
  ['a code burst with two winners', { section: 'race', kind: 'code-redeem', n: 4, bursts: 100, good: 99, serverErrors: 0 }, /race/],
  ['a device-poll burst with two winners', { section: 'race', kind: 'device-poll', n: 16, bursts: 100, good: 99, serverErrors: 0 }, /race/],
  ['a request_uri burst with two codes', { section: 'race', kind: 'request-uri', n: 16, bursts: 100, good: 99, serverErrors: 0 }, /race/],
  ['the code mutant not detected', { section: 'race', kind: 'code-mutant', n: 2, bursts: 100, multiWinnerBursts: 0, detected: false }, /mutant/],
  ['a lost token', { section: 'model', families: 1, ops: 1, lost: 1, forks: 0, zombies: 0, serverErrors: 0, storeDiff: 0 }, /lost/],
  ['a crash', { section: 'process', event: 'uncaughtException', message: 'boom' }, /crashes/],
  ['a resurrection', { section: 'fault', kind: 'restart', rtTotal: 1, oldRtRejected: 1, atTotal: 1, oldAtInactive: 0, resurrections: 1 }, /restart/],
  ['a fuzz failure', { section: 'fuzz', property: 'p', runs: 1, requests: 1, seed: '0x1', failures: 1, statuses: {} }, /fuzz/],
  ['load errors', { section: 'load', name: '/keys', seconds: 1, connections: 1, rps: 1, p50: 1, p97_5: 1, p99: 1, max: 1, errors: 3 }, /load/],
  ['a foreign Host answered', { section: 'surface', kind: 'foreign-host', attempts: 5, refused: 4 }, /control plane exposure/],
  ['a cross-site request answered', { section: 'surface', kind: 'cross-site', attempts: 5, refused: 4 }, /control plane exposure/],
  ['a browser attempt that changed state', { section: 'surface', kind: 'browser-cross-site', attempts: 3, refused: 2 }, /control plane exposure/],
  ['a slow body cut late', { section: 'surface', kind: 'slow body', name: 'x', configuredSeconds: 2, answeredSeconds: 3.5, closedSeconds: 3.6, status: 408 }, /slow clients/],
  ['a slow header never cut', { section: 'surface', kind: 'slow headers', name: 'x', configuredSeconds: 2, status: undefined }, /slow clients/],
]
for (const [name, line, gate] of failing) {
  t.test(`${name} fails a gate`, async (t) => {
    const report = await reportOf(t, [...clean, line])
    t.ok(
      report.failedGates.some((g) => gate.test(g)),
      `failed gates: ${report.failedGates.join('; ')}`,
    )
    t.match(report.text, /VERDICT FAIL/)
  })
}

t.test('slow clients cut within a second of the configured time, every foreign request refused: the section passes', async (t) => {
  const surface = [
    { section: 'surface', kind: 'foreign-host', attempts: 21, refused: 21 },
    { section: 'surface', kind: 'cross-site', attempts: 5, refused: 5 },
    { section: 'surface', kind: 'slow headers', name: 'keys', configuredSeconds: 2, answeredSeconds: 2.3, closedSeconds: 3.2, status: 408 },
    { section: 'surface', kind: 'slow body', name: 'token', configuredSeconds: 2, answeredSeconds: 2.0, closedSeconds: 2.8, status: 408 },
  ]
  const report = await reportOf(t, [...clean, ...surface])
  t.strictSame(report.failedGates, [])
  t.match(report.text, 'foreign Host refused 21/21 | cross-site requests refused 5/5 | browser cross-site attempts without effect not run')
  t.match(report.text, 'slow headers: 408 after 2.3 s, closed after 3.2 s (configured 2 s, ±1 s) over keys')
})

t.test('a full run with a section missing fails', async (t) => {
  const report = await reportOf(t, clean, true)
  t.ok(report.failedGates.length > 0, report.failedGates.join('; '))
})
