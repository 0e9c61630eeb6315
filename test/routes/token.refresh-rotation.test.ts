/**
 * Refresh-token rotation, grace period and reuse detection (docs/okta-behaviour.md § 2.4: rotation, grace period,
 * reuse after grace; docs/reliability.md § I1–I5, I8 and C-3 to C-7).
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, introspect, refresh, signIn } from '../helpers/app.js'
import { DETECT_REUSE, DETECT_REUSE_ORG, familyIdOf, refreshPolicy, reuseEvents } from '../helpers/refresh-family.js'
import { REFRESH_TOKEN, assertTokenError, tokenBody, type TokenBody } from '../helpers/token-response.js'
import type { Test } from 'tap'

/** Refreshes and expects a 200 with a refresh token. */
async function rotate(t: Test, app: FastifyInstance, token: string, options: { server?: string } = {}): Promise<TokenBody & { refresh_token: string }> {
  const body = tokenBody(t, await refresh(app, token, {}, options))
  t.match(body.refresh_token, REFRESH_TOKEN)
  return body as TokenBody & { refresh_token: string }
}

/** The family is revoked: its current token fails and every access token it issued is inactive (docs/reliability.md § I3). */
async function assertFamilyRevoked(t: Test, app: FastifyInstance, current: string, accessTokens: string[]): Promise<void> {
  assertTokenError(t, await refresh(app, current), 'invalid_refresh_token')
  for (const at of accessTokens) t.strictSame(await introspect(app, at), { active: false }, 'access token of the family inactive')
  t.strictSame(await introspect(app, current), { active: false }, 'current refresh token inactive')
}

t.test('rotate: every refresh returns a new 43-character token and retires the old one', async (t) => {
  const { app } = await buildTestApp(t)
  const seen = [(await signIn(app)).refresh_token]
  for (let i = 0; i < 3; i++) seen.push((await rotate(t, app, seen.at(-1)!)).refresh_token)
  t.equal(new Set(seen).size, 4, 'all distinct')
})

t.test('static: the same refresh token comes back and keeps working', async (t) => {
  const { app, clock, logs } = await buildTestApp(t, { change: refreshPolicy('native-app', { rotation: 'static' }) })
  const signedIn = await signIn(app)
  for (let i = 0; i < 3; i++) {
    clock.advance(3600)
    t.equal((await rotate(t, app, signedIn.refresh_token)).refresh_token, signedIn.refresh_token)
  }
  t.strictSame(reuseEvents(logs()), [])
})

t.test('grace: a replay of the previous token returns the SAME successor and a fresh access token (I5)', async (t) => {
  const { app, clock, logs } = await buildTestApp(t)
  const signedIn = await signIn(app)
  const first = await rotate(t, app, signedIn.refresh_token)
  clock.advance(29)
  const replay = await rotate(t, app, signedIn.refresh_token)
  t.equal(replay.refresh_token, first.refresh_token, 'same successor: no second live branch (I1)')
  t.not(replay.access_token, first.access_token)
  t.equal(familyIdOf(replay.access_token), familyIdOf(first.access_token))
  await rotate(t, app, first.refresh_token)
  t.strictSame(reuseEvents(logs()), [])
})

t.test('reuse after grace: invalid_grant, the whole family revoked, others untouched, one log event (C-7)', async (t) => {
  const { app, clock, logs } = await buildTestApp(t)
  const signedIn = await signIn(app)
  const other = await signIn(app)
  const second = await rotate(t, app, signedIn.refresh_token)
  clock.advance(31)
  assertTokenError(t, await refresh(app, signedIn.refresh_token), 'invalid_refresh_token')
  await assertFamilyRevoked(t, app, second.refresh_token, [signedIn.access_token, second.access_token])

  t.match(await introspect(app, other.access_token), { active: true }, "the user's other family is untouched")
  await rotate(t, app, other.refresh_token)

  const events = reuseEvents(logs())
  t.equal(events.length, 1, 'exactly one reuse event')
  t.match(events[0]?.entry, { event: DETECT_REUSE, familyId: familyIdOf(signedIn.access_token), clientId: 'native-app' })
  for (const token of [signedIn.refresh_token, second.refresh_token]) {
    t.notOk(events[0]?.line.includes(token.slice(0, 8)), 'the event carries no token')
    t.notOk(logs().includes(token), 'no log line carries the token (SP-2)')
  }
})

