/**
 * The control plane across replicas (docs/replicas.md): a control call on one replica applies to all. Two
 * in-process replicas on one real redis-server; the control API is driven over HTTP (inject).
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { ALICE, post, signIn } from '../helpers/app.js'
import { replicaPair } from '../helpers/replicas.js'

async function control(app: FastifyInstance, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  // Writes are JSON, `{}` when they have nothing to say (docs/security.md).
  const payload = body === undefined && method !== 'GET' ? {} : body
  const res = await app.inject({ method, url: `/__mockta${path}`, ...(payload !== undefined && { payload: payload as object }) })
  return { status: res.statusCode, body: res.body === '' ? undefined : res.json() }
}

t.test('moving the clock on A moves it on B; concurrent moves on both all count', async (t) => {
  const pair = await replicaPair(t)
  if (!pair) return
  const { a, b } = pair
  const start = (await control(b.app, 'GET', '/clock')).body.nowMs as number
  t.equal((await control(a.app, 'POST', '/clock/advance', { seconds: 3600 })).status, 200)
  t.equal((await control(b.app, 'GET', '/clock')).body.nowMs, start + 3_600_000, 'B sees the advance made on A')
  t.equal(b.clock.nowMs(), start + 3_600_000, "B's own clock moved, so B stamps tokens with the new time")
  // Compare-and-set: none of 20 concurrent advances on two replicas is lost.
  const moves = await Promise.all(Array.from({ length: 20 }, (_, i) => control(i % 2 ? a.app : b.app, 'POST', '/clock/advance', { seconds: 1 })))
  t.same(new Set(moves.map((m) => m.status)), new Set([200]), 'every move succeeded')
  t.equal((await control(a.app, 'GET', '/clock')).body.nowMs, start + 3_620_000, 'every advance counted once')
  await control(b.app, 'POST', '/clock/reset')
  t.equal((await control(a.app, 'GET', '/clock')).body.nowMs, start, 'a reset on B is the reset of A too')
})

t.test('a fault rule added on A fires on B, exactly `times` times across both', async (t) => {
  const pair = await replicaPair(t)
  if (!pair) return
  const { a, b } = pair
  const added = await control(a.app, 'POST', '/faults', { match: { endpoint: 'token' }, action: { type: 'error', status: 503, error: 'temporarily_unavailable' }, times: 3 })
  t.equal(added.status, 201)
  const grant = (app: FastifyInstance) =>
    post(app, 'token', { grant_type: 'password', client_id: 'native-app', username: ALICE.username, password: ALICE.password, scope: 'openid' })
  const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => grant(i % 2 ? a.app : b.app).then((r) => r.statusCode)))
  t.equal(statuses.filter((s) => s === 503).length, 3, 'three of ten concurrent requests on two replicas failed')
  t.equal(statuses.filter((s) => s === 200).length, 7)
  t.same((await control(b.app, 'GET', '/faults')).body, [], 'the used-up rule is gone on B')
  t.same((await control(a.app, 'GET', '/faults')).body, [], 'and on A')
  const unlimited = await control(b.app, 'POST', '/faults', { match: { endpoint: 'introspect' }, action: { type: 'error', status: 500, error: 'server_error' } })
  t.match((await control(a.app, 'GET', '/faults')).body, [{ id: unlimited.body.id }], 'a rule added on B is listed on A')
  t.equal((await control(a.app, 'DELETE', `/faults/${unlimited.body.id}`)).status, 204)
  t.same((await control(b.app, 'GET', '/faults')).body, [], 'and removed from A, gone on B')
})

t.test('the journal of either replica shows what both served', async (t) => {
  const pair = await replicaPair(t)
  if (!pair) return
  const { a, b } = pair
  await signIn(a.app)
  await signIn(b.app)
  const entries = (await control(b.app, 'GET', '/journal?endpoint=token')).body as Array<{ seq: number; status: number; grantType: string }>
  t.equal(entries.length, 2, 'both requests')
  t.ok(entries[1]!.seq > entries[0]!.seq, 'numbered in one sequence')
  t.match(entries, [
    { status: 200, grantType: 'password' },
    { status: 200, grantType: 'password' },
  ])
  t.equal((await control(a.app, 'GET', `/journal?after=${entries[0]!.seq}`)).body.length, 1, '`after` works across replicas')
  // Entries answered in one turn of the event loop go to Redis in one script call: none lost, each numbered once.
  await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(i % 2 ? a.app : b.app)))
  const all = (await control(a.app, 'GET', '/journal?endpoint=token')).body as Array<{ seq: number }>
  t.equal(all.length, 22, 'every concurrent request journaled')
  t.ok(
    all.every((e, i) => i === 0 || e.seq > all[i - 1]!.seq),
    'in one increasing sequence',
  )
  await control(a.app, 'DELETE', '/journal')
  t.same((await control(b.app, 'GET', '/journal')).body, [], 'cleared for both')
})

t.test('users, clients and keys changed on one replica are the data of both; a reset on one resets both', async (t) => {
  const pair = await replicaPair(t)
  if (!pair) return
  const { a, b } = pair
  t.equal((await control(a.app, 'PUT', '/users', { login: 'carol@example.com', password: 'carol-password' })).status, 200)
  t.ok(await signIn(b.app, { user: { username: 'carol@example.com', password: 'carol-password' } }), 'a user added on A signs in on B')

  const next = (await control(a.app, 'POST', '/keys/default/next')).body as { next: string }
  const jwks = async (app: FastifyInstance) => (await app.inject({ url: '/oauth2/default/v1/keys' })).json()
  t.same(await jwks(b.app), await jwks(a.app), 'every replica publishes the same JWKS')
  t.ok(
    (await jwks(b.app)).keys.some((k: { kid: string }) => k.kid === next.next),
    'with the next key generated on A',
  )
  t.equal((await control(b.app, 'POST', '/keys/default/promote')).status, 200, 'promoted on B')
  const token = (await signIn(a.app)).access_token
  const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }
  t.equal(header.kid, next.next, 'A signs with the key promoted on B')

  t.equal((await control(b.app, 'POST', '/reset')).status, 204)
  t.notOk(
    (await control(a.app, 'GET', '/users')).body.some((u: { login: string }) => u.login === 'carol@example.com'),
    'the reset on B removed the user on A',
  )
  t.notOk(
    (await jwks(a.app)).keys.some((k: { kid: string }) => k.kid === next.next),
    'and the generated key',
  )
})

t.test('Redis down: control calls answer 503, /health says so, keys and discovery keep working; then it recovers', async (t) => {
  const pair = await replicaPair(t)
  if (!pair) return
  const { a, redis } = pair
  t.same((await a.app.inject({ url: '/health' })).json(), { status: 'ok', store: { type: 'redis', status: 'ready' } })
  await redis.stop()
  const health = await a.app.inject({ url: '/health' })
  t.equal(health.statusCode, 503)
  t.match(health.json(), { status: 'unavailable', store: { type: 'redis' } })
  t.match(await control(a.app, 'POST', '/clock/advance', { seconds: 1 }), { status: 503, body: { error: 'store_unavailable' } })
  t.equal((await a.app.inject({ url: '/oauth2/default/v1/keys' })).statusCode, 200, 'keys are served from what A last saw')
  t.equal((await a.app.inject({ url: '/oauth2/default/.well-known/openid-configuration' })).statusCode, 200)
  await redis.start()
  for (let i = 0; i < 100 && (await a.app.inject({ url: '/health' })).statusCode !== 200; i++) await new Promise((r) => setTimeout(r, 50))
  t.equal((await a.app.inject({ url: '/health' })).statusCode, 200, 'healthy again without a restart')
  t.equal((await control(a.app, 'POST', '/clock/advance', { seconds: 1 })).status, 200)
})

t.test('a replica told of every change skips the version read, and still sees the next change at once', async (t) => {
  const pair = await replicaPair(t)
  if (!pair) return
  const { a, b } = pair
  // B's connection, to count its reads of the shared state's version (docs/replicas.md, "Consistency").
  const redis = (b.ctx.store as unknown as { redis: { hget: (...args: unknown[]) => Promise<unknown> } }).redis
  const hget = redis.hget.bind(redis)
  let versionReads = 0
  redis.hget = (...args: unknown[]) => {
    if (String(args[0]).endsWith('control:state')) versionReads++
    return hget(...args)
  }
  t.teardown(() => {
    redis.hget = hget
  })
  // B subscribes in the background; until it listens, every request reads the version. Wait for a
  // request that needs no read, so the rounds count what happens after a change, not the start-up.
  for (let i = 0; i < 200; i++) {
    versionReads = 0
    await b.app.inject({ method: 'GET', url: '/oauth2/default/.well-known/openid-configuration' })
    if (versionReads === 0) break
    await new Promise((r) => setTimeout(r, 25))
  }
  const start = (await control(b.app, 'GET', '/clock')).body.nowMs as number
  for (let round = 1; round <= 3; round++) {
    t.equal((await control(a.app, 'POST', '/clock/advance', { seconds: 60 })).status, 200)
    versionReads = 0
    for (let i = 0; i < 5; i++) t.equal((await b.app.inject({ method: 'GET', url: '/oauth2/default/.well-known/openid-configuration' })).statusCode, 200)
    t.equal((await control(b.app, 'GET', '/clock')).body.nowMs, start + round * 60_000, `round ${round}: B's next request sees A's change`)
    t.ok(versionReads <= 1, `round ${round}: ${versionReads} version reads for 6 requests on B`)
  }
})
