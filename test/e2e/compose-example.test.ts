/**
 * examples/compose without Docker (no daemon here or in CI, no images to pull): the compose file and
 * HAProxy's configuration are parsed and held against what mockta really reads and issues, and the
 * parts that run on Node (the health checks and the app) run against a real mockta. Replicas sharing
 * Redis are tested by the Redis store's own tests, not here.
 */
import t, { type Test } from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { decodeJwt } from 'jose'
import { parse } from 'yaml'
import { parseCliOptions, usage } from '../../src/config/cli-options.js'
import { assertControlAccess } from '../../src/routes/control/routes.js'
import { startMockta } from '../../src/start-mockta.js'
import { productionEnv, repoRoot } from '../helpers/cli-build.js'
import { freePort, isListening, run } from '../helpers/child-process.js'

interface Service {
  image?: string
  build?: string | { context: string }
  command?: string[]
  environment?: Record<string, string>
  healthcheck?: { test: string[] }
  depends_on?: Record<string, { condition: string; restart?: boolean }>
  ports?: string[]
  volumes?: string[]
  network_mode?: string
}

const dir = join(repoRoot, 'examples/compose')
const read = (path: string) => readFileSync(join(dir, path), 'utf8')
// Compose files use YAML merge keys (`<<: *mockta`); Compose resolves them, so the test does too.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> }
/** A value the example must have: a missing one fails the whole file, with its name. */
function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`examples/compose has no ${what}`)
  return value
}
const service = (name: string): Service => need(compose.services[name], `service ${name}`)
const env = (name: string): Record<string, string> => service(name).environment ?? {}
const [mocktaA, mocktaB, lb, app, redis] = ['mockta-a', 'mockta-b', 'lb', 'app', 'redis'].map(service) as [Service, Service, Service, Service, Service]

/** The variables the `mockta` command reads, from its own --help text (`Env: NAME`). */
const mocktaVariables = new Set([...usage.matchAll(/Env: ([A-Z_]+)/g)].map((m) => m[1]))

/** HAProxy's configuration as sections (`backend mockta`) of directive lines, comments dropped. */
function haproxySections(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>()
  let current: string[] = []
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim()
    if (line === '') continue
    if (/^\S/.test(raw)) sections.set(line, (current = []))
    else current.push(line.replace(/\s+/g, ' '))
  }
  return sections
}
const haproxy = haproxySections(read('haproxy.cfg'))
const section = (name: string): string[] => need(haproxy.get(name), `"${name}" in haproxy.cfg`)

/** A `node -e` health check's script (the images have Node, not curl), or a failed assertion. */
function nodeScript(tt: Test, s: Service): string {
  const test = s.healthcheck?.test ?? []
  tt.same(test.slice(0, 3), ['CMD', 'node', '-e'], 'a node -e health check')
  return test[3] ?? ''
}

/** Runs a health check's script as Docker would (its exit status decides), with PORT set. */
async function healthCheck(tt: { teardown(fn: () => unknown): void }, script: string, port: number): Promise<number | null> {
  const check = run(tt, process.execPath, ['-e', script], { cwd: dir, env: productionEnv({ PORT: String(port) }) })
  return (await check.exit(15_000)).code
}

t.test('the compose file: Compose spec, five services, each with a health check, started in order', async (t) => {
  t.notOk('version' in compose, 'no obsolete version key')
  t.same(Object.keys(compose.services).sort(), ['app', 'lb', 'mockta-a', 'mockta-b', 'redis'])
  for (const [name, s] of Object.entries(compose.services)) {
    t.equal(s.healthcheck?.test[0], 'CMD', `${name} has a health check run without a shell`)
    t.ok(s.image ?? s.build, `${name} has an image or a build`)
    t.not(Array.isArray(s.environment), true, `${name}: environment as a map`)
  }
  t.same(mocktaA.depends_on, { redis: { condition: 'service_healthy' } })
  t.same(lb.depends_on, { 'mockta-a': { condition: 'service_healthy' }, 'mockta-b': { condition: 'service_healthy' } })
  t.same(app.depends_on, { lb: { condition: 'service_healthy', restart: true } }, 'the app restarts with the namespace it lives in')

  t.match(redis.image, /^redis:\d/, "Redis's official image, a pinned major")
  t.same(redis.command, ['redis-server', '--appendonly', 'yes'], 'append-only persistence')
  t.same(redis.healthcheck?.test, ['CMD', 'redis-cli', 'ping'])
  const [volume] = (redis.volumes ?? [''])[0]?.split(':') ?? []
  t.ok(volume && compose.volumes && volume in compose.volumes, 'the data sits on a named volume')
})

