/**
 * The `mockta` command ships as one bundled module behind a launcher that turns on Node's compile
 * cache (scripts/bundle-cli.mjs, docs/bench.md): the bundle carries the npm packages every start
 * loads, imports only Node's built-ins and the packages some configurations load, lists the licences
 * of what it carries, and still finds the package's own files (fixtures/, schema/, the precompiled
 * config validator, package.json's version) from where it sits.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import module from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { builtPackage, productionEnv } from '../helpers/cli-build.js'
import { freePort, run } from '../helpers/child-process.js'

/** The module specifiers `code` imports, written with `quote` (esbuild writes double quotes, the launcher single). */
const importsOf = (code: string, quote: '"' | "'"): string[] =>
  [...code.matchAll(new RegExp(`\\b(?:from|import)\\s*\\(?\\s*${quote}([^${quote}]+)${quote}`, 'g'))].map((m) => m[1]!)

t.test('dist/cli.bundle.js is one module: no import of another dist/ file', async (t) => {
  const root = await builtPackage()
  const code = readFileSync(join(root, 'dist/cli.bundle.js'), 'utf8')
  // esbuild writes its imports with double quotes; the bundled packages' JSDoc has `import('../x')` types.
  const specifiers = importsOf(code, '"')
  t.ok(specifiers.length > 0, 'the bundle imports packages')
  t.same(
    specifiers.filter((s) => s.startsWith('.') || s.startsWith('/')),
    [],
    'no relative or absolute imports',
  )
  t.notOk(specifiers.includes('fastify'), 'Fastify is bundled')
  t.ok(specifiers.includes('ioredis'), 'ioredis is loaded from node_modules, only for a Redis store')
  const licences = readFileSync(join(root, 'dist/cli.bundle.js.LICENSES.txt'), 'utf8')
  t.match(licences, /^fastify@\d+\.\d+\.\d+ \(MIT\)$/m, "the bundled packages' licences are beside it")
  t.notMatch(licences, /^ioredis@/m, 'and only those')
})

t.test('dist/cli.js, the command, turns on the compile cache and runs the bundle', async (t) => {
  const root = await builtPackage()
  const launcher = readFileSync(join(root, 'dist/cli.js'), 'utf8')
  t.same(importsOf(launcher, "'"), ['node:module', './cli.bundle.js'], 'it imports the bundle and nothing else of the package')
  const cache = mkdtempSync(join(tmpdir(), 'mockta-compile-cache-'))
  t.teardown(() => rmSync(cache, { recursive: true, force: true }))
  const printed = run(t, process.execPath, [join(root, 'dist/cli.js'), '--version'], { cwd: root, env: productionEnv({ NODE_COMPILE_CACHE: cache }) })
  t.same(await printed.exit(), { code: 0, signal: null })
  // Node 22.1+ has module.enableCompileCache(); on Node 20 the launcher only runs the bundle.
  const written = readdirSync(cache, { recursive: true })
  if (typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function') t.ok(written.length > 0, 'the compiled bundle is cached on disk')
  else t.same(written, [], 'Node without a compile cache writes none')
})

t.test('the bundled command finds the package files and reports the package version', async (t) => {
  const root = await builtPackage()
  const port = await freePort()
  const proc = run(t, process.execPath, [join(root, 'dist/cli.js'), '--port', String(port)], { cwd: root, env: productionEnv() })
  await proc.waitFor(/mockta listening on/)
  const base = `http://127.0.0.1:${port}`
  t.equal((await fetch(`${base}/oauth2/default/.well-known/openid-configuration`)).status, 200, 'default fixtures loaded')
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version
  // The control API is open on loopback without a token; its OpenAPI document reads package.json.
  const openapi = await fetch(`${base}/__mockta/openapi.json`)
  t.equal(openapi.status, 200)
  t.match(await openapi.json(), { info: { version } }, "the control API's OpenAPI carries package.json's version")
  const printed = run(t, process.execPath, [join(root, 'dist/cli.js'), '--version'], { cwd: root, env: productionEnv() })
  t.same(await printed.exit(), { code: 0, signal: null })
  t.equal(printed.stdout(), `${version}\n`, '--version from the bundle')
})
