/** The bench's printed tables and its target ratios (docs/bench.md). */
import { round } from './startup.mjs'

export function loadTable(rows) {
  return table(rows, [
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
    ['server CPU µs/req', (r) => String(r.server.cpuMicrosPerRequest ?? 'n/a')],
    ['bench CPU %', (r) => String(r.client.cpuPercentOfOneCore)],
    ['other CPU %', (r) => String(r.otherProcessesCpuPercentOfOneCore ?? 'n/a')],
  ])
}

export function startupTable(startups) {
  return table(startups, [
    ['target', (s) => s.target],
    ['starts', (s) => String(s.starts)],
    ['start-up ms (median)', (s) => String(s.startupMsMedian)],
    ['min', (s) => String(s.startupMsMin)],
    ['max', (s) => String(s.startupMsMax)],
    ['CPU ms at ready (median)', (s) => String(s.cpuMsMedian)],
    ['RSS at rest MB (median)', (s) => String(s.restRssMbMedian)],
  ])
}

const ROTATION_POINTS = ['1', '10', '1000']

/** Bytes per family: MemoryStore rows (V8 heap), then the Redis row (MEMORY USAGE) when measured. */
export function memoryTable(memory, redis) {
  const at = (m, n, field) => (m.afterRotations?.[n] ? String(m.afterRotations[n][field]) : '-')
  const rows = memory.map((m) => ({
    store: 'memory (V8 heap)',
    families: m.families,
    signIn: m.afterSignIn.heapBytes,
    points: ROTATION_POINTS.map((n) => at(m, n, 'heapBytes')),
    other: `RSS ${m.afterSignIn.rssBytes} B after sign-in`,
  }))
  if (redis) {
    rows.push({
      store: 'Redis (MEMORY USAGE)',
      families: redis.families,
      signIn: redis.afterSignIn.memoryUsageBytes,
      points: ROTATION_POINTS.map((n) => at(redis, n, 'memoryUsageBytes')),
      other: `used_memory ${redis.afterSignIn.usedMemoryBytes} → ${redis.afterRotations['1000']?.usedMemoryBytes ?? '-'} B; keys ${redis.afterSignIn.keys} → ${redis.afterRotations['1000']?.keys ?? '-'}`,
    })
  }
  return table(rows, [
    ['store', (r) => r.store],
    ['live families', (r) => String(r.families)],
    ['B/family after sign-in', (r) => String(r.signIn)],
    ['after 1 rotation', (r) => r.points[0]],
    ['after 10', (r) => r.points[1]],
    ['after 1000', (r) => r.points[2]],
    ['also', (r) => r.other],
  ])
}

/**
 * The bench's goals (docs/bench.md) as ratios of figures from this one run. `met` is null when a figure is missing
 * (a target that failed or was not selected).
 */
