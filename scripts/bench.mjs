#!/usr/bin/env node
/**
 * Load benchmark (`npm run bench`): starts each target as its own child process on 127.0.0.1, drives
 * it with autocannon for a bounded time per scenario, and reports throughput, latency, errors and the
 * server process's peak RSS and CPU. Results go to stdout and to bench-results/bench-<time>.json.
 *
 * Environment: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 50), BENCH_WARMUP_SECONDS
 * (default 1), BENCH_REFRESH_POOL (default 2000 live refresh tokens), BENCH_ONLY (comma-separated
 * scenario names).
 *
 * To compare other servers later, add an entry to `targets`; to measure another endpoint, add one to
 * `scenarios`. Scenarios only use what a target's discovery document and `fixtures` describe.
 */
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

function intFromEnv(name, fallback, min, max) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`)
  return n
}

const SECONDS = intFromEnv('BENCH_SECONDS', 10, 1, 600)
const CONNECTIONS = intFromEnv('BENCH_CONNECTIONS', 50, 1, 1000)
const WARMUP_SECONDS = intFromEnv('BENCH_WARMUP_SECONDS', 1, 0, 60)
// Every in-flight request holds one token, so the pool must stay well above the connection count.
const REFRESH_POOL = intFromEnv('BENCH_REFRESH_POOL', 2000, 2 * CONNECTIONS, 100_000)
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean)
const HOST = '127.0.0.1'
const CLK_TCK = clockTicks()

// ---------------------------------------------------------------------------------------------
// Targets: how to start a server and which registered clients and user the scenarios may use.

/** The fixtures every scenario relies on; these are mockta's fixtures/config.json. */
const MOCKTA_FIXTURES = {
  user: { username: 'alice@example.com', password: 'alice-password' },
  publicClient: { id: 'native-app' },
  confidentialClient: { id: 'web-app', secret: 'web-app-secret' },
  serviceClient: { id: 'service-app', secret: 'service-app-secret', scope: 'api:read' },
}

const targets = [
  {
    name: 'mockta',
    description: 'mockta, in-memory store (dist/cli.js)',
    issuerPath: '/oauth2/default',
    fixtures: MOCKTA_FIXTURES,
    start: startMockta,
  },
]

// ---------------------------------------------------------------------------------------------
// Scenarios: each `prepare` runs before the timed run and returns the autocannon request plus
// counters of answers that were 2xx but wrong (`bad`).

const scenarios = [
  {
    name: 'refresh_token',
    description: 'refresh grant, rotation + ID token (native-app, every request a live token)',
    prepare: prepareRefresh,
  },
  {
    name: 'introspect',
    description: 'introspect a JWT access token (web-app, client_secret_basic)',
    async prepare(env) {
      const { confidentialClient: c, user } = env.fixtures
      const body = await tokenRequest(env, { grant_type: 'password', username: user.username, password: user.password, scope: 'openid profile offline_access' }, c)
      const form = new URLSearchParams({ token: body.access_token, token_type_hint: 'access_token' }).toString()
      return expecting(
        { method: 'POST', path: env.paths.introspect, headers: { ...FORM, authorization: basic(c) }, body: form },
        (text) => text.startsWith('{"active":true'),
      )
    },
  },
  {
    name: 'client_credentials',
    description: 'client_credentials grant (service-app, scope api:read)',
    async prepare(env) {
      const c = env.fixtures.serviceClient
      const form = new URLSearchParams({ grant_type: 'client_credentials', scope: c.scope }).toString()
      return expecting(
        { method: 'POST', path: env.paths.token, headers: { ...FORM, authorization: basic(c) }, body: form },
        (text) => text.includes('"access_token"'),
      )
    },
  },
  {
    name: 'keys',
    description: 'GET /v1/keys (JWKS)',
    async prepare(env) {
      return expecting({ method: 'GET', path: env.paths.keys }, (text) => text.startsWith('{"keys"'))
    },
  },
  {
    name: 'discovery',
    description: 'GET /.well-known/openid-configuration',
    async prepare(env) {
      return expecting({ method: 'GET', path: env.paths.discovery }, (text) => text.includes('"issuer"'))
    },
  },
]

const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }
const basic = (c) => `Basic ${Buffer.from(`${encodeURIComponent(c.id)}:${encodeURIComponent(c.secret)}`).toString('base64')}`

/** A fixed request whose 2xx answers are checked by `ok(body)`. */
function expecting(request, ok) {
  const counters = { bad: 0 }
  return {
    counters,
    request: {
      ...request,
      onResponse(status, body) {
        if (status >= 200 && status < 300 && !ok(body)) counters.bad++
      },
    },
  }
}

/**
 * Each request takes a token from the pool and a 200 puts the rotated one back, so every request
 * presents a live token and no family is ever revoked for reuse. A failed request's token is dropped
 * rather than retried, since it may have been consumed.
 */
async function prepareRefresh(env) {
  const { publicClient: c, user } = env.fixtures
  const pool = []
  await inBatches(REFRESH_POOL, Math.min(CONNECTIONS, 50), async () => {
    const body = await tokenRequest(env, { grant_type: 'password', username: user.username, password: user.password, scope: 'openid profile offline_access' }, { id: c.id })
    if (typeof body.refresh_token !== 'string') throw new Error('password grant returned no refresh_token')
    pool.push(body.refresh_token)
  })
  const counters = { bad: 0, poolExhausted: 0, rejected: 0 }
  // Reading the pool's size is O(1); a moving head keeps take() O(1) too.
  let head = 0
  const take = () => {
    if (head >= pool.length) return undefined
    const token = pool[head++]
    if (head > 4096 && head * 2 > pool.length) {
      pool.splice(0, head)
      head = 0
    }
    return token
  }
  return {
    counters,
    poolSize: () => pool.length - head,
    request: {
      method: 'POST',
      path: env.paths.token,
      headers: FORM,
      setupRequest(req) {
        let token = take()
        if (token === undefined) {
          // autocannon stops if setupRequest returns nothing, so a dead token keeps the run going and
          // shows up as a 400 (non-2xx) plus this counter.
          counters.poolExhausted++
          token = randomBytes(32).toString('base64url')
        }
        req.body = `grant_type=refresh_token&client_id=${encodeURIComponent(c.id)}&refresh_token=${token}`
        return req
      },
      onResponse(status, body) {
        if (status !== 200) {
          counters.rejected++
          return
        }
        let parsed
        try {
          parsed = JSON.parse(body)
        } catch {
          counters.bad++
          return
        }
        if (typeof parsed.refresh_token !== 'string' || typeof parsed.id_token !== 'string') {
          counters.bad++
          return
        }
        pool.push(parsed.refresh_token)
      },
    },
  }
}

// ---------------------------------------------------------------------------------------------
// mockta as a child process

async function startMockta(workDir) {
  const cli = join(root, 'dist/cli.js')
  if (!existsSync(cli)) {
    console.log('dist/cli.js is missing: building with tsc …')
    const built = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit', timeout: 300_000 })
    if (built.status !== 0) throw new Error(`tsc failed (status ${built.status}${built.error ? `, ${built.error.message}` : ''})`)
  }

  const stale = newestMtimeMs(join(root, 'src')) > statSync(cli).mtimeMs
  if (stale && !warnedStale) {
    warnedStale = true
    console.warn('\nwarning: src/ is newer than dist/cli.js; these numbers are for the old build (npm run build first)')
  }

  const config = JSON.parse(readFileSync(join(root, 'fixtures/config.json'), 'utf8'))
  delete config.$schema
  // Request logging at info would make the bench measure pino's output to a pipe.
  config.logLevel = 'warn'
  config.keys = { file: join(root, 'fixtures/keys/rs256.test-only.jwks.json') }
  const configPath = join(workDir, 'mockta.bench.config.json')
  writeFileSync(configPath, JSON.stringify(config, null, 2))

  const port = await freePort()
  const env = { ...process.env }
  // The issuer must be the address the bench calls, whatever the caller's shell exports.
  delete env.MOCKTA_BASE_URL
  delete env.MOCKTA_CONFIG
  return spawnServer(process.execPath, [cli, '--host', HOST, '--port', String(port), '--config', configPath], { cwd: root, env }, `http://${HOST}:${port}`)
}

