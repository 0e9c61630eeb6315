/**
 * The published package as a user gets it: `npm pack`, installed from the tarball into an empty
 * folder (its dependencies from the npm registry or cache), then `npx mockta` and
 * `import { startMockta } from 'mockta'` there.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { builtPackage, productionEnv } from '../helpers/cli-build.js'
import { run } from '../helpers/child-process.js'

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const execFileAsync = promisify(execFile)

t.test('npm pack → npm install → npx mockta → discovery, a token, a control call', { timeout: 200_000 }, async (t) => {
  const built = await builtPackage()
  const work = mkdtempSync(join(tmpdir(), 'mockta-pack-'))
  t.teardown(() => rmSync(work, { recursive: true, force: true }))

  // `--ignore-scripts`: the build is already there (prepare would run tsc).
  const { stdout } = await execFileAsync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: built, env: productionEnv(), timeout: 60_000 })
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>
  const files = packed!.files.map((f) => f.path)
  t.ok(files.includes('dist/cli.js') && files.includes('dist/index.js') && files.includes('dist/index.d.ts'), 'bin, library and its types')
  t.ok(files.includes('fixtures/config.json') && files.includes('schema/mockta.config.schema.json'), 'default configuration and schema')
  t.ok(files.includes('schema/mockta.control.openapi.json'), "the control API's OpenAPI document")
  const unexpected = files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/.+|fixtures\/.+|schema\/.+)$/.test(f))
  t.same(unexpected, [], 'nothing else: no sources, tests or examples')

  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'smoke', private: true, type: 'module' }))
  const install = run(t, npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', join(work, packed!.filename)], { cwd: work, env: productionEnv() })
  const installed = await install.exit(180_000)
  t.same(installed, { code: 0, signal: null }, 'npm install <tarball>')
  if (installed.code !== 0) return t.comment(install.stderr())
  t.ok(existsSync(join(work, 'node_modules/.bin/mockta')), 'the bin is linked')

  const help = run(t, npm, ['exec', '--no', '--', 'mockta', '--help'], { cwd: work, env: productionEnv() })
  t.same(await help.exit(60_000), { code: 0, signal: null })
  t.match(help.stdout(), 'MOCKTA_ADMIN_TOKEN')

  // The bin npx runs (checked above through `npm exec`), started directly so SIGTERM reaches it.
  const server = run(t, join(work, 'node_modules/.bin/mockta'), ['--port', '0'], { cwd: work, env: productionEnv() })
  const [, port] = await server.waitFor(/mockta listening on 127\.0\.0\.1:(\d+)/, 'stdout', 60_000)
  const base = `http://127.0.0.1:${port}`
  const discovery = await fetch(`${base}/oauth2/default/.well-known/openid-configuration`)
  t.equal(discovery.status, 200)
  const token = await fetch(`${base}/oauth2/default/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('service-app:service-app-secret').toString('base64')}` },
    body: 'grant_type=client_credentials&scope=api%3Aread',
  })
  t.equal(token.status, 200)
  t.match(await token.json(), { token_type: 'Bearer', access_token: /^eyJ/ })
  const advanced = await fetch(`${base}/__mockta/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seconds":3600}' })
  t.equal(advanced.status, 200)
  t.match(await advanced.json(), { offsetSeconds: 3600 })
  const journal = (await (await fetch(`${base}/__mockta/journal`)).json()) as Array<{ endpoint: string }>
  t.same(journal.map((e) => e.endpoint), ['discovery', 'token'])
  server.child.kill('SIGTERM')
  t.same(await server.exit(15_000), { code: 0, signal: null }, 'stops on SIGTERM')

  // The library, as test files import it: an ESM node:test file, and CommonJS through import().
  writeFileSync(
    join(work, 'smoke.test.mjs'),
    `import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startMockta } from 'mockta'
test('startMockta from the installed package', async (t) => {
  const m = await startMockta()
  t.after(() => m.close())
  const doc = await (await fetch(m.issuer() + '/.well-known/openid-configuration')).json()
  assert.equal(doc.issuer, m.baseUrl + '/oauth2/default')
  const minted = await m.mint({ clientId: 'service-app', scopes: 'api:read' })
  assert.equal(typeof minted.access_token, 'string')
})
`,
  )
  const nodeTest = run(t, process.execPath, ['--test', 'smoke.test.mjs'], { cwd: work, env: productionEnv() })
  t.same(await nodeTest.exit(60_000), { code: 0, signal: null }, `node --test${nodeTest.stdout()}${nodeTest.stderr()}`)
  writeFileSync(join(work, 'smoke.cjs'), `import('mockta').then(async ({ startMockta }) => { const m = await startMockta(); console.log(m.issuer('org')); await m.close() })\n`)
  const cjs = run(t, process.execPath, ['smoke.cjs'], { cwd: work, env: productionEnv() })
  t.same(await cjs.exit(30_000), { code: 0, signal: null }, cjs.stderr())
  t.match(cjs.stdout(), /^http:\/\/127\.0\.0\.1:\d+\n$/, 'CommonJS loads it with import()')
  t.ok(readdirSync(join(work, 'node_modules/mockta/dist')).includes('start-mockta.d.ts'), 'type declarations shipped')
})
