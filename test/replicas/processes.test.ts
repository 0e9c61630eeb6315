/**
 * Two real mockta processes on different ports sharing one real redis-server (docs/replicas.md), as two
 * containers behind a load balancer: the same public origin (MOCKTA_BASE_URL) and key prefix, every
 * request sent straight to one replica or the other. Refresh-token rotation, reuse detection,
 * revocation, bursts, the clock, a replica killed mid-burst, and Redis itself stopping and coming back.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { builtPackage, productionEnv, repoRoot } from '../helpers/cli-build.js'
import { freePort, run, type Running } from '../helpers/child-process.js'
import { oktaWire } from '../helpers/okta-catalogue.js'
import { startRedis, type RedisServer } from '../helpers/redis-server.js'
import { uniquePrefix } from '../helpers/replicas.js'
import { record } from '../helpers/report.js'

const PUBLIC_ORIGIN = 'http://mockta.test'
const INVALID_GRANT = oktaWire('invalid_refresh_token')
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
/** A copy of native-app without a grace period: a second use of a rotated token is reuse at once. */
const STRICT = 'native-strict'

interface Replica {
  base: string
  life: Running
}

interface Cluster {
  redis: RedisServer
  a: Replica
  b: Replica
  /** Starts a replica again on its port (after a kill). */
  restart(which: 'a' | 'b'): Promise<Replica>
}

async function cluster(t: Test): Promise<Cluster | undefined> {
  const redis = await startRedis(t, { appendOnly: true })
  if (!redis) return undefined
  const root = await builtPackage()
  const fixture = JSON.parse(readFileSync(join(repoRoot, 'fixtures/config.json'), 'utf8')) as { clients: Array<Record<string, unknown>> }
  const native = fixture.clients.find((c) => c['id'] === 'native-app')!
  const config = {
    ...fixture,
    $schema: undefined,
    clients: [...fixture.clients, { ...native, id: STRICT, name: 'Native app, no grace', refreshToken: { rotation: 'rotate', graceSeconds: 0 } }],
    // The Redis store itself is chosen by MOCKTA_REDIS_URL below, as in the compose example.
    store: { keyPrefix: uniquePrefix(), commandTimeoutMs: 1000 },
  }
  const file = join(mkdtempSync(join(tmpdir(), 'mockta-replicas-')), 'config.json')
  writeFileSync(file, JSON.stringify(config))
  const ports = { a: await freePort(), b: await freePort() }
  const start = async (which: 'a' | 'b'): Promise<Replica> => {
    const life = run(t, process.execPath, [join(root, 'dist/cli.js'), '--port', String(ports[which]), '--config', file], {
      cwd: root,
      env: productionEnv({ MOCKTA_BASE_URL: PUBLIC_ORIGIN, MOCKTA_REDIS_URL: redis.url }),
    })
    await life.waitFor(/mockta listening/)
    return { base: `http://127.0.0.1:${ports[which]}`, life }
  }
  return { redis, a: await start('a'), b: await start('b'), restart: start }
}

async function token(replica: Replica, params: Record<string, string>): Promise<{ status: number; text: string; json: any }> {
  const res = await fetch(`${replica.base}/oauth2/default/v1/token`, { method: 'POST', headers: FORM, body: new URLSearchParams(params) })
  const text = await res.text()
  return { status: res.status, text, json: text.startsWith('{') ? JSON.parse(text) : undefined }
}

const signIn = (replica: Replica, clientId = 'native-app') =>
  token(replica, { grant_type: 'password', client_id: clientId, username: 'alice@example.com', password: 'alice-password', scope: 'openid offline_access api:read' })

const refresh = (replica: Replica, refreshToken: string, clientId = 'native-app') =>
  token(replica, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken })

async function active(replica: Replica, tokenValue: string, clientId = 'native-app'): Promise<boolean> {
  const res = await fetch(`${replica.base}/oauth2/default/v1/introspect`, { method: 'POST', headers: FORM, body: new URLSearchParams({ client_id: clientId, token: tokenValue }) })
  return ((await res.json()) as { active: boolean }).active
}