let warnedStale = false

function newestMtimeMs(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs)
  }
  return newest
}

/** Spawns a server, keeps the tail of its output for error messages, and knows how to stop it. */
function spawnServer(command, args, options, baseUrl) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  let partial = ''
  // pino levels: 40 warn, 50 error, 60 fatal. A reuse detection would mean the bench itself is wrong.
  const logCounts = { warnOrWorse: 0, reuseDetected: 0 }
  const keep = (chunk) => {
    const text = chunk.toString()
    output = (output + text).slice(-8000)
    const lines = (partial + text).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      if (/"level":(4|5|6)0\b/.test(line)) logCounts.warnOrWorse++
      if (line.includes('detect_reuse')) logCounts.reuseDetected++
    }
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })))
  let exitInfo
  void exited.then((info) => {
    exitInfo = info
  })
  children.add(child)
  void exited.then(() => children.delete(child))
  return {
    baseUrl,
    pid: child.pid,
    output: () => output,
    logCounts: () => ({ ...logCounts }),
    exitInfo: () => exitInfo,
    async stop() {
      if (exitInfo) return exitInfo
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      const info = await exited
      clearTimeout(timer)
      return info
    },
  }
}

const children = new Set()

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const { port } = server.address()
      server.close(() => resolvePort(port))
    })
  })
}

