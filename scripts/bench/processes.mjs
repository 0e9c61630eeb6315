/** Child processes of the bench: spawning servers on loopback, waiting for them, /proc readings. */
import { spawn, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'

export const HOST = '127.0.0.1'
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const children = new Set()

/** Kills whatever is still running; the bench calls it on every way out. */
export function killChildren() {
  for (const child of children) child.kill('SIGKILL')
}

/** Spawns a server, keeps the tail of its output for error messages, and knows how to stop it. */
export function spawnServer(command, args, options, baseUrl) {
  const startedAt = process.hrtime.bigint()
  // Pinned mode (BENCH_PIN=1): servers on the core the bench gives them, the load generator on another.
  const { cpu = process.env.BENCH_SERVER_CPU, ...spawnOptions } = options
  const pinned = cpu !== undefined && cpu !== '' ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args]
  const child = spawn(pinned[0], pinned[1], { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] })
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
    startedAt,
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

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const { port } = server.address()
      server.close(() => resolvePort(port))
    })
  })
}

/** One GET without keep-alive; resolves with the status, or the connection error's code. */
function probe(url) {
  return new Promise((resolveProbe) => {
    const req = request(url, { agent: false, timeout: 2000 }, (res) => {
      res.resume()
      res.once('end', () => resolveProbe(res.statusCode))
    })
    req.once('timeout', () => req.destroy(new Error('timeout')))
    req.once('error', (err) => resolveProbe(err.code ?? err.message))
    req.end()
  })
}

/**
 * Polls `url` every `intervalMs` until a 200; returns the milliseconds since the server's spawn. The
 * short interval is what makes it a start-up timer: the error is at most one interval.
 */
export async function waitForOk(server, url, { timeoutMs = 30_000, intervalMs = 2 } = {}) {
  const deadline = Date.now() + timeoutMs
  let last
  while (Date.now() < deadline) {
    const exit = server.exitInfo()
    if (exit) throw new Error(`server exited during start-up (${JSON.stringify(exit)}):\n${server.output()}`)
    last = await probe(url)
    if (last === 200) return Number(process.hrtime.bigint() - server.startedAt) / 1e6
    await sleep(intervalMs)
  }
  throw new Error(`no 200 from ${url} within ${timeoutMs} ms (last: ${last}):\n${server.output()}`)
}

export async function fetchJson(url, init = {}) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) })
  const text = await res.text()
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status} ${text.slice(0, 300)}`)
  return JSON.parse(text)
}

// /proc readings of a process (Linux only; null elsewhere)

export const CLK_TCK = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })
  const n = Number(out.stdout?.trim())
  return Number.isInteger(n) && n > 0 ? n : 100
})()

/** utime + stime of a proc(5) `stat` line (fields 14 and 15). */
function statTicks(stat) {
  // comm, in parentheses, may contain spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

export function cpuTicks(pid) {
  try {
    return statTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return null
  }
}

/**
 * CPU ticks of a process split by thread (proc(5), /proc/<pid>/task/<tid>/stat): the main thread
 * (tid = pid: JavaScript, HTTP, mockta's logic), libuv's thread pool (where mockta's RS256 signing and
 * WebCrypto run) and every other thread (V8's garbage collector and compiler helpers). The pool's
 * threads are those named `libuv-worker` (Node 22 and later name them); Node 20 names every thread
 * `node`, and then `pool` is null and its ticks are among `other`. Threads that ended before the
 * reading are missing from it, so only the difference of two readings of a long-lived server counts.
 */
export function threadCpuTicks(pid) {
  try {
    const split = { main: 0, pool: 0, other: 0, named: false }
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      let stat
      try {
        stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      } catch {
        continue // the thread ended meanwhile
      }
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const ticks = statTicks(stat)
      if (Number(tid) === pid) split.main += ticks
      else if (name === 'libuv-worker') split.pool += ticks
      else split.other += ticks
      if (name !== 'node') split.named = true
    }
    return { main: split.main, pool: split.named ? split.pool : null, other: split.other }
  } catch {
    return null
  }
}

export function memoryKb(pid) {
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
export function machineBusySeconds() {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/)
    const [user, nice, system, , , irq, softirq, steal] = values.map(Number)
    return (user + nice + system + irq + softirq + steal) / CLK_TCK
  } catch {
    return null
  }
}

/** Resets VmHWM so the peak covers the timed run only (proc(5), clear_refs "5"). */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}