t.test('both replicas: one image, one store, one public origin, variables mockta reads', async (t) => {
  for (const key of ['build', 'image', 'environment', 'healthcheck', 'depends_on'] as const) t.same(mocktaB[key], mocktaA[key], `same ${key}`)
  const context = typeof mocktaA.build === 'string' ? mocktaA.build : mocktaA.build?.context
  t.equal(resolve(dir, context ?? ''), resolve(repoRoot), "built from the repository's Dockerfile")
  t.ok(existsSync(join(repoRoot, 'Dockerfile')))

  const replica = env('mockta-a')
  for (const name of Object.keys(replica)) t.ok(mocktaVariables.has(name), `${name} is a variable mockta reads`)
  // The command's own parser and start-up rule: this environment starts mockta, off loopback.
  const options = parseCliOptions([], replica)
  if ('help' in options || 'version' in options) throw new Error('unexpected --help or --version')
  t.equal(options.host, '0.0.0.0')
  t.equal(options.redisUrl, 'redis://redis:6379')
  t.doesNotThrow(() => assertControlAccess(options.host, { journalSize: 1000, trustNetwork: false, ...options.control }))
  const redisUrl = new URL(options.redisUrl ?? '')
  t.equal(redisUrl.hostname, 'redis', 'the store is the redis service')
  t.equal(redisUrl.port, '6379', "on Redis's port")

  // The compose health check is the image's own (Dockerfile HEALTHCHECK), at a shorter interval.
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')
  t.equal(nodeScript(t, mocktaA), /CMD node -e "(.+)"/.exec(dockerfile)?.[1], "the Dockerfile's health check")
})

t.test('the load balancer: round robin across exactly the replicas, on the public origin', async (t) => {
  const backend = section('backend mockta')
  t.ok(backend.includes('balance roundrobin'))
  const servers = backend.filter((line) => line.startsWith('server ')).map((line) => line.split(' ')[2])
  t.same(
    servers,
    ['mockta-a', 'mockta-b'].map((name) => `${name}:${env(name)['PORT']}`),
    'each replica service on its PORT',
  )
  t.match(
    backend.find((line) => line.startsWith('default-server ')),
    /\bcheck\b.*\bresolvers docker\b/,
    'health-checked, addresses from Docker DNS',
  )
  t.same(section('resolvers docker'), ['nameserver dns 127.0.0.11:53', 'hold valid 5s'])
  const defaults = section('defaults')
  for (const line of ['retries 2', 'option redispatch 1', 'retry-on conn-failure']) t.ok(defaults.includes(line), line)

  // The public origin: MOCKTA_BASE_URL's port is published on the host's loopback to the frontend's port.
  const publicBind = /^bind :(\d+)$/.exec(section('frontend public').find((line) => line.startsWith('bind')) ?? '')?.[1]
  const origin = new URL(env('mockta-a')['MOCKTA_BASE_URL'] ?? '')
  t.equal(origin.hostname, 'localhost')
  t.ok(lb.ports?.includes(`127.0.0.1:${origin.port}:${publicBind}`), 'published on loopback only (the control API is open to this network)')
  t.ok(lb.volumes?.includes('./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro'))
  t.match(lb.image, /^haproxy:[\d.]+-alpine$/)
  // The load balancer's own health check names its health frontend.
  const healthBind = /^bind (127\.0\.0\.1:\d+)$/.exec(section('frontend lb_health')[0] ?? '')?.[1]
  t.same(lb.healthcheck?.test, ['CMD', 'wget', '-q', '-O', '/dev/null', `http://${healthBind}/`])
})

