/**
 * The state file (src/store/state-file.ts, src/store/atomic-write.ts), in process: a restart with the
 * same file keeps sign-ins, sessions and revocations; the file's format and mode; a file that cannot
 * be used whole stops start-up with a message naming it; a write that fails part-way leaves the old
 * file; a write failing at runtime is logged and retried, never a crash.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import * as fsp from 'node:fs/promises'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import t from 'tap'
import { ManualClock } from '../../src/clock.js'
import { writeFileAtomically, type AtomicWriteFs } from '../../src/store/atomic-write.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import { StateFile, type StateSection } from '../../src/store/state-file.js'
import { authorize, authorizeParams, codeThroughForm, pkcePair, redeem, redirectParams } from '../helpers/authorize.js'
import { buildTestApp, introspect, memoryLogger, post, refresh, signIn } from '../helpers/app.js'
import { oktaWire } from '../helpers/okta-catalogue.js'

const INVALID_GRANT = JSON.stringify(oktaWire('invalid_refresh_token').body)

const withStateFile = (file: string) => (c: { store: { stateFile?: string } }) => {
  c.store.stateFile = file
}

t.test('a restart with the state file keeps sign-ins, sessions and revocations', async (t) => {
  const file = join(t.testdir(), 'state.json')
  const clock = new ManualClock()
  const before = await buildTestApp(t, { clock, change: withStateFile(file) })
  const kept = await signIn(before.app, { scope: 'openid offline_access' })
  const revoked = await signIn(before.app, { scope: 'openid offline_access' })
  t.equal((await refresh(before.app, revoked.refresh_token)).statusCode, 200, 'rotated once before the revocation')
  const revokedAt = await signIn(before.app, { scope: 'openid offline_access' })
  const { verifier, challenge } = pkcePair()
  const { code, cookies } = await codeThroughForm(before.app, authorizeParams(challenge))
  t.equal((await redeem(before.app, code, verifier)).statusCode, 200)
  t.equal((await post(before.app, 'revoke', { token: revoked.refresh_token, client_id: 'native-app' })).statusCode, 200)
  t.equal((await post(before.app, 'revoke', { token: revokedAt.access_token, client_id: 'native-app' })).statusCode, 200)
  await before.app.close()

  clock.advance(5)
  const after = await buildTestApp(t, { clock, change: withStateFile(file) })
  t.equal(after.ctx.epochSeconds, before.ctx.epochSeconds, 'the identity came back')
  t.equal((await introspect(after.app, kept.access_token)).active, true, 'an access token from before the restart is still active')
  const rotated = await refresh(after.app, kept.refresh_token)
  t.equal(rotated.statusCode, 200, 'the refresh token from before the restart works')
  const successor = rotated.json<{ refresh_token: string }>().refresh_token
  t.not(successor, kept.refresh_token, 'and rotation continues')
  t.equal((await refresh(after.app, kept.refresh_token)).json<{ refresh_token: string }>().refresh_token, successor, 'a grace-period replay gets the same successor')
  const again = await refresh(after.app, revoked.refresh_token)
  t.equal(again.statusCode, 400)
  t.equal(again.body, INVALID_GRANT, 'a refresh token revoked before the restart stays revoked')
  t.strictSame(await introspect(after.app, revokedAt.access_token), { active: false }, 'an access token revoked before the restart stays inactive')
  t.strictSame(await introspect(after.app, revoked.access_token), { active: false }, "the revoked family's access tokens too")
  t.equal((await redeem(after.app, code, verifier)).statusCode, 400, 'a code redeemed before the restart cannot be redeemed again')
  const none = await authorize(after.app, authorizeParams(challenge, { prompt: 'none' }), cookies)
  t.ok(redirectParams(none)['code'], 'the browser session survived: prompt=none signs in')
})

t.test("a restart keeps the control plane's clock offset and runtime data, not its fault rules or journal", async (t) => {
  const file = join(t.testdir(), 'state.json')
  const control = (app: FastifyInstance, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    app.inject({ method, url: `/__mockta${url}`, ...(method !== 'GET' && { payload: payload ?? {} }) })
  const before = await buildTestApp(t, { clock: new ManualClock(), change: withStateFile(file) })
  const carol = { username: 'carol@example.com', password: 'carol-password' }
  t.equal((await control(before.app, 'PUT', '/users', { login: carol.username, password: carol.password })).statusCode, 200)
  t.equal((await control(before.app, 'POST', '/clock/advance', { seconds: 600 })).statusCode, 200)
  const next = (await control(before.app, 'POST', '/keys/default/next')).json<{ next: string }>().next
  t.equal((await control(before.app, 'POST', '/keys/default/promote')).statusCode, 200)
  t.equal((await control(before.app, 'POST', '/faults', { action: { type: 'latency', ms: 1 } })).statusCode, 201)
  const tokens = await signIn(before.app, { user: carol, scope: 'openid offline_access' })
  t.equal(JSON.parse(Buffer.from(tokens.access_token.split('.')[0]!, 'base64url').toString()).kid, next, 'signed with the rotated key')
  await before.app.close()

  const after = await buildTestApp(t, { clock: new ManualClock(), change: withStateFile(file) })
  t.equal(after.clock.nowMs(), before.clock.nowMs(), 'the clock offset came back')
  t.equal((await introspect(after.app, tokens.access_token)).active, true, 'a token signed with the rotated key still verifies')
  t.equal((await refresh(after.app, tokens.refresh_token)).statusCode, 200, "the runtime user's refresh token works")
  t.match((await control(after.app, 'GET', '/keys/default')).json(), { active: next, next: null })
  t.ok(await signIn(after.app, { user: carol }), 'the runtime user signs in')
  t.same((await control(after.app, 'GET', '/faults')).json(), [], "fault rules are a test session's: not kept")
  t.equal((await control(after.app, 'GET', '/journal')).json<unknown[]>().length, 3, 'the journal starts empty: only the three OAuth requests since the restart')
})

t.test('the file: its header, owner-only mode, written only when something changed', async (t) => {
  const file = join(t.testdir(), 'state.json')
  const { app, logs } = await buildTestApp(t, { change: withStateFile(file) })
  t.match(logs(), /no state file yet: starting with an empty state/)
  const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  t.match(written, { format: 'mockta-state', version: 1, savedAt: /^\d{4}-\d\d-\d\dT/, sections: { store: { identity: { epochSeconds: Number } } } }, 'written at start-up')
  t.strictSame(Object.keys(written), ['format', 'version', 'savedAt', 'sections'])
  if (process.platform !== 'win32') t.equal(statSync(file).mode & 0o777, 0o600, 'readable by its owner only')

  const stateFile = await StateFile.open(file)
  const store = new MemoryStore(10)
  const { memoryStoreSection } = await import('../../src/store/memory-snapshot.js')
  stateFile.attach(memoryStoreSection(store))
  t.equal(await stateFile.save(), true, 'the first save writes')
  t.equal(await stateFile.save(), false, 'nothing changed: nothing written')
  await store.revokeAccessToken('AT.one', Date.now() + 60_000)
  t.equal(await stateFile.save(), true, 'a change is written')
  await app.close()
})

t.test('sections: unknown ones are ignored with a warning, missing ones start empty', async (t) => {
  const file = join(t.testdir(), 'state.json')
  writeFileSync(file, JSON.stringify({ format: 'mockta-state', version: 1, savedAt: new Date().toISOString(), sections: { future: { x: 1 } } }))
  const { app, logs } = await buildTestApp(t, { change: withStateFile(file) })
  t.match(logs(), /state restored from the state file/)
  t.match(logs(), /"sections":\["future"\].*sections this mockta does not know; they are ignored/)
  t.ok((await signIn(app)).refresh_token, 'a missing store section is an empty store')
  await app.close()
  t.strictSame(Object.keys(JSON.parse(readFileSync(file, 'utf8')).sections), ['store', 'control'], 'only known sections are written back')
})

t.test('a file mockta cannot use whole stops start-up, naming the file, the problem and the way out', async (t) => {
  const dir = t.testdir()
  const good = join(dir, 'good.json')
  const app = (await buildTestApp(t, { change: withStateFile(good) })).app
  await signIn(app)
  await app.close()
  const text = readFileSync(good, 'utf8')
  const doc = JSON.parse(text) as { sections: { store: { families: Array<Record<string, unknown>> } } }
  const cases: Array<[string, string, RegExp]> = [
    ['truncated', text.slice(0, Math.floor(text.length / 2)), /is not valid JSON, perhaps truncated or edited by hand/],
    ['empty', '', /is not valid JSON/],
    ['another format', JSON.stringify({ hello: 'world' }), /is not a mockta state file \(it has no "format": "mockta-state"\)/],
    ['a newer version', JSON.stringify({ ...doc, version: 2 }), /has state-file version 2, written by a newer mockta; this mockta reads version 1 only/],
    ['no version', JSON.stringify({ ...doc, version: undefined }), /has no state-file version; this mockta reads version 1 only/],
    ['a bad header', JSON.stringify({ ...doc, sections: [] }), /is not a valid mockta state file: the file\/sections must be object/],
    [
      'a bad control section',
      JSON.stringify({ ...doc, sections: { ...doc.sections, control: { clockOffsetMs: 'soon', runtime: null } } }),
      /has a "control" section mockta cannot use: control\/clockOffsetMs must be integer/,
    ],
    [
      'control data that cannot be applied',
      JSON.stringify({
        ...doc,
        sections: { ...doc.sections, control: { clockOffsetMs: 0, runtime: { authorizationServers: [], org: {}, clients: [], users: [], keys: [{ kid: 'k' }], nextKeys: {} } } },
      }),
      /has a "control" section mockta cannot use: control\/runtime cannot be applied/,
    ],
    [
      'a bad store section',
      JSON.stringify({ ...doc, sections: { store: { ...doc.sections.store, families: [{ ...doc.sections.store.families[0], generation: 'seven' }] } } }),
      /has a "store" section mockta cannot use: store\/families\/0\/generation must be integer/,
    ],
  ]
  for (const [name, content, problem] of cases) {
    const file = join(dir, `${name.replaceAll(' ', '-')}.json`)
    writeFileSync(file, content)
    await t.rejects(buildTestApp(t, { change: withStateFile(file) }), { name: 'StateFileError', message: problem }, name)
    await t.rejects(
      buildTestApp(t, { change: withStateFile(file) }),
      { message: new RegExp(`^the state file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*Move the file away or delete it`) },
      `${name}: names the file and the way out`,
    )
    t.equal(readFileSync(file, 'utf8'), content, `${name}: the file is left as it was`)
  }
  await t.rejects(buildTestApp(t, { change: withStateFile(dir) }), { name: 'StateFileError', message: /cannot be read \(EISDIR/ }, 'a directory')
  await t.rejects(
    buildTestApp(t, { change: withStateFile(join(dir, 'missing-dir', 'state.json')) }),
    { name: 'StateFileError', message: /cannot be written \(ENOENT.*Check that its directory exists and is writable/ },
    'a directory that does not exist',
  )
})

/** Node's file operations, with the data write or the rename failing part-way when asked to. */
function faultyFs(fail: { write?: boolean; rename?: boolean }): AtomicWriteFs {
  return {
    rm: fsp.rm,
    rename: async (from, to) => {
      if (fail.rename) throw Object.assign(new Error('EXDEV: rename failed'), { code: 'EXDEV' })
      return fsp.rename(from, to)
    },
    open: (async (path: string, flags: string, mode?: number) => {
      const handle = await fsp.open(path, flags, mode)
      if (!fail.write) return handle
      // Half of the data reaches the temporary file, then the disk is full.
      return Object.assign(Object.create(handle) as fsp.FileHandle, {
        writeFile: async (data: string) => {
          await handle.write(data.slice(0, data.length / 2))
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
        },
        close: () => handle.close(),
        sync: () => handle.sync(),
      })
    }) as AtomicWriteFs['open'],
  }
}