t.test('reuse at the org authorization server logs its own event name', async (t) => {
  const { app, clock, logs } = await buildTestApp(t)
  const signedIn = await signIn(app, { server: '' })
  await rotate(t, app, signedIn.refresh_token, { server: '' })
  clock.advance(31)
  assertTokenError(t, await refresh(app, signedIn.refresh_token, {}, { server: '' }), 'invalid_refresh_token')
  t.match(reuseEvents(logs()), [{ entry: { event: DETECT_REUSE_ORG, familyId: familyIdOf(signedIn.access_token) } }])
})

t.test('a replay of a revoked family is just invalid: no second event (docs/reliability.md § #78)', async (t) => {
  const { app, clock, logs } = await buildTestApp(t)
  const signedIn = await signIn(app)
  await rotate(t, app, signedIn.refresh_token)
  clock.advance(31)
  for (let i = 0; i < 3; i++) assertTokenError(t, await refresh(app, signedIn.refresh_token), 'invalid_refresh_token')
  t.equal(reuseEvents(logs()).length, 1)
})

t.test('grace is one generation deep: R1 → R2 → R3, then R1 is reuse (C-4)', async (t) => {
  const { app } = await buildTestApp(t)
  const r1 = await signIn(app)
  const r2 = await rotate(t, app, r1.refresh_token)
  const r3 = await rotate(t, app, r2.refresh_token)
  assertTokenError(t, await refresh(app, r1.refresh_token), 'invalid_refresh_token')
  await assertFamilyRevoked(t, app, r3.refresh_token, [r1.access_token, r2.access_token, r3.access_token])
})

t.test('grace ends once the successor was used (C-5)', async (t) => {
  t.test('successor rotated', async (t) => {
    const { app } = await buildTestApp(t)
    const r1 = await signIn(app)
    const r2 = await rotate(t, app, r1.refresh_token)
    const r3 = await rotate(t, app, r2.refresh_token)
    // Within grace of the R2 rotation, R2 itself is still the previous token…
    t.equal((await rotate(t, app, r2.refresh_token)).refresh_token, r3.refresh_token)
    // …but R1, whose successor R2 was used, is reuse.
    assertTokenError(t, await refresh(app, r1.refresh_token), 'invalid_refresh_token')
    await assertFamilyRevoked(t, app, r3.refresh_token, [r3.access_token])
  })
  t.test('successor used without rotating (narrower scope, no offline_access)', async (t) => {
    const { app } = await buildTestApp(t)
    const r1 = await signIn(app)
    const r2 = await rotate(t, app, r1.refresh_token)
    tokenBody(t, await refresh(app, r2.refresh_token, { scope: 'openid' }))
    assertTokenError(t, await refresh(app, r1.refresh_token), 'invalid_refresh_token')
    await assertFamilyRevoked(t, app, r2.refresh_token, [r2.access_token])
  })
})

t.test('grace boundary (C-3): 29 s is grace, 30 s is reuse', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const inside = await signIn(app)
  const insideNext = await rotate(t, app, inside.refresh_token)
  const at = await signIn(app)
  const atNext = await rotate(t, app, at.refresh_token)
  clock.advance(29)
  t.equal((await rotate(t, app, inside.refresh_token)).refresh_token, insideNext.refresh_token)
  clock.advance(1)
  assertTokenError(t, await refresh(app, at.refresh_token), 'invalid_refresh_token')
  assertTokenError(t, await refresh(app, atNext.refresh_token), 'invalid_refresh_token')
})

t.test('same-instant double rotation, then a replay of the middle token, grace 0 → detected (C-6)', async (t) => {
  const { app, logs } = await buildTestApp(t, { change: refreshPolicy('native-app', { graceSeconds: 0 }) })
  const r1 = await signIn(app)
  const r2 = await rotate(t, app, r1.refresh_token)
  const r3 = await rotate(t, app, r2.refresh_token)
  assertTokenError(t, await refresh(app, r2.refresh_token), 'invalid_refresh_token')
  await assertFamilyRevoked(t, app, r3.refresh_token, [r3.access_token])
  t.equal(reuseEvents(logs()).length, 1)
})

t.test('grace 0: the previous token is reuse at once, with no time passing', async (t) => {
  const { app } = await buildTestApp(t, { change: refreshPolicy('native-app', { graceSeconds: 0 }) })
  const r1 = await signIn(app)
  const r2 = await rotate(t, app, r1.refresh_token)
  assertTokenError(t, await refresh(app, r1.refresh_token), 'invalid_refresh_token')
  await assertFamilyRevoked(t, app, r2.refresh_token, [r1.access_token, r2.access_token])
})