async function controlCall(replica: Replica, method: string, path: string, body?: unknown): Promise<any> {
  const payload = body === undefined && method !== 'GET' ? {} : body
  const res = await fetch(`${replica.base}/__mockta${path}`, {
    method,
    ...(payload !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }),
  })
  return res.status === 204 ? undefined : res.json()
}

const isInvalidGrant = (r: { status: number; text: string }) => r.status === INVALID_GRANT.status && r.text === JSON.stringify(INVALID_GRANT.body)

t.test('refresh on A, reuse of the old token on B: reuse detected, the family revoked on both', async (t) => {
  const c = await cluster(t)
  if (!c) return
  const first = (await signIn(c.a, STRICT)).json
  const rotated = await refresh(c.a, first.refresh_token, STRICT)
  t.equal(rotated.status, 200, 'rotated on A')
  t.ok(isInvalidGrant(await refresh(c.b, first.refresh_token, STRICT)), 'the rotated-out token on B: invalid_grant')
  for (const replica of [c.a, c.b]) {
    t.equal(await active(replica, rotated.json.refresh_token, STRICT), false, `the successor is revoked (${replica === c.a ? 'A' : 'B'})`)
    t.equal(await active(replica, rotated.json.access_token, STRICT), false, 'and its access token')
  }
  t.ok(isInvalidGrant(await refresh(c.a, rotated.json.refresh_token, STRICT)), 'the successor no longer refreshes on A')
})

t.test('revoke on B, introspect on A: inactive', async (t) => {
  const c = await cluster(t)
  if (!c) return
  const tokens = (await signIn(c.a)).json
  t.equal(await active(c.a, tokens.access_token), true)
  const revoke = (value: string) =>
    fetch(`${c.b.base}/oauth2/default/v1/revoke`, { method: 'POST', headers: FORM, body: new URLSearchParams({ client_id: 'native-app', token: value }) })
  t.equal((await revoke(tokens.access_token)).status, 200)
  t.equal(await active(c.a, tokens.access_token), false, 'the access token revoked on B is inactive on A')
  t.equal((await revoke(tokens.refresh_token)).status, 200)
  t.equal(await active(c.a, tokens.refresh_token), false, 'so is the refresh token')
  t.ok(isInvalidGrant(await refresh(c.a, tokens.refresh_token)), 'and it no longer refreshes on A')
})

t.test('a 64-way refresh burst split across both replicas', async (t) => {
  const c = await cluster(t)
  if (!c) return
  const burst = async (clientId: string) => {
    const signedIn = (await signIn(c.a, clientId)).json
    return Promise.all(Array.from({ length: 64 }, (_, i) => refresh(i % 2 ? c.a : c.b, signedIn.refresh_token, clientId)))
  }
  const strict = await burst(STRICT)
  t.equal(strict.filter((r) => r.status === 200).length, 1, 'grace 0: exactly one winner')
  t.equal(strict.filter(isInvalidGrant).length, 63, 'the 63 others: invalid_grant')
  const graced = await burst('native-app')
  t.ok(
    graced.every((r) => r.status === 200),
    'grace 30: every request succeeds',
    { refused: graced.filter((r) => r.status !== 200).map((r) => ({ status: r.status, error: r.json.error, description: r.json.error_description })) },
  )
  t.equal(new Set(graced.map((r) => r.json.refresh_token)).size, 1, 'with one shared successor')
  record('fault', {
    kind: 'replica-burst',
    n: 64,
    strictOk: strict.filter((r) => r.status === 200).length === 1 && strict.filter(isInvalidGrant).length === 63,
    gracedOk: graced.every((r) => r.status === 200) && new Set(graced.map((r) => r.json.refresh_token)).size === 1,
  })
})