t.test('an atomic write that fails part-way leaves the old file whole and no temporary file', async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'state.json')
  await writeFileAtomically(file, 'old content')
  for (const fail of [{ write: true }, { rename: true }]) {
    await t.rejects(writeFileAtomically(file, 'new content '.repeat(1000), { fs: faultyFs(fail) }), { code: fail.write ? 'ENOSPC' : 'EXDEV' })
    t.equal(readFileSync(file, 'utf8'), 'old content', `${Object.keys(fail)[0]} failing: the old file is intact`)
    t.strictSame(readdirSync(dir), ['state.json'], 'no temporary file left behind')
  }
  await writeFileAtomically(file, 'new content')
  t.equal(readFileSync(file, 'utf8'), 'new content')
})

t.test('a save failing at runtime is logged without secrets and retried; the server keeps running', async (t) => {
  const file = join(t.testdir(), 'state.json')
  const fail = { write: false }
  const stateFile = await StateFile.open(file, { fs: faultyFs(fail) })
  let value = 'secret-value-1'
  const section: StateSection = { name: 'test', snapshot: () => ({ value }), restore: () => {} }
  stateFile.attach(section)
  const { logger, logs } = memoryLogger()
  const app = Fastify({ loggerInstance: logger })
  await stateFile.startSaving(app, 3600)
  fail.write = true
  value = 'secret-value-2'
  await t.rejects(stateFile.save(), { code: 'ENOSPC' })
  await app.close()
  t.match(logs(), /"code":"ENOSPC".*the state file could not be saved; retrying at the next interval/, 'the failed save at shutdown is logged')
  t.notMatch(logs(), /secret-value/, 'never the content')
  t.match(JSON.parse(readFileSync(file, 'utf8')), { sections: { test: { value: 'secret-value-1' } } }, 'the last good save stays')
  fail.write = false
  t.equal(await stateFile.save(), true, 'the next attempt writes what the failed one could not')
  t.match(JSON.parse(readFileSync(file, 'utf8')), { sections: { test: { value: 'secret-value-2' } } })
})

t.test('configuration: store.stateFile with its interval (default 5 s), for the memory store only', async (t) => {
  const { resolveConfig } = await import('../../src/config/load.js')
  const options = { baseDir: t.testdir(), defaultBaseUrl: 'http://127.0.0.1:8080' }
  t.match(resolveConfig({ store: { stateFile: 'state.json' } }, options).store, { stateFile: 'state.json', stateFileIntervalSeconds: 5 })
  t.match(resolveConfig({ store: { stateFileIntervalSeconds: 1 } }, options).store, { stateFileIntervalSeconds: 1 })
  t.throws(() => resolveConfig({ store: { stateFileIntervalSeconds: 0 } }, options), { message: /\/store\/stateFileIntervalSeconds: must be >= 1/ })
  t.throws(() => resolveConfig({ store: { type: 'redis', url: 'redis://127.0.0.1:6379', stateFile: 'state.json' } }, options), {
    message: /\/store\/stateFile: is for the memory store/,
  })
})
