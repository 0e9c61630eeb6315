/**
 * `--state-file` with the real command (docs/refresh-tokens.md): SIGTERM and a restart on the
 * same port keep a browser sign-in and its session, refresh-token rotation continues, and what was
 * revoked before stays revoked; after `kill -9` the last interval's save comes back; a corrupt file
 * stops start-up with exit code 1 and a message on stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { ALICE, FORM } from '../helpers/app.js'
import { authorizeParams, Cookies, pkcePair, SPA, transactionIdOf } from '../helpers/authorize.js'
import { freePort, run } from '../helpers/child-process.js'
import { builtPackage, productionEnv, repoRoot } from '../helpers/cli-build.js'
import { passwordGrant } from '../helpers/listening-app.js'
import { introspectOver, postForm, refreshOver } from '../helpers/oauth-fetch.js'
import { oktaWire } from '../helpers/okta-catalogue.js'

const INVALID_GRANT = JSON.stringify(oktaWire('invalid_refresh_token').body)

/** The built command on one port and one state file for every life; `start` resolves once it listens. */
async function command(t: Parameters<typeof run>[0], stateFile: string, extraArgs: string[] = []) {
  const root = await builtPackage()
  const port = await freePort()
  const args = [join(root, 'dist/cli.js'), '--port', String(port), '--state-file', stateFile, ...extraArgs]
  const launch = () => run(t, process.execPath, args, { cwd: root, env: productionEnv() })
  const start = async () => {
    const life = launch()
    await life.waitFor(/mockta listening/)
    return life
  }
  return { start, launch, base: `http://127.0.0.1:${port}` }
}

const takeCookies = (cookies: Cookies, res: Response) => cookies.take({ headers: { 'set-cookie': res.headers.getSetCookie() } })

/** /authorize as a browser would send it; returns the response without following redirects. */
async function authorizeOver(base: string, params: Record<string, string>, cookies: Cookies): Promise<Response> {
  const res = await fetch(`${base}/oauth2/default/v1/authorize?${new URLSearchParams(params)}`, { redirect: 'manual', headers: cookies.header() })
  takeCookies(cookies, res)
  return res
}

const codeOf = (res: Response): string | null => new URL(res.headers.get('location') ?? 'x:/').searchParams.get('code')

/** The SPA's sign-in through the page, over HTTP: the browser ends up with a session cookie. */
async function browserSignIn(base: string, cookies: Cookies): Promise<{ access_token: string; refresh_token: string; challenge: string }> {
  const { verifier, challenge } = pkcePair()
  const page = await authorizeOver(base, authorizeParams(challenge), cookies)
  const body = new URLSearchParams({ tx: transactionIdOf(await page.text()), username: ALICE.username, password: ALICE.password })
  const done = await fetch(`${base}/mockta/sign-in`, { method: 'POST', redirect: 'manual', headers: { ...FORM, ...cookies.header() }, body })
  takeCookies(cookies, done)
  const code = codeOf(done)
  if (!code) throw new Error(`no code: ${done.status} ${done.headers.get('location')}`)
  const tokens = await postForm(base, 'token', { grant_type: 'authorization_code', client_id: SPA.id, code, redirect_uri: SPA.redirectUri, code_verifier: verifier })
  if (tokens.status !== 200) throw new Error(`code redemption failed: ${tokens.text}`)
  return { ...(tokens.body as { access_token: string; refresh_token: string }), challenge }
}

t.test('SIGTERM, restart with the same state file: still signed in, rotation continues, revocations stay', async (t) => {
  const stateFile = join(t.testdir(), 'mockta-state.json')
  const { start, base } = await command(t, stateFile)
  const first = await start()
  const cookies = new Cookies()
  const spa = await browserSignIn(base, cookies)
  const native = await passwordGrant(base, { scope: 'openid offline_access' })
  const revoked = await passwordGrant(base, { scope: 'openid offline_access' })
  t.equal((await postForm(base, 'revoke', { client_id: 'native-app', token: revoked.refresh_token })).status, 200)
  t.equal((await postForm(base, 'revoke', { client_id: 'native-app', token: native.access_token })).status, 200)
  first.child.kill('SIGTERM')
  t.same(await first.exit(15_000), { code: 0, signal: null })
  if (process.platform !== 'win32') t.equal((await import('node:fs')).statSync(stateFile).mode & 0o777, 0o600, 'the file is readable by its owner only')

  const second = await start()
  t.match(second.stdout(), /state restored from the state file/)
  t.equal((await introspectOver(base, spa.access_token)).active, true, 'an access token from before the restart is still active')
  const spaRefresh = await postForm(base, 'token', { grant_type: 'refresh_token', client_id: SPA.id, refresh_token: spa.refresh_token })
  t.equal(spaRefresh.status, 200, "the browser sign-in's refresh token works after the restart")
  t.not(spaRefresh.body['refresh_token'], spa.refresh_token, 'and rotates')
  const nativeRefresh = await refreshOver(base, native.refresh_token)
  t.equal(nativeRefresh.status, 200, "the password sign-in's refresh token works after the restart")
  const revokedRefresh = await refreshOver(base, revoked.refresh_token)
  t.equal(revokedRefresh.status, 400)
  t.equal(revokedRefresh.text, INVALID_GRANT, 'a refresh token revoked before the restart stays revoked')
  t.strictSame(await introspectOver(base, native.access_token), { active: false }, 'an access token revoked before the restart stays inactive')
  t.strictSame(await introspectOver(base, revoked.access_token), { active: false }, "the revoked family's access tokens too")
  const silent = await authorizeOver(base, authorizeParams(spa.challenge, { prompt: 'none' }), cookies)
  t.ok(codeOf(silent), 'the browser session survived: prompt=none signs in without the form')
  second.child.kill('SIGTERM')
  t.same(await second.exit(15_000), { code: 0, signal: null })
})

