/**
 * The published package as a user gets it: `npm pack`, installed from the tarball into an empty
 * folder (its dependencies from the npm registry or cache), then `npx mockta` and
 * `import { startMockta } from 'mockta'` there.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { builtPackage, productionEnv, repoRoot } from '../helpers/cli-build.js'
import { run, type Running } from '../helpers/child-process.js'

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const execFileAsync = promisify(execFile)
const requireFromRoot = createRequire(join(repoRoot, 'package.json'))

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
  t.ok(files.includes('cjs/index.cjs') && files.includes('cjs/index.d.cts'), 'the CommonJS entry and its types')
  t.ok(
    ['ui/index.html', 'ui/app.js', 'ui/app.css'].every((f) => files.includes(f)),
    "the dashboard's page, script and styles",
  )
  const unexpected = files.filter((f) => !/^(package\.json|README\.md|LICENSE|cjs\/index\.(cjs|d\.cts)|dist\/.+|fixtures\/.+|schema\/.+|ui\/.+)$/.test(f))
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
  const version = run(t, npm, ['exec', '--no', '--', 'mockta', '--version'], { cwd: work, env: productionEnv() })
  t.same(await version.exit(60_000), { code: 0, signal: null })
  t.equal(version.stdout().trim(), (JSON.parse(readFileSync(join(built, 'package.json'), 'utf8')) as { version: string }).version, 'mockta --version from the installed tarball')

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
  t.same(
    journal.map((e) => e.endpoint),
    ['discovery', 'token'],
  )
  server.child.kill('SIGTERM')
  t.same(await server.exit(15_000), { code: 0, signal: null }, 'stops on SIGTERM')

  // The library, as test files import it: an ESM node:test file.
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
  await passes(t, run(t, process.execPath, ['--test', 'smoke.test.mjs'], { cwd: work, env: productionEnv() }), 'node --test')

  // CommonJS: require('mockta') gets the package's CommonJS entry (cjs/index.cjs), without any warning.
  writeFileSync(
    join(work, 'smoke.cjs'),
    `const { startMockta, load } = require('mockta')
startMockta().then(async (m) => { console.log(m.issuer('org')); console.log(typeof (await load()).ManualClock); await m.close() })
`,
  )
  const cjs = run(t, process.execPath, ['smoke.cjs'], { cwd: work, env: productionEnv() })
  t.same(await cjs.exit(30_000), { code: 0, signal: null }, cjs.stderr())
  t.match(cjs.stdout(), /^http:\/\/127\.0\.0\.1:\d+\nfunction\n$/, "require('mockta'): startMockta, and load() for the classes")
  t.equal(cjs.stderr(), '', 'no warning')

  // The same test under Vitest (ESM import) and Jest (its default CommonJS mode: require), run by this
  // repository's runners on files of the installed folder, so 'mockta' resolves to the installed tarball.
  writeFileSync(join(work, 'vitest.test.mjs'), `import { test, expect } from 'vitest'\nimport { startMockta } from 'mockta'\n${runnerTest('Vitest')}`)
  writeFileSync(join(work, 'jest.test.cjs'), `const { startMockta } = require('mockta')\n${runnerTest('Jest')}`)
  const vitest = run(t, process.execPath, [binOf('vitest'), 'run', '--root', work, 'vitest.test.mjs'], { cwd: work, env: productionEnv() })
  await passes(t, vitest, 'Vitest')
  t.match(vitest.stdout(), /Tests\s+1 passed \(1\)/, 'Vitest ran the test')
  const jestArgs = ['--ci', '--no-watchman', '--rootDir', work, '--cacheDirectory', join(work, '.jest-cache'), 'jest.test.cjs']
  const jest = run(t, process.execPath, [binOf('jest'), ...jestArgs], { cwd: work, env: productionEnv() })
  await passes(t, jest, 'Jest')
  t.match(jest.stderr(), /Tests:\s+1 passed, 1 total/, 'Jest ran the test')

  // TypeScript consumers of the shipped declarations: an ES module and a CommonJS one (module nodenext).
  writeFileSync(
    join(work, 'esm.mts'),
    `import { startMockta, ManualClock, type MocktaHandle } from 'mockta'
const m: MocktaHandle = await startMockta({ clock: new ManualClock(0) })
export const issuer: string = m.issuer()
`,
  )
  writeFileSync(
    join(work, 'cjs.cts'),
    `import mockta = require('mockta')
import type { MocktaHandle, StartMocktaOptions } from 'mockta'
export async function main(options: StartMocktaOptions): Promise<string> {
  const { ManualClock } = await mockta.load()
  const m: MocktaHandle = await mockta.startMockta({ ...options, clock: new ManualClock() })
  // @ts-expect-error classes are values in CommonJS through load() only
  void mockta.ManualClock
  return m.baseUrl
}
`,
  )
  const types = { typeRoots: [join(repoRoot, 'node_modules/@types')], types: ['node'] }
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, ...types }, files: ['esm.mts', 'cjs.cts'] }),
  )
  await passes(t, run(t, process.execPath, [binOf('typescript', 'tsc'), '-p', 'tsconfig.json'], { cwd: work, env: productionEnv() }), 'tsc: ESM and CommonJS consumers type-check')
  t.ok(readdirSync(join(work, 'node_modules/mockta/dist')).includes('start-mockta.d.ts'), 'type declarations shipped')
})

/** Exits 0; its output goes to the log only when it does not. */
async function passes(t: Test, running: Running, what: string): Promise<void> {
  const exit = await running.exit(60_000)
  t.same(exit, { code: 0, signal: null }, what)
  if (exit.code !== 0) t.comment(`${running.stdout()}${running.stderr()}`)
}

/** A test file's body for Vitest and Jest (the same `test`/`expect` API): a token, then the clock and the journal. */
function runnerTest(runner: string): string {
  return `test('startMockta under ${runner}', async () => {
  const mockta = await startMockta()
  try {
    const client = { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic ' + Buffer.from('service-app:service-app-secret').toString('base64') }
    const token = await fetch(mockta.issuer() + '/v1/token', { method: 'POST', headers: client, body: 'grant_type=client_credentials&scope=api%3Aread' })
    expect(token.status).toBe(200)
    const { access_token } = await token.json()
    await mockta.clock.advance({ seconds: 7200 })
    const introspected = await fetch(mockta.issuer() + '/v1/introspect', { method: 'POST', headers: client, body: 'token=' + access_token })
    expect(await introspected.json()).toEqual({ active: false })
    expect(await mockta.journal.list({ endpoint: 'token' })).toHaveLength(1)
  } finally {
    await mockta.close()
  }
})
`
}

/** A bin of this repository's devDependencies, started with the running node (CI runs the suite under Node 24 too). */
function binOf(pkg: string, name = pkg): string {
  const manifest = requireFromRoot.resolve(`${pkg}/package.json`)
  const bin = (requireFromRoot(manifest) as { bin: string | Record<string, string> }).bin
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin[name]!)
}
