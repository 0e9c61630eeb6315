/**
 * The `mockta` command ships as one bundled module (scripts/bundle-cli.mjs, docs/bench.md): it carries the
 * npm packages every start loads, imports only Node's built-ins and the packages some configurations
 * load, lists the licences of what it carries, and still finds the package's own files (fixtures/, schema/, the
 * precompiled config validator, package.json's version) from where the bundle sits.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { builtPackage, productionEnv } from '../helpers/cli-build.js'
import { freePort, run } from '../helpers/child-process.js'

t.test('dist/cli.js is one module: no import of another dist/ file', async (t) => {
  const root = await builtPackage()
  const code = readFileSync(join(root, 'dist/cli.js'), 'utf8')
  // esbuild writes its imports with double quotes; the bundled packages' JSDoc has `import('../x')` types.
  const specifiers = [...code.matchAll(/\b(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]!)
  t.ok(specifiers.length > 0, 'the bundle imports packages')
  t.same(
    specifiers.filter((s) => s.startsWith('.') || s.startsWith('/')),
    [],
    'no relative or absolute imports',
  )
  t.notOk(specifiers.includes('fastify'), 'Fastify is bundled')
  t.ok(specifiers.includes('ioredis'), 'ioredis is loaded from node_modules, only for a Redis store')
  const licences = readFileSync(join(root, 'dist/cli.js.LICENSES.txt'), 'utf8')
  t.match(licences, /^fastify@\d+\.\d+\.\d+ \(MIT\)$/m, "the bundled packages' licences are beside it")
  t.notMatch(licences, /^ioredis@/m, 'and only those')
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