/** Resolves with the saved store section once `done` holds for it (the file is replaced whole, so it always parses). */
async function savedStore(file: string, done: (store: { families: Array<{ generation: number }> }) => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const store = (JSON.parse(readFileSync(file, 'utf8')) as { sections: { store: { families: Array<{ generation: number }> } } }).sections.store
      if (done(store)) return
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the state file never reached the expected state: ${readFileSync(file, 'utf8').slice(0, 500)}`)
}

/** The command with the fixtures but another save interval, and the state file in the test's directory. */
async function commandSavingEvery(t: Parameters<typeof run>[0] & { testdir(): string }, stateFileIntervalSeconds: number) {
  const dir = t.testdir()
  const stateFile = join(dir, 'mockta-state.json')
  const config = JSON.parse(readFileSync(join(repoRoot, 'fixtures/config.json'), 'utf8')) as Record<string, unknown>
  const configFile = join(dir, 'config.json')
  writeFileSync(configFile, JSON.stringify({ ...config, $schema: undefined, store: { stateFileIntervalSeconds } }))
  return { stateFile, ...(await command(t, stateFile, ['--config', configFile])) }
}

t.test('kill -9: the last interval save is what comes back', async (t) => {
  const { start, base, stateFile } = await commandSavingEvery(t, 1)
  const first = await start()
  const session = await passwordGrant(base, { scope: 'openid offline_access' })
  const rotated = await refreshOver(base, session.refresh_token)
  t.equal(rotated.status, 200)
  await savedStore(stateFile, (s) => s.families.length === 1 && s.families[0]!.generation === 1)
  first.child.kill('SIGKILL')
  t.equal((await first.exited).signal, 'SIGKILL')

  const second = await start()
  const next = await refreshOver(base, rotated.body['refresh_token'] as string)
  t.equal(next.status, 200, 'the refresh token saved before the kill works')
  t.equal((await introspectOver(base, rotated.body['access_token'] as string)).active, true, 'and so does its access token')
  second.child.kill('SIGTERM')
  t.same(await second.exit(15_000), { code: 0, signal: null })
})

t.test('kill -9 right after a revocation: it is kept, because revocations are saved at once (F-1)', async (t) => {
  // An hour between interval saves: only the save a revocation makes at once can keep it.
  const { start, base } = await commandSavingEvery(t, 3600)
  const first = await start()
  const revokedFamily = await passwordGrant(base, { scope: 'openid offline_access' })
  const revokedToken = await passwordGrant(base, { scope: 'openid offline_access' })
  const kept = await passwordGrant(base, { scope: 'openid offline_access' })
  // Saved at once too: the sign-ins are in the file only because each revocation below saved everything.
  t.equal((await postForm(base, 'revoke', { client_id: 'native-app', token: revokedFamily.refresh_token })).status, 200)
  t.equal((await postForm(base, 'revoke', { client_id: 'native-app', token: revokedToken.access_token })).status, 200)
  first.child.kill('SIGKILL')
  t.equal((await first.exited).signal, 'SIGKILL')

  const second = await start()
  const refused = await refreshOver(base, revokedFamily.refresh_token)
  t.equal(refused.text, INVALID_GRANT, 'the family revoked just before the kill stays revoked')
  t.equal((await introspectOver(base, revokedFamily.access_token)).active, false, 'with its access token')
  t.equal((await introspectOver(base, revokedToken.access_token)).active, false, 'the access token revoked just before the kill stays inactive')
  t.equal((await refreshOver(base, kept.refresh_token)).status, 200, 'a sign-in made before the last revocation is kept')
  second.child.kill('SIGTERM')
  t.same(await second.exit(15_000), { code: 0, signal: null })
})

t.test('a corrupt state file: exit code 1, and stderr says which file, what is wrong and what to do', async (t) => {
  const stateFile = join(t.testdir(), 'mockta-state.json')
  writeFileSync(stateFile, '{"format":"mockta-state","version":1,"savedAt":"2026-11-26T00:00:00.000Z","sections":{"store":{"ident')
  const { launch } = await command(t, stateFile)
  const life = launch()
  t.same(await life.exit(15_000), { code: 1, signal: null })
  t.match(life.stderr(), `mockta cannot start: the state file ${stateFile} is not valid JSON, perhaps truncated or edited by hand`)
  t.match(life.stderr(), 'Move the file away or delete it')
  t.notMatch(life.stdout(), /mockta listening/, 'never a half-started server')
  t.match(readFileSync(stateFile, 'utf8'), /"ident$/, 'the file is left for the user to inspect')
})