t.test('a clock advance on A is seen by B', async (t) => {
  const c = await cluster(t)
  if (!c) return
  const tokens = (await signIn(c.a)).json
  const moved = await controlCall(c.a, 'POST', '/clock/advance', { seconds: 3601 })
  const seen = await controlCall(c.b, 'GET', '/clock')
  t.equal(seen.offsetSeconds, moved.offsetSeconds, 'B reports the same offset')
  t.ok(Math.abs(seen.nowMs - moved.nowMs) < 5000, "and (give or take the test's own time) the same time")
  t.equal(await active(c.b, tokens.access_token), false, 'an access token of 3600 s has expired on B')
  await controlCall(c.b, 'POST', '/clock/reset')
  t.equal(await active(c.a, tokens.access_token), true, 'after a reset on B it is live again on A')
})

t.test('kill -9 of one replica mid-burst loses and forks nothing', async (t) => {
  const c = await cluster(t)
  if (!c) return
  const sessions = await Promise.all(Array.from({ length: 20 }, () => signIn(c.b).then((r) => r.json)))
  const bursts = sessions.map((s) => Promise.allSettled(Array.from({ length: 6 }, (_, i) => refresh(i % 2 ? c.a : c.b, s.refresh_token))))
  c.a.life.child.kill('SIGKILL')
  const settled = await Promise.all(bursts)
  t.equal((await c.a.life.exited).signal, 'SIGKILL')
  let lost = 0
  let forked = 0
  let serverErrors = 0
  for (const [i, session] of sessions.entries()) {
    const answers = settled[i]!.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
    serverErrors += answers.filter((r) => r.status >= 500).length
    // Within the grace period the original token still answers, with the family's one successor:
    // whatever the killed replica did or did not send, the client can carry on (nothing lost).
    const retry = await refresh(c.b, session.refresh_token)
    if (retry.status !== 200) {
      lost++
      continue
    }
    // Every successor any answer carried is that same one (nothing forked).
    if (answers.some((r) => r.status === 200 && r.json.refresh_token !== retry.json.refresh_token)) forked++
    if ((await refresh(c.b, retry.json.refresh_token)).status !== 200) lost++
  }
  t.equal(serverErrors, 0, 'no answer was a 5xx')
  t.equal(lost, 0, 'every family still refreshes on the surviving replica')
  t.equal(forked, 0, 'no family has two successors')
  const restarted = await c.restart('a')
  t.equal((await signIn(restarted)).status, 200, 'the restarted replica joins again')
  record('fault', { kind: 'replica-kill', families: sessions.length, lost, forked })
})

t.test('Redis stopped: temporarily_unavailable, never a 500 or a hang; Redis back: everything recovers', async (t) => {
  const c = await cluster(t)
  if (!c) return
  const before = (await signIn(c.a)).json
  await c.redis.stop()
  const during = await refresh(c.b, before.refresh_token)
  t.equal(during.status, 503)
  t.same(during.json, {
    error: 'temporarily_unavailable',
    error_description: 'The authorization server is currently unable to handle the request due to a temporary overloading or maintenance of the server.',
  })
  t.equal((await signIn(c.a)).status, 503, 'a new sign-in too')
  t.equal((await fetch(`${c.a.base}/health`)).status, 503, '/health reports it')
  t.equal((await fetch(`${c.a.base}/oauth2/default/v1/keys`)).status, 200, 'the keys stay available')
  await c.redis.start()
  // Each replica reconnects on its own backoff (up to a second apart): both must be back, not just B.
  for (const replica of [c.a, c.b]) {
    let health = 0
    for (let i = 0; i < 100 && health !== 200; i++) {
      health = (await fetch(`${replica.base}/health`)).status
      if (health !== 200) await new Promise((r) => setTimeout(r, 50))
    }
    t.equal(health, 200, 'healthy again without a restart of mockta')
  }
  const after = await refresh(c.b, before.refresh_token)
  t.equal(after.status, 200, 'the token issued before the outage still refreshes (Redis kept it)')
  t.equal(await active(c.a, after.json.access_token), true)
})