async function waitForDiscovery(server, url, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  let lastError
  while (Date.now() < deadline) {
    const exit = server.exitInfo()
    if (exit) throw new Error(`server exited during start-up (${JSON.stringify(exit)}):\n${server.output()}`)
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) })
      if (res.ok) return await res.json()
      lastError = new Error(`HTTP ${res.status}`)
    } catch (err) {
      lastError = err
    }
    await sleep(100)
  }
  throw new Error(`no discovery answer at ${url} within ${timeoutMs} ms (${lastError?.message}):\n${server.output()}`)
}

async function tokenRequest(env, params, client) {
  const headers = { ...FORM }
  if (client.secret !== undefined) headers.authorization = basic(client)
  else params = { ...params, client_id: client.id }
  const res = await fetch(env.baseUrl + env.paths.token, { method: 'POST', headers, body: new URLSearchParams(params), signal: AbortSignal.timeout(10_000) })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`${params.grant_type} grant: HTTP ${res.status} ${text.slice(0, 300)}`)
  return JSON.parse(text)
}

async function inBatches(total, parallel, task) {
  let next = 0
  const worker = async () => {
    while (next < total) {
      next++
      await task()
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, total) }, worker))
}

// ---------------------------------------------------------------------------------------------
// /proc measurements of the server process (Linux only; null elsewhere)

function clockTicks() {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })
  const n = Number(out.stdout?.trim())
  return Number.isInteger(n) && n > 0 ? n : 100
}

function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // comm, in parentheses, may contain spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14 and 15 of proc(5))
  } catch {
    return null
  }
}

function memoryKb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const field = (name) => {
      const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)
      return m ? Number(m[1]) : null
    }
    return { hwm: field('VmHWM'), rss: field('VmRSS') }
  } catch {
    return { hwm: null, rss: null }
  }
}

/** Busy CPU seconds of the whole machine (all cores), to tell whether other processes competed. */
function machineBusySeconds() {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number)
    return (user + nice + system + irq + softirq + steal) / CLK_TCK
  } catch {
    return null
  }
}

/** Resets VmHWM so the peak covers the timed run only (proc(5), clear_refs "5"). */
function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

// ---------------------------------------------------------------------------------------------
// Running

function pathOf(url, baseUrl) {
  const u = new URL(url)
  if (u.origin !== new URL(baseUrl).origin) throw new Error(`${url} is not served by ${baseUrl}: is MOCKTA_BASE_URL or baseUrl set?`)
  return u.pathname + u.search
}

