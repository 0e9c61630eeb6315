#!/usr/bin/env node
/**
 * `npm run bench` (docs/bench.md): mockta side by side with oauth2-mock-server, oidc-provider and a
 * "ceiling" (bare Fastify doing only a grant's RS256 signatures, and a proof's or assertion's verification, with jose). Each target runs as
 * its own process on 127.0.0.1 and is driven by the same autocannon load for a bounded time per
 * scenario; then start-up time and RSS at rest against a bare Fastify hello-world; then bytes per
 * live refresh family. Prints tables and the target ratios, and writes the same as JSON to
 * bench-results/bench-<time>.json. Target servers live in scripts/bench/.
 *
 * Environment: BENCH_SECONDS (default 5 per scenario and round), BENCH_CONNECTIONS (50), BENCH_WARMUP_SECONDS
 * (1), BENCH_REFRESH_POOL (2000 live refresh tokens), BENCH_ONLY (comma-separated scenarios),
 * BENCH_TARGETS (comma-separated targets), BENCH_STARTS (10 start-ups each), BENCH_FAMILIES
 * (comma-separated family counts, default 10000,100000,1000000; 0 skips the memory part; the 1,000-rotation
 * point is measured where N × 1,000 ≤ 20 million), BENCH_REDIS_FAMILIES (100 families for the Redis bytes), BENCH_ROUNDS (3:
 * alternating rounds per scenario, the median rounds reported), BENCH_DEVICE_POOL (15000 device codes for
 * device_poll), BENCH_CPU_PROF (a directory: each mockta start writes a V8 CPU profile there),
 * BENCH_BASELINE (comma-separated built checkouts: a `mockta@<folder>` row each, in the same rounds).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createPrivateKey, generateKeyPairSync, sign, verify } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { measureFamilyMemory } from './bench/memory.mjs'
import { measureRedisFamilyMemory } from './bench/family-redis-memory.mjs'
import { benchRedisUrl, hasRedisServer } from './bench/redis.mjs'
import { CLK_TCK, HOST, cpuTicks, threadCpuTicks, freePort, killChildren, machineBusySeconds, memoryKb, resetPeakRss, sleep, waitForOk, fetchJson } from './bench/processes.mjs'
import { goalsTable, loadTable, memoryTable, startupTable, targetRatios } from './bench/report.mjs'
import { scenarios } from './bench/scenarios.mjs'
import { measureStartups, round } from './bench/startup.mjs'
import { ceilingTarget, ensureMocktaBuild, helloTarget, mocktaTargets, peerTargets, root } from './bench/targets.mjs'

function intFromEnv(name, fallback, min, max) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`)
  return n
}
const listFromEnv = (name, fallback = '') =>
  (process.env[name] ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

const SECONDS = intFromEnv('BENCH_SECONDS', 5, 1, 600)
const CONNECTIONS = intFromEnv('BENCH_CONNECTIONS', 50, 1, 1000)
const WARMUP_SECONDS = intFromEnv('BENCH_WARMUP_SECONDS', 1, 0, 60)
// Every in-flight request holds one token, so the pool must stay well above the connection count.
const REFRESH_POOL = intFromEnv('BENCH_REFRESH_POOL', 2000, 2 * CONNECTIONS, 100_000)
const STARTS = intFromEnv('BENCH_STARTS', 10, 0, 100)
const REDIS_FAMILIES = intFromEnv('BENCH_REDIS_FAMILIES', 100, 1, 10_000)
// On a shared machine, several alternating rounds and the median round per target are steadier.
const ROUNDS = intFromEnv('BENCH_ROUNDS', 3, 1, 20)
const FAMILIES = listFromEnv('BENCH_FAMILIES', '10000,100000,1000000')
  .map(Number)
  .filter((n) => n > 0)
if (FAMILIES.some((n) => !Number.isInteger(n) || n > 5_000_000)) throw new Error('BENCH_FAMILIES must be integers up to 5000000')
const ONLY = listFromEnv('BENCH_ONLY')
// Pinned mode: servers on core 0, this process (the load generator) and Redis on core 1 (taskset).
const PIN = process.env.BENCH_PIN === '1'
const ONLY_TARGETS = listFromEnv('BENCH_TARGETS')

const loadTargets = [...mocktaTargets, ...peerTargets, ceilingTarget].filter((t) => ONLY_TARGETS.length === 0 || ONLY_TARGETS.includes(t.name))

function pathOf(url, baseUrl) {
  if (url === undefined) return undefined
  const u = new URL(url)
  if (u.origin !== new URL(baseUrl).origin) throw new Error(`${url} is not served by ${baseUrl}: is MOCKTA_BASE_URL or baseUrl set?`)
  return u.pathname + u.search
}

async function runScenario(target, scenario, workDir) {
  const port = await freePort()
  const server = await target.start(workDir, port)
  try {
    const discoveryUrl = `${server.baseUrl}${target.discoveryPath}`
    await waitForOk(server, discoveryUrl, { intervalMs: 50 })
    const metadata = await fetchJson(discoveryUrl)
    const env = {
      baseUrl: server.baseUrl,
      paths: {
        discovery: target.discoveryPath,
        token: pathOf(metadata.token_endpoint, server.baseUrl),
        introspect: pathOf(metadata.introspection_endpoint, server.baseUrl),
        keys: pathOf(metadata.jwks_uri, server.baseUrl),
      },
    }
    const idleRssKb = memoryKb(server.pid).rss
    const prepared = await scenario.prepare(env, target, REFRESH_POOL)
    const load = (duration) => autocannon({ url: server.baseUrl, connections: CONNECTIONS, duration, timeout: 10, requests: prepared.requests ?? [prepared.request] })

    if (WARMUP_SECONDS > 0) await load(WARMUP_SECONDS)
    for (const key of Object.keys(prepared.counters)) prepared.counters[key] = 0

    const peakReset = resetPeakRss(server.pid)
    const ticksBefore = cpuTicks(server.pid)
    const threadsBefore = threadCpuTicks(server.pid)
    const busyBefore = machineBusySeconds()
    const clientCpuBefore = process.cpuUsage()
    const started = process.hrtime.bigint()
    // Sign-in and polling rows cap their timed run (docs/bench.md "Sign-in rows"), to keep the default bench short.
    const result = await load(Math.min(SECONDS, scenario.maxSeconds ?? SECONDS))
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9
    const ticksAfter = cpuTicks(server.pid)
    const threadsAfter = threadCpuTicks(server.pid)
    const busyAfter = machineBusySeconds()
    const clientCpu = process.cpuUsage(clientCpuBefore)
    const mem = memoryKb(server.pid)

    // Give the last log lines of the run a moment to arrive through the pipe.
    await sleep(100)
    const exit = server.exitInfo()
    if (exit) throw new Error(`server exited during the run (${JSON.stringify(exit)}):\n${server.output()}`)
    const cpuSeconds = ticksBefore === null || ticksAfter === null ? null : (ticksAfter - ticksBefore) / CLK_TCK
    const clientSeconds = (clientCpu.user + clientCpu.system) / 1e6
    const otherSeconds = busyBefore === null || busyAfter === null || cpuSeconds === null ? null : Math.max(0, busyAfter - busyBefore - cpuSeconds - clientSeconds)
    return {
      target: target.name,
      role: target.role,
      comparable: !(target.notComparable ?? []).includes(scenario.name),
      scenario: scenario.name,
      description: scenario.description,
      ...(target.notes[scenario.name] && { fidelityNote: target.notes[scenario.name] }),
      durationSeconds: result.duration,
      connections: CONNECTIONS,
      requests: result.requests.total,
      reqPerSecMean: round(result.requests.average, 1),
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: round(result.latency.average, 2) },
      // autocannon counts timeouts among errors as well.
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
      checks: { ...prepared.counters },
      ...(prepared.poolSize && { refreshPoolLeft: prepared.poolSize() }),
      server: {
        pid: server.pid,
        idleRssMb: kbToMb(idleRssKb),
        peakRssMb: kbToMb(mem.hwm),
        peakRssCovers: peakReset ? 'timed run' : 'process lifetime',
        endRssMb: kbToMb(mem.rss),
        cpuSeconds: cpuSeconds === null ? null : round(cpuSeconds, 2),
        cpuPercentOfOneCore: cpuSeconds === null ? null : round((cpuSeconds / wallSeconds) * 100, 1),
        // CPU time per request (all threads, signing on the libuv pool included): what load on the machine disturbs least.
        cpuMicrosPerRequest: cpuSeconds === null || result.requests.total === 0 ? null : round((cpuSeconds * 1e6) / result.requests.total, 1),
        // The same CPU split by thread (docs/bench.md "Pinned mode"): main thread, libuv's pool (null on Node 20), the rest.
        ...(threadsBefore &&
          threadsAfter &&
          result.requests.total > 0 && {
            threadMicrosPerRequest: Object.fromEntries(
              ['main', 'pool', 'other'].map((k) => [
                k,
                threadsBefore[k] === null || threadsAfter[k] === null ? null : round(((threadsAfter[k] - threadsBefore[k]) / CLK_TCK / result.requests.total) * 1e6, 1),
              ]),
            ),
          }),
        // A row whose unit is not one request (a sign-in of several requests, a pending poll): CPU per unit.
        ...(prepared.unit && {
          unit: prepared.unit.name,
          unitsPerSecond: round(prepared.counters[prepared.unit.counter] / wallSeconds, 1),
          cpuMicrosPerUnit: cpuSeconds === null || prepared.counters[prepared.unit.counter] === 0 ? null : round((cpuSeconds * 1e6) / prepared.counters[prepared.unit.counter], 1),
        }),
        logLinesSinceStart: target.role === 'mockta' ? server.logCounts() : null,
      },
      client: { cpuPercentOfOneCore: round((clientSeconds / wallSeconds) * 100, 1) },
      // Anything else running on the machine meanwhile (other test runs, builds): high values make the run unreliable.
      otherProcessesCpuPercentOfOneCore: otherSeconds === null ? null : round((otherSeconds / wallSeconds) * 100, 1),
    }
  } finally {
    const info = await server.stop()
    if (info.signal === 'SIGKILL') console.error(`${target.name}: did not stop on SIGTERM, killed`)
  }
}

/**
 * One row per target and scenario: the round with the median req/s, with every round's req/s beside
 * it; its server figures (CPU, by thread, per unit) are those of the round with the median server CPU
 * per request, since the CPU goals are differences of such figures and one disturbed round would
 * otherwise decide them (docs/bench.md "Pinned mode").
 */