export function targetRatios({ rows, startups, memory, redisMemory, bound, mocktaName = 'mockta' }) {
  const row = (target, scenario) => rows.find((r) => r.target === target && r.scenario === scenario && r.reqPerSecMean > 0)
  const peers = (scenario, keep) =>
    rows.filter((r) => r.role === 'peer' && r.scenario === scenario && r.reqPerSecMean > 0 && keep(r)).sort((a, b) => b.reqPerSecMean - a.reqPerSecMean)
  // A peer row marked not comparable (it does not do the work at all) is shown, not used, for a goal.
  const fasterPeer = (scenario) => peers(scenario, (r) => r.comparable !== false)[0]
  const goals = []
  const add = (goal, value, limit, atLeast, detail) =>
    goals.push({ goal, ratio: value === null ? null : round(value, 2), limit, met: value === null ? null : atLeast ? value >= limit : value <= limit, detail })
  // A line for information: a ratio printed beside the goals, never met or missed.
  const addInfo = (goal, value, limit, detail) => goals.push({ goal: `  (info) ${goal}`, ratio: value === null ? null : round(value, 2), limit, met: null, info: true, detail })

  const m = row(mocktaName, 'refresh_token')
  const peer = fasterPeer('refresh_token')
  const ceiling = row('ceiling', 'refresh_token')
  const boundText = bound ? `; signing alone allows ${bound.refreshGrantsPerSecondAllCores} req/s` : ''
  // Retired (docs/bench.md "Targets"): two RS256 signatures per refresh cap any implementation on
  // these cores, so the ceiling goal below replaced it; the ratio stays for reference.
  addInfo(
    'refresh_token req/s vs the faster peer (the retired 2.5× goal)',
    m && peer ? m.reqPerSecMean / peer.reqPerSecMean : null,
    null,
    m && peer ? `${fmt(m.reqPerSecMean)} vs ${peer.target} ${fmt(peer.reqPerSecMean)}${boundText}` : 'missing',
  )
  add(
    'refresh_token req/s ≥ 1.0× the ceiling',
    m && ceiling ? m.reqPerSecMean / ceiling.reqPerSecMean : null,
    1.0,
    true,
    m && ceiling ? `${fmt(m.reqPerSecMean)} vs ${fmt(ceiling.reqPerSecMean)}` : 'missing',
  )
  add(
    `refresh_token p99 ≤ 0.5× the faster peer's`,
    m && peer ? m.latencyMs.p99 / peer.latencyMs.p99 : null,
    0.5,
    false,
    m && peer ? `${m.latencyMs.p99} ms vs ${peer.target} ${peer.latencyMs.p99} ms` : 'missing',
  )

  // For information: the refresh goal against the faster peer that keeps refresh-token state.
  const stateful = peers('refresh_token', (r) => r.target !== 'oauth2-mock-server')[0]
  if (m && stateful && stateful !== peer) {
    addInfo(
      `refresh_token req/s vs ${stateful.target}, which rotates`,
      m.reqPerSecMean / stateful.reqPerSecMean,
      2.5,
      `${fmt(m.reqPerSecMean)} vs ${fmt(stateful.reqPerSecMean)}; p99 ${m.latencyMs.p99} ms vs ${stateful.latencyMs.p99} ms`,
    )
  }

  // What sharing the state through Redis costs (the Redis row, when redis-server is installed), docs/bench.md.
  for (const [scenario, limit] of [
    ['refresh_token', 0.9],
    ['introspect', 0.8],
    ['client_credentials', null],
  ]) {
    const memory = row(mocktaName, scenario)
    const redis = row(`${mocktaName}-redis`, scenario)
    if (!memory || !redis) continue
    const ratio = redis.reqPerSecMean / memory.reqPerSecMean
    const p99 = redis.latencyMs.p99 / memory.latencyMs.p99
    goals.push({
      goal: limit === null ? `  (info) ${scenario} req/s, Redis store vs in-memory` : `${scenario} req/s on Redis ≥ ${limit}× in-memory, p99 ≤ 1.2×`,
      ratio: round(ratio, 2),
      limit,
      met: limit === null ? null : ratio >= limit && p99 <= 1.2,
      ...(limit === null && { info: true }),
      detail: `${fmt(redis.reqPerSecMean)} vs ${fmt(memory.reqPerSecMean)}; p99 ${redis.latencyMs.p99} ms vs ${memory.latencyMs.p99} ms (${round(p99, 2)}×); server CPU ${redis.server.cpuMicrosPerRequest} vs ${memory.server.cpuMicrosPerRequest} µs/req`,
    })
  }

  const mi = row(mocktaName, 'introspect')
  const pi = fasterPeer('introspect')
  add(
    'introspect req/s ≥ 2× the faster peer',
    mi && pi ? mi.reqPerSecMean / pi.reqPerSecMean : null,
    2,
    true,
    mi && pi ? `${fmt(mi.reqPerSecMean)} vs ${pi.target} ${fmt(pi.reqPerSecMean)}` : 'missing',
  )
  for (const other of peers('introspect', (r) => r.comparable === false)) {
    addInfo(
      `introspect req/s vs ${other.target}, which verifies nothing`,
      mi ? mi.reqPerSecMean / other.reqPerSecMean : null,
      2,
      mi ? `${fmt(mi.reqPerSecMean)} vs ${fmt(other.reqPerSecMean)}` : 'missing',
    )
  }

  const ms = startups.find((s) => s.target === mocktaName)
  const hs = startups.find((s) => s.target === 'fastify-hello')
  add(
    'start-up ≤ 1.2× bare Fastify hello-world',
    ms && hs ? ms.startupMsMedian / hs.startupMsMedian : null,
    1.2,
    false,
    ms && hs ? `${ms.startupMsMedian} ms vs ${hs.startupMsMedian} ms` : 'missing',
  )
  if (ms?.cpuMsMedian && hs?.cpuMsMedian)
    goals.push({
      goal: '  (info) CPU time at ready vs bare Fastify hello-world',
      ratio: round(ms.cpuMsMedian / hs.cpuMsMedian, 2),
      limit: 1.2,
      met: null,
      info: true,
      detail: `${ms.cpuMsMedian} ms vs ${hs.cpuMsMedian} ms`,
    })
  add(
    'RSS at rest ≤ 1.2× bare Fastify hello-world',
    ms && hs ? ms.restRssMbMedian / hs.restRssMbMedian : null,
    1.2,
    false,
    ms && hs ? `${ms.restRssMbMedian} MB vs ${hs.restRssMbMedian} MB` : 'missing',
  )

  for (const mem of memory) {
    const points = Object.entries(mem.afterRotations ?? {})
    const worst = Math.max(mem.afterSignIn.heapBytes, ...points.map(([, p]) => p.heapBytes))
    goals.push({
      goal: `bytes per live family ≤ 400 after ${points.map(([n]) => n).join(', ')} rotations (${mem.families} families)`,
      bytes: worst,
      limit: 400,
      met: worst <= 400,
      detail: `after sign-in ${mem.afterSignIn.heapBytes} B, ${points.map(([n, p]) => `after ${n}: ${p.heapBytes} B`).join(', ')} (V8 heap)`,
    })
  }
  if (redisMemory) {
    const points = Object.entries(redisMemory.afterRotations)
    const first = redisMemory.afterSignIn
    // Constant size: no rotation may add a key, and the bytes after 1, 10 and 1,000 rotations agree
    // within a few bytes of rounding. Sign-in is printed but not compared: a family that has rotated
    // holds one more field (`rot`), and a new family's hash may be halfway through growing its
    // hashtable (Redis moves a hash's buckets step by step, and MEMORY USAGE counts both tables
    // meanwhile): the sign-in figure came out 16 B above the rest in one run and 48 B below in the
    // next (docs/bench.md, "What makes mockta fast", the in-memory store bullet).
    const bytes = points.map(([, p]) => p.memoryUsageBytes)
    const grows = points.some(([, p]) => p.keys !== first.keys) || Math.max(...bytes) > Math.min(...bytes) + 16
    goals.push({
      goal: `Redis bytes per family do not grow with rotations (${redisMemory.families} families)`,
      bytes: Math.max(...bytes),
      limit: null,
      met: !grows,
      detail: `MEMORY USAGE after ${points.map(([n, p]) => `${n}: ${p.memoryUsageBytes} B`).join(', ')} (after sign-in ${first.memoryUsageBytes} B); keys ${first.keys} → ${points.map(([, p]) => p.keys).join(' → ')}`,
    })
  }
  goals.push(...cpuGoals(rows, bound, mocktaName))
  return goals
}

