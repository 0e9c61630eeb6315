#!/usr/bin/env node
// The whole test suite: type check, dependency layers, then every tap test, then one closing line `N passed, N failed`.
// Runs under whichever node starts it (CI also starts it with Node 24), and tap's workers inherit it.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { compileTests, mirrorArg } from './compile-tests.mjs'
import { buildReport } from './report.mjs'
import { failureText, tapFailures } from './tap-failures.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const tsc = require.resolve('typescript/bin/tsc')
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')
const tapDir = dirname(require.resolve('tap/package.json'))
const tap = join(tapDir, 'dist/esm/run.mjs')

let passed = 0
let failed = 0

process.stdout.write(`# node ${process.version}\n`)
// The type check and the import floors read the source, whatever Node runs them: CI's second run of
// the suite, under another Node, sets MOCKTA_STATIC_CHECKS=skip rather than repeat them.
if (process.env['MOCKTA_STATIC_CHECKS'] !== 'skip') {
  process.stdout.write('# type check (tsc --noEmit)\n')
  const typecheck = spawnSync(process.execPath, [tsc, '--noEmit', '-p', 'test/tsconfig.json'], { cwd: root, stdio: 'inherit' })
  if (typecheck.status === 0) passed++
  else failed++

  // Imports point only down the floors (docs/architecture.md, "Floors"); a violation fails the run.
  process.stdout.write('# dependency layers (dependency-cruiser)\n')
  const layers = spawnSync(process.execPath, [depcruise, 'src', '--config', '.dependency-cruiser.cjs'], { cwd: root, stdio: 'inherit' })
  if (layers.status === 0) passed++
  else failed++
}

// tap builds its Test class with the plugins .taprc names, and rebuilds it when they change, but only
// once the runner has started: that first run's test processes would still load the plugins of the
// old build (after `npm ci`, tap's TypeScript plugin besides tsx: CONTRIBUTING.md, "How the suite runs
// TypeScript"). Rebuild first, so every run starts with the configured plugins.
// Loading tap's configuration writes it into process.env (TAP_CWD, TAP_NODE_ARG, …), where tap run in
// the mirror would take it over the mirror's own .taprc: the run gets the environment from before.
const environment = { ...process.env }
const fromTapRun = createRequire(createRequire(join(tapDir, 'package.json')).resolve('@tapjs/run/package.json'))
const { TapConfig } = await import(pathToFileURL(fromTapRun.resolve('@tapjs/config')).href)
const { signature } = await import(pathToFileURL(fromTapRun.resolve('@tapjs/test/test-built')).href)
if ((await TapConfig.load()).pluginSignature !== signature) {
  process.stdout.write("# rebuilding tap's Test class for .taprc's plugins\n")
  const built = spawnSync(process.execPath, [tap, 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
  if (built.status !== 0) failed++
}

// Tests write the reliability report's figures here (test/helpers/report.ts); a fresh directory per run.
const reportDir = join(root, '.tap/report')
rmSync(reportDir, { recursive: true, force: true })
mkdirSync(reportDir, { recursive: true })

// tap runs the compiled mirror, so no test process loads TypeScript (CONTRIBUTING.md, "How the suite
// runs TypeScript"); a test named on the command line by its .ts path runs as its compiled file.
const mirror = join(root, '.tap/js')
process.stdout.write('# compiling the tests (esbuild) into .tap/js\n')
await compileTests(root, mirror, readFileSync(join(root, '.taprc'), 'utf8'))
const args = ['--reporter=tap', ...process.argv.slice(2).map((arg) => mirrorArg(root, mirror, arg))]
const env = { ...environment, MOCKTA_REPORT_DIR: reportDir }
const child = spawn(process.execPath, [tap, ...args], { cwd: mirror, env, stdio: ['ignore', 'pipe', 'inherit'] })
let tail = ''
const failures = tapFailures()
// Decoded as a stream, so a character split between two chunks stays whole.
child.stdout.setEncoding('utf8')
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk)
  failures.write(chunk)
  tail = (tail + chunk).slice(-4096)
})
child.on('close', (code) => {
  const summary = /# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?/.exec(tail)
  if (summary) {
    passed += Number(summary[2])
    failed += Number(summary[3] ?? 0)
  } else {
    failed++
  }
  // tap exits non-zero on any failure; a missing summary also counts as a failure.
  if (code !== 0 && failed === 0) failed++
  // The report's gates (docs/reliability.md § 4): each failed gate fails the run.
  const report = buildReport(root, reportDir, process.argv.length <= 2)
  process.stdout.write(`\n${report.text}`)
  failed += report.failedGates.length
  // Named again last, where CI's excerpt of the output still shows them.
  process.stdout.write(failureText(failures.leaves()))
  process.stdout.write(`${passed} passed, ${failed} failed\n`)
  process.exit(failed === 0 ? 0 : 1)
})
