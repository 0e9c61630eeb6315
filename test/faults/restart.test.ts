/**
 * Restarts (docs/reliability.md § F-1, I8): state lives in memory, so after a restart every refresh token is
 * invalid and every access token from before it introspects inactive — a token revoked before the
 * restart never comes back, even when the restart happens within the same second (boot epoch,
 * src/oauth/boot-epoch.ts). In-process with the same keys and clock, and once with the real command.
 */
import { join } from 'node:path'
import t from 'tap'
import { SERVICE, WEB, basic, buildTestApp, post, refresh, signIn, type TestApp } from '../helpers/app.js'
import { builtPackage, productionEnv } from '../helpers/cli-build.js'
import { freePort, run } from '../helpers/child-process.js'
import { passwordGrant } from '../helpers/listening-app.js'
import { postForm } from '../helpers/oauth-fetch.js'
import { oktaWire } from '../helpers/okta-catalogue.js'
import { record } from '../helpers/report.js'
import { ManualClock } from '../../src/clock.js'

const FAMILIES = 50
const SERVICE_TOKENS = 50
const INVALID_GRANT = JSON.stringify(oktaWire('invalid_refresh_token').body)
const web = { authorization: basic(WEB.id, WEB.secret) }

interface Issued {
  refreshTokens: string[]
  accessTokens: string[]
  revoked: Set<string>
}

async function issueAndRevokeHalf(app: TestApp): Promise<Issued> {
  const issued: Issued = { refreshTokens: [], accessTokens: [], revoked: new Set() }
  for (let i = 0; i < FAMILIES; i++) {
    const s = await signIn(app.app, { scope: 'offline_access api:read' })
    issued.refreshTokens.push(s.refresh_token)
    issued.accessTokens.push(s.access_token)
  }
  for (let i = 0; i < SERVICE_TOKENS; i++) {
    const res = await post(app.app, 'token', { grant_type: 'client_credentials', scope: 'api:read' }, { authorization: basic(SERVICE.id, SERVICE.secret) })
    issued.accessTokens.push(res.json<{ access_token: string }>().access_token)
  }
  // Revoke every other token (family refresh tokens and service access tokens) before the restart.
  for (const [i, token] of [...issued.refreshTokens, ...issued.accessTokens.slice(FAMILIES)].entries()) {
    if (i % 2 !== 0) continue
    const res = await post(app.app, 'revoke', { token, client_id: 'native-app' }, token.includes('.') ? { authorization: basic(SERVICE.id, SERVICE.secret) } : {})
    if (res.statusCode === 200) issued.revoked.add(token)
  }
  return issued
}

for (const [label, gapSeconds] of [
  ['within the same second', 0],
  ['a second later', 1],
] as const) {
  t.test(`a restart ${label}: old refresh tokens rejected, old access tokens inactive, no resurrection`, async (t) => {
    const clock = new ManualClock()
    const before = await buildTestApp(t, { clock })
    const issued = await issueAndRevokeHalf(before)
    await before.app.close()
    clock.advance(gapSeconds)
    const after = await buildTestApp(t, { clock })

    let oldRtRejected = 0
    for (const rt of issued.refreshTokens) {
      const res = await refresh(after.app, rt)
      if (res.statusCode === 400 && res.body === INVALID_GRANT) oldRtRejected++
    }
    let oldAtInactive = 0
    let resurrections = 0
    for (const at of issued.accessTokens) {
      const res = await post(after.app, 'introspect', { token: at }, web)
      if (res.body === '{"active":false}') oldAtInactive++
      else if (issued.revoked.has(at)) resurrections++
    }
    record('fault', { kind: 'restart', rtTotal: issued.refreshTokens.length, oldRtRejected, atTotal: issued.accessTokens.length, oldAtInactive, resurrections })
    t.equal(oldRtRejected, issued.refreshTokens.length, `old refresh tokens rejected ${oldRtRejected}/${issued.refreshTokens.length}`)
    t.equal(oldAtInactive, issued.accessTokens.length, `old access tokens inactive ${oldAtInactive}/${issued.accessTokens.length}`)
    t.equal(resurrections, 0, 'nothing revoked before the restart is active after it')
    // Tokens issued after the restart, in the same second, are of course active.
    const fresh = await signIn(after.app, { scope: 'offline_access api:read' })
    t.equal((await post(after.app, 'introspect', { token: fresh.access_token }, web)).json<{ active: boolean }>().active, true, 'new tokens work')
  })
}