/**
 * From server CPU time per request (docs/bench.md "Pinned mode"): mockta's own work in a grant, net of
 * its RS256 signatures (measured on this machine by the bench), and what a DPoP proof or a client
 * assertion adds over the plain row, against one ES256 verification.
 */
function cpuGoals(rows, bound, mocktaName) {
  const goals = []
  if (!bound?.signatureMicros) return goals
  const serverOf = (scenario, target = mocktaName) => rows.find((r) => r.target === target && r.scenario === scenario && r.server.cpuMicrosPerRequest)?.server
  const cpu = (scenario, target = mocktaName) => serverOf(scenario, target)?.cpuMicrosPerRequest
  const sig = bound.signatureMicros
  const own = (scenario, signatures, limit, target = mocktaName) => {
    const server = serverOf(scenario, target)
    const total = server?.cpuMicrosPerRequest
    const split = threadSplit(server)
    // Measured by thread in the same run when the split is there (the pool signs and does nothing else
    // in these rows); otherwise estimated as the total less the signatures measured alone.
    const share = split ? split.own / split.signing : total === undefined ? null : (total - signatures * sig) / (signatures * sig)
    const estimate = total === undefined ? null : round((total - signatures * sig) / (signatures * sig), 2)
    const who = target === mocktaName ? "mockta's" : `${target}'s`
    goals.push({
      goal: `${scenario}: ${who} own CPU work${limit === null ? '' : ` ≤ ${limit * 100} %`} of its ${signatures} ${signatures > 1 ? "signatures'" : "signature's"} cost`,
      ratio: share === null ? null : round(share, 2),
      limit,
      met: share === null || limit === null ? null : share <= limit,
      ...(limit === null && { info: true }),
      detail:
        total === undefined
          ? 'missing'
          : split
            ? `${total} µs/req server CPU: ${split.text}; estimated from ${signatures} × ${sig} µs signing alone: ${estimate}`
            : `${total} µs/req server CPU, ${signatures} × ${sig} µs RS256 signing`,
    })
  }
  own('refresh_token', 2, 0.25)
  // The floor under the same load: bare Fastify's HTTP and jose's signing of the same two tokens.
  if (serverOf('refresh_token', 'ceiling')) own('refresh_token', 2, null, 'ceiling')
  own('client_credentials', 1, null)
  // One verification as a server pays it: what the ceiling's jose verification adds to its row in
  // the same run (docs/bench.md "Pinned mode"); without the ceiling, one node:crypto ES256
  // verification measured alone, which no WebCrypto verification reaches.
  const extra = (scenario, base) => {
    const [a, b] = [cpu(scenario), cpu(base)]
    const added = a === undefined || b === undefined ? null : a - b
    const [ca, cb] = [cpu(scenario, 'ceiling'), cpu(base, 'ceiling')]
    const verification = ca === undefined || cb === undefined ? null : ca - cb
    const alone = `one node:crypto ES256 verification alone ${bound.es256VerifyMicros} µs (${added === null ? 'n/a' : round(added / bound.es256VerifyMicros, 2)}×)`
    const byCeiling = verification !== null && verification > 0
    const yardstick = byCeiling ? verification : bound.es256VerifyMicros
    goals.push({
      goal: `${scenario} vs ${base}: extra server CPU ≤ one verification${byCeiling ? " (the ceiling's)" : ' (ES256, node:crypto alone)'}`,
      ratio: added === null ? null : round(added / yardstick, 2),
      limit: 1,
      met: added === null ? null : added <= yardstick,
      detail:
        added === null
          ? 'missing'
          : `${a} vs ${b} µs/req: +${round(added, 1)} µs; ${verification === null ? '' : `the ceiling's ${ca} vs ${cb}: +${round(verification, 1)} µs; `}${alone}`,
    })
  }
  extra('dpop_refresh', 'refresh_token')
  extra('private_key_jwt', 'client_credentials')
  goals.push(...signInGoals(rows, bound, mocktaName))
  return goals
}

