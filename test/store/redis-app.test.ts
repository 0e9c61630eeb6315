/**
 * mockta on the Redis store, end to end through the app: rotation, reuse detection and introspection,
 * then a Redis outage answered with Okta's temporarily_unavailable and recovered from without a restart.
 */
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildMockta } from '../../src/app.js'
import { ManualClock } from '../../src/clock.js'
import { buildTestApp, introspect, refresh, signIn, testConfig } from '../helpers/app.js'
import { catalogueRow } from '../helpers/okta-catalogue.js'
import { freePort } from '../helpers/child-process.js'
import { startRedis } from '../helpers/redis-server.js'

const server = await startRedis(t, { appendOnly: true })
let apps = 0

if (server) {
  const onRedis = (url = server.url) => testConfig((c) => Object.assign(c.store, { type: 'redis', url, keyPrefix: `app-${++apps}:`, commandTimeoutMs: 500 }))

  t.test('refresh rotates; replaying the old token revokes the family, as introspection shows', async (t) => {
    const { app, clock } = await buildTestApp(t, { config: onRedis() })
    t.teardown(() => app.close())
    const first = await signIn(app)
    const rotated = await refresh(app, first.refresh_token)
    t.equal(rotated.statusCode, 200)
    const second = rotated.json() as { access_token: string; refresh_token: string }
    t.not(second.refresh_token, first.refresh_token, 'a new refresh token')
    t.match(await introspect(app, second.refresh_token), { active: true })
    clock.advance(31)
    const replay = await refresh(app, first.refresh_token)
    t.equal(replay.statusCode, 400)
    t.match(replay.json(), { error: 'invalid_grant' }, 'the rotated-away token, past grace')
    t.equal((await refresh(app, second.refresh_token)).statusCode, 400, 'the family is revoked: its live token too')
    t.strictSame(await introspect(app, second.refresh_token), { active: false })
    t.strictSame(await introspect(app, second.access_token), { active: false }, 'and its access tokens')
  })

  t.test('Redis down: /token answers 503 temporarily_unavailable, and recovers when Redis is back', async (t) => {
    const { app, logs } = await buildTestApp(t, { config: onRedis() })
    t.teardown(() => app.close())
    const tokens = await signIn(app)
    await server.stop()
    const expected = catalogueRow('temporarily_unavailable')
    for (const res of [
      await refresh(app, tokens.refresh_token),
      await app.inject({
        method: 'POST',
        url: '/oauth2/default/v1/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=password&client_id=native-app&username=alice%40example.com&password=alice-password&scope=openid%20offline_access',
      }),
    ]) {
      t.equal(res.statusCode, 503)
      t.strictSame(res.json(), { error: expected.errorCode, error_description: expected.errorDescription })
      t.match(res.headers['cache-control'], /no-store/)
    }
    await server.start()
    let res = await refresh(app, tokens.refresh_token)
    // ioredis reconnects by itself within about a second; bounded by count, not asserted on time.
    for (let i = 0; i < 100 && res.statusCode === 503; i++) {
      await sleep(100)
      res = await refresh(app, tokens.refresh_token)
    }
    t.equal(res.statusCode, 200, 'the refresh token from before the outage works: nothing was lost')
    const outageLines = logs()
      .split('\n')
      .filter((line) => /the Redis store is (unreachable|reachable again)/.test(line))
    t.equal(outageLines.length, 2, 'one log line for the outage and one for its end, not one per reconnection attempt')
    t.notMatch(logs(), server.url, 'the Redis URL is never logged')
  })

  t.test('two apps on one Redis share families: a refresh on one, reuse detected on the other', async (t) => {
    const config = onRedis()
    const clock = new ManualClock()
    const a = await buildTestApp(t, { config, clock })
    const b = await buildTestApp(t, { config: structuredClone(config), clock })
    t.teardown(() => Promise.all([a.app.close(), b.app.close()]))
    const tokens = await signIn(a.app)
    t.equal((await refresh(a.app, tokens.refresh_token)).statusCode, 200)
    clock.advance(31)
    t.match((await refresh(b.app, tokens.refresh_token)).json(), { error: 'invalid_grant' })
    t.strictSame(await introspect(a.app, tokens.access_token), { active: false }, 'revoked on A too')
  })

  t.test('a Redis URL with nothing behind it fails start-up clearly', async (t) => {
    const url = `redis://127.0.0.1:${await freePort()}`
    await t.rejects(buildMockta(Object.assign(onRedis(url), {}), { clock: new ManualClock() }), /the Redis store at redis:\/\/127\.0\.0\.1:\d+ did not answer/)
  })
}
