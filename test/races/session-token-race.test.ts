/**
 * Parallel use of one Authentication API session token at /authorize (docs/authentication-api.md § 1.3:
 * single use), on the memory store and on Redis: exactly one browser is signed in and gets a code,
 * every other request is told login_required, and none is a 5xx. N ∈ {2, 8, 32}, 20 bursts each.
 */
import t from 'tap'
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { ALICE, buildTestApp, testConfig } from '../helpers/app.js'
import { authorize, authorizeParams, pkcePair } from '../helpers/authorize.js'
import { record } from '../helpers/report.js'
import { startRedis } from '../helpers/redis-server.js'

const SIZES = [2, 8, 32]
const BURSTS = Number(process.env['SESSION_TOKEN_BURSTS'] ?? 20)
const { challenge } = pkcePair()

async function bursts(t: Test, app: FastifyInstance, store: string): Promise<void> {
  for (const n of SIZES) {
    let exactlyOne = 0
    let serverErrors = 0
    for (let b = 0; b < BURSTS; b++) {
      const authn = await app.inject({
        method: 'POST',
        url: '/api/v1/authn',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username: ALICE.username, password: ALICE.password }),
      })
      const sessionToken = authn.json().sessionToken as string
      const answers = await Promise.all(Array.from({ length: n }, () => authorize(app, authorizeParams(challenge, { prompt: 'none', sessionToken }))))
      serverErrors += answers.filter((r) => r.statusCode >= 500).length
      const params = answers.map((r) => new URL(String(r.headers['location'])).searchParams)
      const codes = params.filter((p) => p.get('code') !== null).length
      const refused = params.filter((p) => p.get('error') === 'login_required').length
      if (codes === 1 && refused === n - 1) exactlyOne++
    }
    record('race', { kind: 'session-token', store, n, bursts: BURSTS, good: exactlyOne, serverErrors })
    t.equal(exactlyOne, BURSTS, `${store}, ${n} at once: one winner in every burst`)
    t.equal(serverErrors, 0, `${store}, ${n} at once: no 5xx`)
  }
}

t.test('memory store: one session token, many requests, one winner', async (t) => {
  const { app } = await buildTestApp(t)
  await bursts(t, app, 'memory')
})

t.test('Redis store: one session token, many requests, one winner', async (t) => {
  const server = await startRedis(t)
  if (!server) return
  const { app } = await buildTestApp(t, {
    config: testConfig((c) => Object.assign(c.store, { type: 'redis', url: server.url, keyPrefix: 'session-token-race:', commandTimeoutMs: 2000 })),
  })
  t.teardown(() => app.close())
  await bursts(t, app, 'redis')
})