/**
 * A row's CPU by thread (bench.mjs, processes.mjs threadCpuTicks) as own work and signing: signing is
 * libuv's pool, own work everything else; on Node 20, which names no thread, the pool cannot be told
 * from V8's helper threads, so own work is the main thread and the helpers count as signing.
 */
function threadSplit(server) {
  const t = server?.threadMicrosPerRequest
  if (!t || t.main === null || t.other === null) return null
  const signing = t.pool ?? t.other
  if (!(signing > 0)) return null
  const own = t.pool === null ? t.main : t.main + t.other
  const text =
    t.pool === null
      ? `main thread ${t.main}, other threads (the pool's signing, V8's helpers) ${t.other} µs/req`
      : `main thread ${t.main}, V8's helpers ${t.other}, libuv's pool (signing) ${t.pool} µs/req`
  return { own, signing, text }
}

/**
 * Sign-in rows (docs/bench.md "Sign-in rows"): mockta's own work per request, net of signing, against
 * the plain code flow's (every row signs the same two tokens per sign-in; the whole-sign-in ratio is
 * printed beside it), and server CPU per pending device poll against one RS256 signature (a poll
 * signs nothing).
 */
function signInGoals(rows, bound, mocktaName) {
  const goals = []
  const unitRow = (scenario) => rows.find((r) => r.target === mocktaName && r.scenario === scenario && r.server.cpuMicrosPerUnit)
  const code = unitRow('code_flow')
  // Own work per request, net of signing: measured by thread, else the CPU per sign-in less its two signatures, spread over its requests.
  const ownPerRequest = (r) => {
    const split = threadSplit(r.server)
    if (split) return split.own
    const signIns = r.checks.signIns
    return signIns > 0 ? (r.server.cpuMicrosPerUnit - 2 * bound.signatureMicros) / (r.requests / signIns) : null
  }
  for (const scenario of ['idx_sign_in', 'authn_sign_in']) {
    const r = unitRow(scenario)
    if (!r && !code) continue
    const [own, codeOwn] = r && code ? [ownPerRequest(r), ownPerRequest(code)] : [null, null]
    const ratio = own !== null && codeOwn ? own / codeOwn : null
    goals.push({
      goal: `${scenario} vs code_flow: own CPU per request (net of signing) ≤ 1.0×`,
      ratio: ratio === null ? null : round(ratio, 2),
      limit: 1,
      met: ratio === null ? null : ratio <= 1,
      detail:
        r && code
          ? `${round(own, 1)} vs ${round(codeOwn, 1)} µs/req own work; per sign-in ${r.server.cpuMicrosPerUnit} vs ${code.server.cpuMicrosPerUnit} µs (${round(r.server.cpuMicrosPerUnit / code.server.cpuMicrosPerUnit, 2)}×), ${r.server.unitsPerSecond} vs ${code.server.unitsPerSecond} sign-ins/s; each signs 2 × ${bound.signatureMicros} µs`
          : 'missing',
    })
  }
  const poll = unitRow('device_poll')
  if (poll) {
    const limit = 0.25
    const share = poll.server.cpuMicrosPerUnit / bound.signatureMicros
    const starved = poll.checks.starved ?? 0
    goals.push({
      goal: `device_poll: server CPU per pending poll ≤ ${limit} of one RS256 signature`,
      ratio: round(share, 2),
      limit,
      // Polls sent with no code due (the pool too small for the rate) would flatter the figure: more than 1 % fails it.
      met: share <= limit && starved <= 0.01 * (poll.checks.pending ?? 0),
      detail: `${poll.server.cpuMicrosPerUnit} µs/poll, ${poll.server.unitsPerSecond} pending polls/s, slow_down ${poll.checks.slowDown ?? 0}, starved ${starved}; one signature ${bound.signatureMicros} µs`,
    })
  }
  return goals
}

export function goalsTable(goals) {
  return table(goals, [
    ['goal', (g) => g.goal],
    ['measured', (g) => String(g.ratio ?? (g.bytes === undefined ? 'n/a' : `${g.bytes} B`))],
    ['met', (g) => (g.info ? '-' : g.met === null ? 'n/a' : g.met ? 'yes' : 'NO')],
    ['figures', (g) => g.detail],
  ])
}

const fmt = (n) => `${n.toFixed(0)} req/s`

function table(rows, columns) {
  const cells = rows.map((r) => columns.map(([, get]) => get(r)))
  const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const numeric = columns.map((_, i) => cells.length > 0 && cells.every((c) => /^-?[\d.]+( B)?$|^n\/a$/.test(c[i])))
  const line = (values) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(columns.map(([h]) => h)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n')
}