function medianRounds(measured) {
  const groups = new Map()
  for (const row of measured) {
    const key = `${row.target}\0${row.scenario}`
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key).push(row)
  }
  const median = (group, value) => [...group].sort((a, b) => value(a) - value(b))[(group.length - 1) >> 1]
  return [...groups.values()].map((group) => {
    const row = median(group, (r) => r.reqPerSecMean)
    if (group.length === 1) return row
    const byCpu = group.every((r) => r.server.cpuMicrosPerRequest !== null) ? median(group, (r) => r.server.cpuMicrosPerRequest) : row
    return {
      ...row,
      server: { ...byCpu.server, peakRssMb: row.server.peakRssMb },
      roundsReqPerSec: group.map((r) => r.reqPerSecMean),
      roundsCpuMicrosPerRequest: group.map((r) => r.server.cpuMicrosPerRequest),
    }
  })
}

const kbToMb = (kb) => (kb === null ? null : round(kb / 1024, 1))

function gitCommit() {
  const out = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' })
  return out.status === 0 ? out.stdout.trim() : null
}

/**
 * What the hardware allows: RS256 signatures per second on one core with the fixture key (1 s of
 * back-to-back synchronous signing), and so the most refresh grants (two signatures each) all cores
 * could sign if they did nothing else: no HTTP, no load generator.
 */
