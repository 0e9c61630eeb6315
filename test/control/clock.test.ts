/** Clock control: one clock drives token times, introspection, refresh idle and absolute lifetimes. */
import t from 'tap'
import { decodeJwt } from 'jose'
import { passwordGrant } from '../helpers/listening-app.js'
import { driven, eachDriver, failure } from '../helpers/control-client.js'
import { introspectOver, refreshOver } from '../helpers/oauth-fetch.js'

const T0 = Date.UTC(2026, 0, 1)

eachDriver('read, advance, set and reset the clock', async (t, driver) => {
  const { c } = await driven(t, driver)
  t.match(await c.clock.now(), { now: '2026-01-01T00:00:00.000Z', nowMs: T0 })
  t.match(await c.clock.advance({ seconds: 7200 }), { now: '2026-01-01T02:00:00.000Z', nowMs: T0 + 7200_000 })
  t.match(await c.clock.advance({ seconds: -3600 }), { nowMs: T0 + 3600_000 }, 'negative goes back')
  t.match(await c.clock.set({ time: '2030-05-06T07:08:09Z' }), { now: '2030-05-06T07:08:09.000Z' })
  t.match(await c.clock.set({ time: T0 + 1000 }), { nowMs: T0 + 1000 }, 'epoch milliseconds too')
  t.match(await c.clock.reset(), { nowMs: T0 })
})

eachDriver('bad clock input is a 400 naming the problem', async (t, driver) => {
  const { c } = await driven(t, driver)
  t.match(await failure(() => c.clock.advance({ seconds: 'soon' } as never)), { statusCode: 400, error: 'bad_request', message: /seconds/ })
  t.match(await failure(() => c.clock.advance({} as never)), { statusCode: 400, message: /seconds is required/ })
  t.match(await failure(() => c.clock.set({ time: 'next tuesday' })), { statusCode: 400, message: /not an ISO 8601 time/ })
  t.match(await failure(() => c.clock.advance({ seconds: 9e12 })), { statusCode: 400, message: /outside the representable dates/ })
  t.match(await c.clock.now(), { nowMs: T0 }, 'nothing moved')
})

eachDriver('advancing past expiry makes tokens inactive without sleeping', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const tokens = await passwordGrant(base)
  t.equal(decodeJwt(tokens.access_token).iat, T0 / 1000, 'iat from the clock')
  t.equal((await introspectOver(base, tokens.access_token)).active, true)
  await c.clock.advance({ seconds: 3599 })
  t.equal((await introspectOver(base, tokens.access_token)).active, true, 'a second before exp')
  await c.clock.advance({ seconds: 1 })
  t.same(await introspectOver(base, tokens.access_token), { active: false }, 'at exp')
  const refreshed = await refreshOver(base, tokens.refresh_token)
  t.equal(refreshed.status, 200, 'the refresh token outlives the access token')
  t.equal(decodeJwt(refreshed.body['access_token'] as string).iat, T0 / 1000 + 3600, 'new tokens carry the moved time')
})

eachDriver('refresh idle lifetime and grace period follow the clock', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const first = await passwordGrant(base)
  const second = await refreshOver(base, first.refresh_token)
  await c.clock.advance({ seconds: 31 })
  t.equal((await refreshOver(base, first.refresh_token)).status, 400, 'the grace period (30 s) is over: reuse')
  const again = await passwordGrant(base)
  await c.clock.advance({ seconds: 7 * 86400 })
  t.match(await refreshOver(base, again.refresh_token), { status: 400, body: { error: 'invalid_grant' } }, 'idle for 7 days')
  t.ok(second.body['refresh_token'])
})

t.test('a clock that cannot be moved answers 409', async (t) => {
  const { startMockta } = await import('../../src/start-mockta.js')
  const mockta = await startMockta({ clock: { nowMs: () => T0 } })
  t.teardown(() => mockta.close())
  t.match(await failure(() => mockta.clock.advance({ seconds: 1 })), { statusCode: 409 })
  t.match(await mockta.clock.now(), { nowMs: T0 })
})