async function runScenario(target, scenario, workDir) {
  const server = await target.start(workDir)
  if (new URL(server.baseUrl).hostname !== HOST) throw new Error(`${target.name}: benchmarks only run against ${HOST}`)
  try {
    const discoveryUrl = `${server.baseUrl}${target.issuerPath}/.well-known/openid-configuration`
    const metadata = await waitForDiscovery(server, discoveryUrl)
    const env = {
      baseUrl: server.baseUrl,
      fixtures: target.fixtures,
      paths: {
        discovery: pathOf(discoveryUrl, server.baseUrl),
        token: pathOf(metadata.token_endpoint, server.baseUrl),
        introspect: pathOf(metadata.introspection_endpoint, server.baseUrl),
        keys: pathOf(metadata.jwks_uri, server.baseUrl),
      },
    }
    const idleRssKb = memoryKb(server.pid).rss
    const prepared = await scenario.prepare(env)
    const url = server.baseUrl
    const load = (duration) => autocannon({ url, connections: CONNECTIONS, duration, timeout: 10, requests: [prepared.request] })

    if (WARMUP_SECONDS > 0) await load(WARMUP_SECONDS)
    for (const key of Object.keys(prepared.counters)) prepared.counters[key] = 0

    const peakReset = resetPeakRss(server.pid)
    const ticksBefore = cpuTicks(server.pid)
    const busyBefore = machineBusySeconds()
    const clientCpuBefore = process.cpuUsage()
    const started = process.hrtime.bigint()
    const result = await load(SECONDS)
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9
    const ticksAfter = cpuTicks(server.pid)
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
      scenario: scenario.name,
      description: scenario.description,
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
        logLinesSinceStart: server.logCounts ? server.logCounts() : null,
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

const round = (n, digits) => (n === null || n === undefined ? null : Math.round(n * 10 ** digits) / 10 ** digits)
const kbToMb = (kb) => (kb === null ? null : round(kb / 1024, 1))
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function table(rows) {
  const columns = [
    ['target', (r) => r.target],
    ['scenario', (r) => r.scenario],
    ['req/s', (r) => r.reqPerSecMean.toFixed(0)],
    ['p50 ms', (r) => String(r.latencyMs.p50)],
    ['p99 ms', (r) => String(r.latencyMs.p99)],
    ['errors', (r) => String(r.errors)],
    ['non-2xx', (r) => String(r.non2xx)],
    ['bad 2xx', (r) => String(r.checks.bad ?? 0)],
    ['peak RSS MB', (r) => String(r.server.peakRssMb ?? 'n/a')],
    ['server CPU %', (r) => String(r.server.cpuPercentOfOneCore ?? 'n/a')],
    ['bench CPU %', (r) => String(r.client.cpuPercentOfOneCore)],
    ['other CPU %', (r) => String(r.otherProcessesCpuPercentOfOneCore ?? 'n/a')],
  ]
  const cells = rows.map((r) => columns.map(([, get]) => get(r)))
  const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const line = (values) => values.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ')
  return [line(columns.map(([h]) => h)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n')
}

function gitCommit() {
  const out = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' })
  return out.status === 0 ? out.stdout.trim() : null
}

async function main() {
  const selected = ONLY.length > 0 ? scenarios.filter((s) => ONLY.includes(s.name)) : scenarios
  if (selected.length === 0) throw new Error(`BENCH_ONLY matches no scenario (have: ${scenarios.map((s) => s.name).join(', ')})`)
  const startedAt = new Date()
  const machine = { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, totalMemMb: Math.round(os.totalmem() / 2 ** 20) }
  console.log(`node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.platform}`)
  console.log(`${SECONDS} s per scenario after ${WARMUP_SECONDS} s warm-up, ${CONNECTIONS} connections, refresh pool ${REFRESH_POOL}`)
  console.log('server, load generator and anything else share this machine: CPU columns are % of one core\n')

  // Hard upper bound for the whole run, whatever hangs.
  const budgetMs = targets.length * selected.length * ((SECONDS + WARMUP_SECONDS) * 1000 + 120_000) + 300_000
  setTimeout(() => {
    console.error(`bench: exceeded its time budget of ${Math.round(budgetMs / 1000)} s, giving up`)
    process.exit(1)
  }, budgetMs).unref()

  workDir = mkdtempSync(join(os.tmpdir(), 'mockta-bench-'))
  const rows = []
  for (const target of targets) {
    for (const scenario of selected) {
      process.stdout.write(`${target.name} / ${scenario.name} … `)
      const row = await runScenario(target, scenario, workDir)
      rows.push(row)
      console.log(`${row.reqPerSecMean.toFixed(0)} req/s`)
    }
  }

  console.log(`\n${table(rows)}\n`)
  for (const r of rows) {
    const extra = Object.entries(r.checks).filter(([k, v]) => k !== 'bad' && v > 0)
    for (const [k, v] of Object.entries(r.server.logLinesSinceStart ?? {})) if (v > 0) extra.push([`server log ${k}`, v])
    if (extra.length > 0) console.log(`${r.target} / ${r.scenario}: ${extra.map(([k, v]) => `${k} ${v}`).join(', ')}`)
  }

  const outDir = join(root, 'bench-results')
  mkdirSync(outDir, { recursive: true })
  // ISO 8601 basic format: the extended form's colons are not allowed in Windows file names.
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  const file = join(outDir, `bench-${stamp}.json`)
  const settings = { seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS, refreshPool: REFRESH_POOL, distOlderThanSrc: warnedStale }
  writeFileSync(file, `${JSON.stringify({ startedAt: startedAt.toISOString(), commit: gitCommit(), machine, settings, results: rows }, null, 2)}\n`)
  console.log(`results written to ${file}`)
}

let workDir

function killChildren() {
  for (const child of children) child.kill('SIGKILL')
}

// Every way out (normal end, error, signal, time budget) goes through process.exit, hence 'exit'.
process.once('exit', () => {
  killChildren()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})
for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15]]) process.once(signal, () => process.exit(128 + number))

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`\nbench failed: ${err?.stack ?? err}`)
    process.exit(1)
  },
)
