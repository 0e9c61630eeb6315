#!/usr/bin/env node
// Soak (docs/reliability.md § C-15; not in CI): churn on loopback for SOAK_SECONDS (default 600) at about
// SOAK_RPS requests/s (default 300), printing heap after a forced GC and the store's size over time.
//
// Sessions sign in, refresh a few times, introspect, and are then revoked (or, one in five, abandoned
// to expire idle); service tokens are issued and some revoked. mockta's clock runs SOAK_TIME_FACTOR
// times faster than the wall clock (default 600: ten minutes per second), so ended families pass the
// 24 h retention window and the sweeper's work shows within the run: the store and the heap must level
// off rather than grow with the number of requests. Bounded by time and by SOAK_MAX_REQUESTS.
//
// Run with `npm run soak` (builds first). Everything stays on 127.0.0.1.
import { performance } from 'node:perf_hooks'
import { buildMockta } from '../dist/app.js'
import { SystemClock } from '../dist/clock.js'
import { loadConfigFile } from '../dist/config/load.js'

const env = process.env
const SECONDS = Number(env.SOAK_SECONDS ?? 600)
const RPS = Number(env.SOAK_RPS ?? 300)
const TIME_FACTOR = Number(env.SOAK_TIME_FACTOR ?? 600)
const MAX_REQUESTS = Number(env.SOAK_MAX_REQUESTS ?? SECONDS * RPS * 2)
const WORKERS = 16
const REPORT_EVERY_MS = Number(env.SOAK_REPORT_SECONDS ?? 15) * 1000

if (typeof globalThis.gc !== 'function') {
  console.error('soak: run with node --expose-gc (npm run soak does)')
  process.exit(1)
}

const clock = new SystemClock()
const config = loadConfigFile(undefined, { defaultBaseUrl: 'http://127.0.0.1:0' })
config.logLevel = 'silent'
config.store.sweepIntervalSeconds = 5
// An hour of mockta time without use ends a session (six wall-clock seconds at the default factor).
config.authorizationServers[0].refreshToken.idleSeconds = 3600
const { app, ctx } = await buildMockta(config, { clock })
await app.listen({ host: '127.0.0.1', port: 0 })
const base = `http://127.0.0.1:${app.server.address().port}/oauth2/default/v1`

const started = performance.now()
const wallStart = Date.now()
// mockta's clock runs TIME_FACTOR times faster than the wall clock.
const ticker = setInterval(() => (clock.offsetMs = (Date.now() - wallStart) * (TIME_FACTOR - 1)), 100)

let sent = 0
let errors = 0
const statuses = {}
const deadline = started + SECONDS * 1000
const done = () => performance.now() >= deadline || sent >= MAX_REQUESTS

async function call(endpoint, params, headers = {}) {
  // Pace to RPS overall: wait until this request's slot.
  const slot = started + (sent++ / RPS) * 1000
  const wait = slot - performance.now()
  if (wait > 0) await new Promise((r) => setTimeout(r, wait))
  try {
    const res = await fetch(`${base}/${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(params),
    })
    statuses[res.status] = (statuses[res.status] ?? 0) + 1
    if (res.status >= 500) errors++
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : undefined }
  } catch (err) {
    errors++
    return { status: 0, error: err }
  }
}

const service = { authorization: `Basic ${Buffer.from('service-app:service-app-secret').toString('base64')}` }

async function worker(id) {
  let n = 0
  while (!done()) {
    n++
    const signIn = await call('token', {
      grant_type: 'password',
      client_id: 'native-app',
      username: 'alice@example.com',
      password: 'alice-password',
      scope: 'offline_access api:read',
    })
    if (signIn.status !== 200) continue
    let { refresh_token: rt, access_token: at } = signIn.body
    for (let i = 0; i < 4 && !done(); i++) {
      const r = await call('token', { grant_type: 'refresh_token', client_id: 'native-app', refresh_token: rt })
      if (r.status !== 200) break
      ;({ refresh_token: rt, access_token: at } = r.body)
    }
    await call('introspect', { client_id: 'native-app', token: at })
    await call('introspect', { client_id: 'native-app', token: rt })
    if ((n + id) % 5 !== 0) await call('revoke', { client_id: 'native-app', token: rt })
    const cc = await call('token', { grant_type: 'client_credentials', scope: 'api:read' }, service)
    if (cc.status === 200 && n % 2 === 0) await call('revoke', { token: cc.body.access_token }, service)
  }
}

const samples = []
async function sample() {
  globalThis.gc()
  const mem = process.memoryUsage()
  const stats = await ctx.store.stats()
  const elapsed = (performance.now() - started) / 1000
  const s = { elapsed, sent, errors, heapMb: mem.heapUsed / 1e6, rssMb: mem.rss / 1e6, ...stats }
  samples.push(s)
  console.log(
    `t=${elapsed.toFixed(0).padStart(4)}s  requests ${String(sent).padStart(7)}  rps ${(sent / Math.max(elapsed, 1)).toFixed(0).padStart(4)}  errors ${errors}` +
      `  heap(after gc) ${s.heapMb.toFixed(1)} MB  rss ${s.rssMb.toFixed(1)} MB  store families ${stats.families} tokens ${stats.tokens} revoked-ATs ${stats.revokedAccessTokens}`,
  )
}

console.log(`soak: ${SECONDS} s at ~${RPS} req/s on ${base}, mockta clock x${TIME_FACTOR}, ${WORKERS} workers`)
await sample()
const reporter = setInterval(() => void sample(), REPORT_EVERY_MS)
await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i)))
clearInterval(reporter)
clearInterval(ticker)
await sample()
await app.close()

// Informational (docs/reliability.md § C-15): heap growth from the 2-minute mark (or a fifth of the run) to the end.
const from = samples.find((s) => s.elapsed >= Math.min(120, SECONDS / 5)) ?? samples[0]
const last = samples.at(-1)
console.log(`statuses ${JSON.stringify(statuses)}`)
console.log(
  `soak done: ${last.sent} requests, ${errors} errors (5xx or socket). heap after gc ${from.heapMb.toFixed(1)} MB at ${from.elapsed.toFixed(0)} s -> ${last.heapMb.toFixed(1)} MB at end ` +
    `(growth ${(last.heapMb - from.heapMb).toFixed(1)} MB; bar C-15: < 20 MB from minute 2 to 10); store families ${from.families} -> ${last.families}`,
)
process.exit(errors === 0 ? 0 : 1)