function pinCores() {
  if (os.cpus().length < 2) throw new Error('BENCH_PIN=1 needs two cores')
  const pinned = spawnSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { encoding: 'utf8' })
  if (pinned.status !== 0) throw new Error(`BENCH_PIN=1: taskset failed: ${pinned.stderr || pinned.error?.message}`)
  process.env.BENCH_SERVER_CPU = '0'
  process.env.BENCH_CLIENT_CPU = '1'
  console.log('pinned: servers on CPU 0; the load generator and redis-server on CPU 1')
}

function signingBound(cpus) {
  const jwk = JSON.parse(readFileSync(join(root, 'fixtures/keys/rs256.test-only.jwks.json'), 'utf8')).keys[0]
  const key = createPrivateKey({ key: jwk, format: 'jwk' })
  const input = Buffer.alloc(700, 'a')
  let signatures = 0
  const started = process.hrtime.bigint()
  let elapsed = 0
  while (elapsed < 1) {
    sign('sha256', input, key)
    signatures++
    elapsed = Number(process.hrtime.bigint() - started) / 1e9
  }
  const perCore = signatures / elapsed
  // The cost of one signature in CPU time, which other load on a shared machine inflates far less than wall time.
  const cpuMicros = (from) => {
    const used = process.cpuUsage(from)
    return used.user + used.system
  }
  const sigCpuFrom = process.cpuUsage()
  for (let i = 0; i < 300; i++) sign('sha256', input, key)
  const signatureMicros = round(cpuMicros(sigCpuFrom) / 300, 1)
  // One ES256 verification (what a DPoP proof or a private_key_jwt assertion adds), 0.3 s of them.
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const signature = sign('sha256', input, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' })
  const verifyCpuFrom = process.cpuUsage()
  for (let i = 0; i < 1000; i++) verify('sha256', input, { key: ec.publicKey, dsaEncoding: 'ieee-p1363' }, signature)
  return {
    signatureMicros,
    es256VerifyMicros: round(cpuMicros(verifyCpuFrom) / 1000, 1),
    signaturesPerSecondOneCore: Math.round(perCore),
    refreshGrantsPerSecondAllCores: Math.round((perCore * cpus) / 2),
  }
}

let workDir

async function main() {
  const selected = ONLY.length > 0 ? scenarios.filter((s) => ONLY.includes(s.name)) : scenarios
  if (selected.length === 0 && ONLY.length > 0) throw new Error(`BENCH_ONLY matches no scenario (have: ${scenarios.map((s) => s.name).join(', ')})`)
  const startedAt = new Date()
  const machine = {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    totalMemMb: Math.round(os.totalmem() / 2 ** 20),
    loadAverage: os.loadavg().map((n) => round(n, 2)),
  }
  // Scenario by scenario, every target in turn: the runs a ratio compares are minutes apart, not the whole run.
  const runs = selected.flatMap((scenario) =>
    Array.from({ length: ROUNDS }, () => loadTargets.filter((t) => t.scenarios.includes(scenario.name)).map((target) => ({ target, scenario }))).flat(),
  )
  console.log(`node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.platform}, load average ${machine.loadAverage.join(' ')}`)
  console.log(
    `${runs.length} load runs (${ROUNDS} round${ROUNDS > 1 ? 's' : ''}) of ${SECONDS} s after ${WARMUP_SECONDS} s warm-up, ${CONNECTIONS} connections, refresh pool ${REFRESH_POOL}; ${STARTS} start-ups each; families ${FAMILIES.join(', ') || 'skipped'}`,
  )
  console.log('servers, load generator and anything else share this machine: CPU columns are % of one core\n')

  // Hard upper bound for the whole run, whatever hangs.
  const budgetMs = runs.length * ((SECONDS + WARMUP_SECONDS) * 1000 + 120_000) + STARTS * 2 * 30_000 + FAMILIES.length * 600_000 + 300_000
  setTimeout(() => {
    console.error(`bench: exceeded its time budget of ${Math.round(budgetMs / 1000)} s, giving up`)
    process.exit(1)
  }, budgetMs).unref()

  ensureMocktaBuild()
  if (PIN) pinCores()
  const bound = signingBound(machine.cpus)
  console.log(
    `RS256 (fixture key) on this machine: ${bound.signaturesPerSecondOneCore} signatures/s on one core, so at most ${bound.refreshGrantsPerSecondAllCores} refresh grants/s on ${machine.cpus} cores doing nothing else; by CPU time one RS256 signature costs ${bound.signatureMicros} µs, one ES256 verification ${bound.es256VerifyMicros} µs\n`,
  )
  workDir = mkdtempSync(join(os.tmpdir(), 'mockta-bench-'))
  const measured = []
  const failures = []
  for (const { target, scenario } of runs) {
    process.stdout.write(`${target.name} / ${scenario.name} … `)
    try {
      const row = await runScenario(target, scenario, workDir)
      measured.push(row)
      console.log(`${row.reqPerSecMean.toFixed(0)} req/s`)
    } catch (err) {
      // One target that cannot run (a peer broken by a new Node, say) must not cost the others' figures.
      if (target.role === 'mockta') throw err
      const lines = String(err?.message ?? err)
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
      // The first line says what failed; the server's last error line says why.
      const last = lines.slice(1).findLast((l) => /error/i.test(l)) ?? lines.at(-1)
      const message = lines.length > 1 ? `${lines[0]} … ${last}` : (lines[0] ?? 'unknown error')
      failures.push({ target: target.name, scenario: scenario.name, error: message })
      console.log(`failed: ${message}`)
    }
  }
  const rows = medianRounds(measured)

  let startups = []
  if (STARTS > 0) {
    process.stdout.write(`start-up: ${STARTS} starts each of mockta and a bare Fastify hello-world … `)
    startups = await measureStartups([mocktaTargets[0], helloTarget], STARTS, workDir)
    console.log('done')
  }
  let memory = []
  if (FAMILIES.length > 0) {
    process.stdout.write(`memory: ${FAMILIES.join(' and ')} live refresh families in MemoryStore … `)
    memory = measureFamilyMemory(FAMILIES)
    console.log('done')
  }
  let redisMemory
  if (FAMILIES.length > 0 && hasRedisServer()) {
    process.stdout.write(`memory: ${REDIS_FAMILIES} refresh families in the Redis store, rotated 1, 10 and 1000 times … `)
    redisMemory = await measureRedisFamilyMemory(await benchRedisUrl(workDir), REDIS_FAMILIES)
    console.log('done')
  }

  if (rows.length > 0 || failures.length > 0) {
    console.log(`\n${loadTable(rows)}\n`)
    for (const r of rows) {
      if (r.roundsReqPerSec)
        console.log(
          `${r.target} / ${r.scenario}: req/s by round ${r.roundsReqPerSec.map((n) => n.toFixed(0)).join(', ')}, server CPU µs/req by round ${r.roundsCpuMicrosPerRequest.join(', ')} (medians shown)`,
        )
      const extra = Object.entries(r.checks).filter(([k, v]) => k !== 'bad' && v > 0)
      for (const [k, v] of Object.entries(r.server.logLinesSinceStart ?? {})) if (v > 0) extra.push([`server log ${k}`, v])
      if (extra.length > 0) console.log(`${r.target} / ${r.scenario}: ${extra.map(([k, v]) => `${k} ${v}`).join(', ')}`)
      if (r.server.unit)
        console.log(`${r.target} / ${r.scenario}: ${r.server.unitsPerSecond} ${r.server.unit}s/s, server CPU ${r.server.cpuMicrosPerUnit ?? 'n/a'} µs per ${r.server.unit}`)
    }
    for (const f of failures) console.log(`${f.target} / ${f.scenario}: FAILED, ${f.error}`)
    const notes = rows.filter((r) => r.fidelityNote)
    if (notes.length > 0) {
      console.log('\nwhere a target cannot do what mockta does:')
      for (const r of notes) console.log(`  ${r.target} / ${r.scenario}: ${r.fidelityNote}`)
    }
  }
  if (startups.length > 0) console.log(`\n${startupTable(startups)}`)
  if (memory.length > 0) {
    console.log(`\n${memoryTable(memory, redisMemory)}`)
    console.log('  method: N families created through the Store as a sign-in does, in a child process run with --expose-gc;')
    console.log('  (V8 heapUsed after − before, both after forced full GCs) / N. A family keeps no token or hash, only its')
    console.log('  generation (docs/refresh-tokens.md, "Token form"), so rotations must not change the figure.')
    if (redisMemory) {
      console.log(`  Redis: ${redisMemory.families} families; MEMORY USAGE (SAMPLES 0) of each f:<id> hash plus its share of the`)
      console.log('  families and u:<user> indexes, / N; used_memory growth / N for reference; keys under the prefix.')
    }
  }
  const goals = targetRatios({ rows, startups, memory, redisMemory, bound })
  console.log(`\ntargets (docs/bench.md), ratios from this run only:\n${goalsTable(goals)}\n`)

  const outDir = join(root, 'bench-results')
  mkdirSync(outDir, { recursive: true })
  // ISO 8601 basic format: the extended form's colons are not allowed in Windows file names.
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  const file = join(outDir, `bench-${stamp}.json`)
  const settings = {
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    connections: CONNECTIONS,
    refreshPool: REFRESH_POOL,
    rounds: ROUNDS,
    starts: STARTS,
    families: FAMILIES,
    host: HOST,
  }
  const targets = Object.fromEntries([...loadTargets, helloTarget].map((t) => [t.name, { description: t.description ?? 'bare Fastify hello-world', notes: t.notes ?? {} }]))
  writeFileSync(
    file,
    `${JSON.stringify({ startedAt: startedAt.toISOString(), commit: gitCommit(), machine, signingBound: bound, settings, targets, results: rows, failures, startups, memory, redisMemory, goals }, null, 2)}\n`,
  )
  console.log(`results written to ${file}`)
}

// Every way out (normal end, error, signal, time budget) goes through process.exit, hence 'exit'.
process.once('exit', () => {
  killChildren()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})
for (const [signal, number] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
])
  process.once(signal, () => process.exit(128 + number))

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`\nbench failed: ${err?.stack ?? err}`)
    process.exit(1)
  },
)
