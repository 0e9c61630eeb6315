/**
 * Clock jumps (docs/reliability.md § F-3) with the injectable clock: forward an hour (access tokens expire,
 * grace windows close, no 5xx), back an hour after a rotation (the grace window does not reopen),
 * issued tokens carry iat = now and no nbf, introspection allows no leeway on mockta's own exp.
 */
import t from 'tap'
import { decodeJwt } from 'jose'
import { buildTestApp, introspect, refresh, signIn } from '../helpers/app.js'
import { record } from '../helpers/report.js'

t.test('clock jumps forward and back', async (t) => {
  const { app, clock } = await buildTestApp(t)
  let serverErrors = 0
  let jumps = 0
  const watch = <T extends { statusCode: number }>(res: T) => {
    if (res.statusCode >= 500) serverErrors++
    return res
  }

  // (c) iat = now, no nbf; (e) no leeway: active one second before exp, inactive at exp.
  const s = await signIn(app, { scope: 'openid offline_access api:read' })
  const claims = decodeJwt(s.access_token)
  t.equal(claims.iat, Math.floor(clock.nowMs() / 1000), 'iat is now')
  t.equal(claims.nbf, undefined, 'no nbf')
  clock.advance(Number(claims.exp) - Number(claims.iat) - 1)
  t.equal((await introspect(app, s.access_token))['active'], true, 'active one second before exp')
  clock.advance(1)
  jumps++
  t.strictSame(await introspect(app, s.access_token), { active: false }, 'inactive at exp: no leeway')

  // (a) Forward one hour: the grace window of a rotation has closed, so replaying the previous token is reuse.
  const a = await signIn(app, { scope: 'offline_access api:read' })
  const rotated = watch(await refresh(app, a.refresh_token))
  t.equal(rotated.statusCode, 200)
  clock.advance(3600)
  jumps++
  t.strictSame(await introspect(app, a.access_token), { active: false }, 'access token expired after the jump')
  t.equal(watch(await refresh(app, a.refresh_token)).statusCode, 400, 'the grace window closed: reuse')
  t.equal(watch(await refresh(app, rotated.json<{ refresh_token: string }>().refresh_token)).statusCode, 400, '…and the family is revoked')

  // (b) Back one hour right after a rotation: the grace window must not reopen or lengthen.
  const b = await signIn(app, { scope: 'offline_access api:read' })
  const next = watch(await refresh(app, b.refresh_token))
  clock.advance(-3600)
  jumps++
  const replay = watch(await refresh(app, b.refresh_token))
  const graceReopened = replay.statusCode === 200 ? 1 : 0
  t.equal(replay.statusCode, 400, 'a replay after the clock went back is not inside a grace window')
  clock.advance(3600)
  jumps++
  t.equal(watch(await refresh(app, next.json<{ refresh_token: string }>().refresh_token)).statusCode, 400, 'the replay was reuse: family revoked')

  // A fresh sign-in after all the jumps works.
  const c = await signIn(app, { scope: 'offline_access api:read' })
  t.equal(watch(await refresh(app, c.refresh_token)).statusCode, 200, 'healthy after the jumps')
  t.equal(serverErrors, 0, 'no 5xx')
  record('fault', { kind: 'clock-jump', jumps, serverErrors, graceReopened })
})