/** The built command on one port for both lives of a restart; `start` resolves once it listens. */
async function realCommand(t: Parameters<typeof run>[0]) {
  const root = await builtPackage()
  const port = await freePort()
  const start = async () => {
    const life = run(t, process.execPath, [join(root, 'dist/cli.js'), '--port', String(port)], { cwd: root, env: productionEnv() })
    await life.waitFor(/mockta listening/)
    return life
  }
  return { start, base: `http://127.0.0.1:${port}` }
}

t.test('the real command: SIGTERM, start again on the same port, old tokens gone', async (t) => {
  const { start, base } = await realCommand(t)
  const first = await start()
  const tokens = await passwordGrant(base, { scope: 'openid offline_access' })
  t.equal((await postForm(base, 'revoke', { client_id: 'native-app', token: tokens.access_token })).status, 200)
  first.child.kill('SIGTERM')
  t.same(await first.exit(15_000), { code: 0, signal: null })

  const second = await start()
  const rt = await postForm(base, 'token', { grant_type: 'refresh_token', client_id: 'native-app', refresh_token: tokens.refresh_token })
  t.equal(rt.status, 400)
  t.equal(rt.text, INVALID_GRANT, 'the old refresh token: invalid_grant, never a 500')
  for (const token of [tokens.access_token, tokens.id_token]) {
    t.equal((await postForm(base, 'introspect', { client_id: 'native-app', token })).text, '{"active":false}', 'an old token is inactive after the restart')
  }
  second.child.kill('SIGTERM')
  t.same(await second.exit(15_000), { code: 0, signal: null })
})

t.test('SIGKILL in the middle of a refresh burst, then a restart: old tokens rejected cleanly (docs/reliability.md § F-2)', async (t) => {
  const { start, base } = await realCommand(t)
  const first = await start()
  const sessions = await Promise.all(Array.from({ length: 20 }, () => passwordGrant(base, { scope: 'offline_access api:read' })))
  const refreshOnce = (rt: string) => postForm(base, 'token', { grant_type: 'refresh_token', client_id: 'native-app', refresh_token: rt })
  const burst = Promise.allSettled(sessions.flatMap((s) => Array.from({ length: 5 }, () => refreshOnce(s.refresh_token))))
  first.child.kill('SIGKILL')
  await burst
  t.equal((await first.exited).signal, 'SIGKILL')

  const second = await start()
  const after = await Promise.all(sessions.map((s) => refreshOnce(s.refresh_token)))
  t.ok(
    after.every(({ status, text }) => status === 400 && text === INVALID_GRANT),
    'every old refresh token: invalid_grant, never a 500',
  )
  t.equal((await refreshOnce((await passwordGrant(base, { scope: 'offline_access api:read' })).refresh_token)).status, 200, 'a new session works')
  second.child.kill('SIGTERM')
  t.same(await second.exit(15_000), { code: 0, signal: null })
})

t.test('the epoch follows the store: a reset forgets the tokens of the old epoch second', async (t) => {
  const { isFromThisEpoch, noteIssued } = await import('../../src/oauth/boot-epoch.js')
  const { MemoryStore } = await import('../../src/store/memory-store.js')
  const ctx = { store: new MemoryStore(10), epochSeconds: 100 }
  await noteIssued(ctx, 'AT.a', 100)
  t.ok(await isFromThisEpoch(ctx, 'AT.a', 100), 'issued in the epoch second: known')
  t.notOk(await isFromThisEpoch(ctx, 'AT.b', 100), 'another token of that second: from an earlier memory')
  t.notOk(await isFromThisEpoch(ctx, 'AT.c', 99), 'before the epoch: from an earlier memory')
  t.ok(await isFromThisEpoch(ctx, 'AT.d', 101), 'after the epoch second: this memory')
  // A control-plane reset clears the store and moves epochSeconds within the same second or later.
  await ctx.store.clear()
  t.notOk(await isFromThisEpoch(ctx, 'AT.a', 100), 'after a reset within the same second the old token is gone')
  ctx.epochSeconds = 101
  await noteIssued(ctx, 'AT.e', 101)
  t.ok(await isFromThisEpoch(ctx, 'AT.e', 101))
})
