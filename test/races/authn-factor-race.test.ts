/**
 * Parallel verification of one Authentication API factor code (docs/authentication-api.md § 1.4: a
 * code is used once, a step is a compare-and-set), on the memory store and on Redis: of N requests
 * presenting the same right email code, or the same TOTP code, in one transaction, exactly one gets
 * SUCCESS and a session token; the others get Okta's errors, none a 5xx. N ∈ {2, 8, 32}.
 */
import t from 'tap'
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { currentTotp } from '../../src/authn/totp.js'
import type { ManualClock } from '../../src/clock.js'
import { buildTestApp, testConfig } from '../helpers/app.js'
import { CAROL, CAROL_USER, TOTP_SECRET, factorIdOf, withMfaUsers } from '../helpers/authn-users.js'
import { record } from '../helpers/report.js'
import { startRedis } from '../helpers/redis-server.js'

const SIZES = [2, 8, 32]
const BURSTS = Number(process.env['AUTHN_FACTOR_BURSTS'] ?? 6)
const TOTP_ID = factorIdOf(CAROL_USER, 'token:software:totp')
const EMAIL_ID = factorIdOf(CAROL_USER, 'email')
const LOSING_CODES = new Set(['E0000011', 'E0000068', 'E0000082'])

const post = (app: FastifyInstance, path: string, body: unknown) =>
  app.inject({ method: 'POST', url: `/api/v1/authn${path}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) })

async function bursts(t: Test, app: FastifyInstance, clock: ManualClock, store: string): Promise<void> {
  for (const factor of ['email', 'totp'] as const) {
    for (const n of SIZES) {
      let exactlyOne = 0
      let serverErrors = 0
      for (let b = 0; b < BURSTS; b++) {
        const stateToken = (await post(app, '', { username: CAROL.username, password: CAROL.password })).json().stateToken as string
        let path = `/factors/${TOTP_ID}/verify`
        let passCode = currentTotp(TOTP_SECRET, clock.nowMs()).code
        if (factor === 'email') {
          await post(app, `/factors/${EMAIL_ID}/verify`, { stateToken })
          const [message] = (await app.inject({ method: 'GET', url: `/__mockta/outbox?to=${CAROL.username}&limit=1` })).json() as Array<{ code: string }>
          path = `/factors/${EMAIL_ID}/verify`
          passCode = message!.code
        }
        const answers = await Promise.all(Array.from({ length: n }, () => post(app, path, { stateToken, passCode })))
        serverErrors += answers.filter((r) => r.statusCode >= 500).length
        const wins = answers.filter((r) => r.statusCode === 200 && r.json().status === 'SUCCESS').length
        const losses = answers.filter((r) => LOSING_CODES.has(r.json().errorCode)).length
        if (wins === 1 && losses === n - 1) exactlyOne++
        // The next TOTP burst needs a code no burst has spent.
        clock.advance(90)
      }
      record('race', { kind: `authn-${factor}-code`, store, n, bursts: BURSTS, good: exactlyOne, serverErrors })
      t.equal(exactlyOne, BURSTS, `${store}, ${factor}, ${n} at once: one winner in every burst`)
      t.equal(serverErrors, 0, `${store}, ${factor}, ${n} at once: no 5xx`)
    }
  }
}

t.test('memory store: one factor code, many verifications, one winner', async (t) => {
  const { app, clock } = await buildTestApp(t, { change: withMfaUsers })
  await bursts(t, app, clock, 'memory')
})

t.test('Redis store: one factor code, many verifications, one winner', async (t) => {
  const server = await startRedis(t)
  if (!server) return
  const { app, clock } = await buildTestApp(t, {
    config: testConfig((c) => {
      withMfaUsers(c)
      Object.assign(c.store, { type: 'redis', url: server.url, keyPrefix: 'authn-factor-race:', commandTimeoutMs: 2000 })
    }),
  })
  t.teardown(() => app.close())
  await bursts(t, app, clock, 'redis')
})
