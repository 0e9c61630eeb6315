/**
 * Figures for the reliability report (docs/reliability.md § 4). Each test process appends JSON lines to
 * `$MOCKTA_REPORT_DIR/<pid>.jsonl`; scripts/report.mjs aggregates them after the run, prints the block
 * and applies the gates. Without MOCKTA_REPORT_DIR (a single file run by `npx tap`) nothing is written.
 *
 * Importing this module also watches the process (F-8): a start line, an exit line with the code,
 * and a line per uncaught exception or unhandled rejection. A start without an exit is a crash.
 */
import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.env['MOCKTA_REPORT_DIR']

export type Section = 'catalogue' | 'fuzz' | 'canary' | 'race' | 'model' | 'fault' | 'limit' | 'surface' | 'load' | 'process'

export function record(section: Section, figures: Record<string, unknown>): void {
  if (!dir) return
  mkdirSync(dir, { recursive: true })
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify({ section, ...figures })}\n`)
}

const watched = Symbol.for('mockta.report.watched')
const proc = process as NodeJS.Process & { [watched]?: boolean }
if (!proc[watched]) {
  proc[watched] = true
  const file = process.argv[1] ?? ''
  record('process', { event: 'start', file })
  // The monitor sees uncaught exceptions without changing how the process reacts to them.
  process.on('uncaughtExceptionMonitor', (err, origin) => record('process', { event: origin, file, message: String((err as Error)?.message ?? err) }))
  process.on('exit', (code) => record('process', { event: 'exit', file, code }))
}
