/**
 * Refresh-token lifetimes (docs/okta-behaviour.md § 2.4, 5.3; docs/reliability.md § #68, #69, I6):
 * a rotated token inherits the family's absolute expiry, the idle window restarts on each use, and an
 * expired token gets the same invalid_grant as any other.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { buildTestApp, introspect, refresh, signIn } from '../helpers/app.js'
import { reuseEvents } from '../helpers/refresh-family.js'
import { assertTokenError, tokenBody } from '../helpers/token-response.js'

const DAY = 86_400

async function rotate(t: Test, app: FastifyInstance, token: string, server?: string): Promise<string> {
  const body = tokenBody(t, await refresh(app, token, {}, server === undefined ? {} : { server }))
  if (body.refresh_token === undefined) throw new Error('no refresh token')
  return body.refresh_token
}

/** The `exp` /introspect shows for a refresh token (KB-RT: that is where Okta shows it). */
async function expOf(app: FastifyInstance, token: string, server?: string): Promise<unknown> {
  return (await introspect(app, token, 'native-app', server))['exp']
}

t.test('absolute lifetime: rotation does not move the expiry (I6); the deadline itself is expired', async (t) => {
  const { app, clock, logs } = await buildTestApp(t, { change: (c) => void (c.authorizationServers[0]!.refreshToken.lifetimeSeconds = DAY) })
  const deadline = clock.nowMs() / 1000 + DAY
  let token = (await signIn(app)).refresh_token
  t.equal(await expOf(app, token), deadline)
  for (let i = 0; i < 4; i++) {
    clock.advance(3 * 3600)
    token = await rotate(t, app, token)
    t.equal(await expOf(app, token), deadline, `rotation ${i + 1} keeps the family's expiry`)
  }
  clock.set(deadline * 1000 - 1000)
  token = await rotate(t, app, token)
  clock.advance(1)
  assertTokenError(t, await refresh(app, token), 'invalid_refresh_token')
  t.strictSame(await introspect(app, token), { active: false })
  t.strictSame(reuseEvents(logs()), [], 'expiry is not reuse')
})

t.test('idle window (default 7 days) restarts on each use; unlimited absolute lifetime', async (t) => {
  const { app, clock } = await buildTestApp(t)
  let token = (await signIn(app)).refresh_token
  t.equal(await expOf(app, token), clock.nowMs() / 1000 + 7 * DAY)
  for (let i = 0; i < 5; i++) {
    clock.advance(7 * DAY - 1)
    token = await rotate(t, app, token)
    t.equal(await expOf(app, token), clock.nowMs() / 1000 + 7 * DAY, 'the window restarts')
  }
  clock.advance(7 * DAY)
  assertTokenError(t, await refresh(app, token), 'invalid_refresh_token')
})

t.test('idle window restarts on a use that does not rotate (no offline_access)', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const { refresh_token } = await signIn(app)
  clock.advance(6 * DAY)
  tokenBody(t, await refresh(app, refresh_token, { scope: 'openid' }))
  clock.advance(6 * DAY)
  tokenBody(t, await refresh(app, refresh_token, { scope: 'openid' }))
})

t.test('idle-expired: unused for exactly the idle window → invalid_grant (docs/reliability.md § #69)', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const { refresh_token } = await signIn(app)
  clock.advance(7 * DAY)
  assertTokenError(t, await refresh(app, refresh_token), 'invalid_refresh_token')
  t.strictSame(await introspect(app, refresh_token), { active: false })
})

t.test('a configured idle window', async (t) => {
  const { app, clock } = await buildTestApp(t, { change: (c) => void (c.authorizationServers[0]!.refreshToken.idleSeconds = 3600) })
  const { refresh_token } = await signIn(app)
  clock.advance(3599)
  const next = await rotate(t, app, refresh_token)
  clock.advance(3600)
  assertTokenError(t, await refresh(app, next), 'invalid_refresh_token')
})

t.test('an expired family: the previous token within grace is invalid too, and not reuse', async (t) => {
  const { app, clock, logs } = await buildTestApp(t, { change: (c) => void (c.authorizationServers[0]!.refreshToken.lifetimeSeconds = 3600) })
  const { refresh_token } = await signIn(app)
  clock.advance(3590)
  await rotate(t, app, refresh_token)
  clock.advance(10)
  assertTokenError(t, await refresh(app, refresh_token), 'invalid_refresh_token')
  t.strictSame(reuseEvents(logs()), [])
})

t.test('org authorization server: 90 days fixed, no idle expiry', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const deadline = clock.nowMs() / 1000 + 90 * DAY
  const { refresh_token } = await signIn(app, { server: '' })
  t.equal(await expOf(app, refresh_token, ''), deadline)
  clock.advance(89 * DAY)
  const next = await rotate(t, app, refresh_token, '')
  t.equal(await expOf(app, next, ''), deadline)
  clock.advance(DAY)
  assertTokenError(t, await refresh(app, next, {}, { server: '' }), 'invalid_refresh_token')
})