// HAProxy itself: .ci/run installs it, so in CI these run; elsewhere they skip when it is missing.
const HAPROXY = process.env['MOCKTA_TEST_HAPROXY'] ?? (existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy')
const haproxySkip = spawnSync(HAPROXY, ['-v'], { stdio: 'ignore' }).status === 0 ? false : `${HAPROXY} is not installed`
if (haproxySkip && process.env['CI']) throw new Error(`${haproxySkip}: .ci/run installs it with apt-get (haproxy)`)

t.test('haproxy -c accepts the configuration', { skip: haproxySkip }, async (t) => {
  const checked = spawnSync(HAPROXY, ['-c', '-f', join(dir, 'haproxy.cfg')], { encoding: 'utf8' })
  t.equal(checked.status, 0, 'valid', { output: checked.stdout + checked.stderr })
})

t.test('haproxy.cfg in front of two mocktas: round robin, a stopped replica skipped, a dropped connection not retried', { skip: haproxySkip }, async (t) => {
  const [a, b] = [await startMockta(), await startMockta()]
  t.teardown(() => Promise.all([a.close(), b.close()]))
  const [lbPort, healthPort] = [await freePort(), await freePort()]
  // The example's configuration with loopback addresses for the Docker names.
  const config = read('haproxy.cfg')
    .replace(/^resolvers docker\n(?: .*\n)+/m, '')
    .replace(/ resolvers docker/, '')
    .replace('mockta-a:8080', new URL(a.baseUrl).host)
    .replace('mockta-b:8080', new URL(b.baseUrl).host)
    .replace(/bind 127\.0\.0\.1:\d+/, `bind 127.0.0.1:${healthPort}`)
    .replace('bind :8080', `bind 127.0.0.1:${lbPort}`)
  const work = mkdtempSync(join(tmpdir(), 'mockta-haproxy-'))
  t.teardown(() => rmSync(work, { recursive: true, force: true }))
  writeFileSync(join(work, 'haproxy.cfg'), config)
  run(t, HAPROXY, ['-f', join(work, 'haproxy.cfg')], { cwd: work, env: productionEnv() })
  for (let i = 0; i < 100 && !(await isListening(lbPort)); i++) await new Promise((r) => setTimeout(r, 50))
  const keys = `http://127.0.0.1:${lbPort}/oauth2/default/v1/keys`
  const statuses = async (n: number) => {
    const out: (number | string)[] = []
    for (let i = 0; i < n; i++)
      out.push(
        await fetch(keys).then(
          (r) => r.status,
          () => 'closed',
        ),
      )
    return out
  }
  t.same(await statuses(4), [200, 200, 200, 200])
  t.equal((await a.journal.list({ endpoint: 'keys' })).length, 2, 'two requests on each replica')
  for (const m of [a, b]) await m.faults.add({ match: { endpoint: 'keys' }, action: { type: 'drop' }, times: 1 })
  // HAProxy closes the client's connection too (when it had reused the one to mockta) or answers 502.
  for (const status of await statuses(2)) t.ok(status === 'closed' || status === 502, `a dropped connection reaches the client (${status})`)
  t.same(await Promise.all([a, b].map(async (m) => (await m.journal.list({ endpoint: 'keys' })).length)), [3, 3], 'and is not retried on the other replica')
  await a.close()
  t.same(await statuses(6), [200, 200, 200, 200, 200, 200], 'a stopped replica: connections retried on the other')
})

t.test("the app: in the load balancer's namespace, configured with the issuer and audience mockta puts in tokens", async (t) => {
  t.equal(app.network_mode, 'service:lb', 'localhost:8080 in the app is the load balancer')
  const appPort = env('app')['PORT']
  t.ok(lb.ports?.includes(`127.0.0.1:${appPort}:${appPort}`), "the app's port is published on the lb service")
  // mockta with the replicas' origin: the token it issues carries exactly what the app expects.
  const mockta = await startMockta({ baseUrl: need(env('mockta-a')['MOCKTA_BASE_URL'], 'MOCKTA_BASE_URL') })
  t.teardown(() => mockta.close())
  const claims = decodeJwt((await mockta.mint({ clientId: 'native-app', user: 'alice@example.com', scopes: 'openid' })).access_token)
  t.equal(claims.iss, env('app')['OKTA_ISSUER'])
  t.equal(claims.aud, env('app')['OKTA_AUDIENCE'])

  // The app's image: the official Node image, with the dependency versions the runtime test below uses.
  t.equal(app.build, './app')
  t.match(readFileSync(join(dir, 'app/Dockerfile'), 'utf8'), /^FROM node:24-slim$/m)
  const own = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  const appPackage = JSON.parse(read('app/package.json')) as { dependencies: Record<string, string> }
  for (const [name, range] of Object.entries(appPackage.dependencies)) t.equal(range, own.dependencies[name], `${name} as in mockta`)
})

t.test('the health checks tell a running service from a missing one', async (t) => {
  for (const name of ['mockta-a', 'app']) t.doesNotThrow(() => new Function(nodeScript(t, service(name))), `${name}: valid JavaScript`)
  const mockta = await startMockta()
  t.teardown(() => mockta.close())
  const script = nodeScript(t, mocktaA)
  t.equal(await healthCheck(t, script, Number(new URL(mockta.baseUrl).port)), 0, 'healthy: /health answers 200')
  t.equal(await healthCheck(t, script, await freePort()), 1, 'unhealthy: nothing listens')
})

t.test("the app accepts mockta's access tokens and nothing else", async (t) => {
  const mockta = await startMockta()
  t.teardown(() => mockta.close())
  const startApp = async (issuer: string) => {
    const port = await freePort()
    const proc = run(t, process.execPath, [join(dir, 'app/server.mjs')], {
      cwd: join(dir, 'app'),
      env: productionEnv({ ...env('app'), OKTA_ISSUER: issuer, PORT: String(port), HOST: '127.0.0.1' }),
    })
    await proc.waitFor(/app listening on port/)
    return { proc, port, url: `http://127.0.0.1:${port}/api/messages` }
  }
  const call = (url: string, token?: string) => fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {})
  const mint = (extra: { claims?: { accessToken: Record<string, unknown> } } = {}) =>
    mockta.mint({ clientId: 'native-app', user: 'alice@example.com', scopes: 'openid', ...extra }).then((r) => r.access_token)

  const { proc, port, url } = await startApp(mockta.issuer())
  const ok = await call(url, await mint())
  t.equal(ok.status, 200)
  t.same(await ok.json(), { messages: ['hello alice@example.com'] })

  const none = await call(url)
  t.equal(none.status, 401)
  t.equal(none.headers.get('www-authenticate'), 'Bearer')
  const token = await mint()
  const forged = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`
  await mockta.clock.advance({ seconds: -7200 })
  const expired = await mint()
  await mockta.clock.reset()
  const otherAudience = await mint({ claims: { accessToken: { aud: 'api://other' } } })
  for (const [why, bad] of [
    ['forged', forged],
    ['expired', expired],
    ['another audience', otherAudience],
  ] as const) {
    const res = await call(url, bad)
    t.equal(res.status, 401, why)
    t.same(await res.json(), { error: 'invalid_token' }, why)
  }
  t.equal(await healthCheck(t, nodeScript(t, app), port), 0, "the app's health check passes")

  // The authorization server unreachable: the app says so (503), rather than that the token is bad.
  const orphan = await startApp(`http://127.0.0.1:${await freePort()}/oauth2/default`)
  t.equal((await call(orphan.url, await mint())).status, 503)

  proc.child.kill('SIGTERM')
  t.equal((await proc.exit(10_000)).code, 0, 'SIGTERM: a clean exit, as `docker compose stop` expects')
})
