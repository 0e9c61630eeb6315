#!/usr/bin/env node
/**
 * Last step of `npm run build`: bundles the compiled dist/cli.js (the `mockta` command) into one ES
 * module, dist/cli.bundle.js, with every dist/ module it imports and the npm packages it loads at start-up
 * (Fastify and its dependencies, pino, jose, …). Node's module resolution and its CommonJS loader were
 * most of what start-up spent beyond a bare Fastify hello-world (docs/bench.md#start-up). Packages
 * loaded only by some configurations stay external and lazy (EXTERNAL below); dynamic imports of
 * bundled packages stay lazy too. The library entry, dist/index.js, stays unbundled.
 * tsc's source maps are chained into dist/cli.bundle.js.map, and the licences of the bundled packages
 * are written beside it (dist/cli.bundle.js.LICENSES.txt): the published file carries their code.
 * dist/cli.js then becomes the launcher below, which turns on Node's module compile cache before the
 * bundle is compiled.
 *
 * Usage: node scripts/bundle-cli.mjs [distDir]   (default dist)
 */
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const distDir = resolve(process.argv[2] ?? join(root, 'dist'))
const cli = join(distDir, 'cli.js')
const bundle = join(distDir, 'cli.bundle.js')

// Left out, and loaded from node_modules if ever needed, are two kinds of package:
// - those only some configurations load: ioredis (a Redis store), selfsigned (HTTPS with a generated
//   certificate), the Sign-In Widget (an optional peer dependency, found at run time);
// - Fastify's own lazy ones, which the command never reaches: its schema compilers and Ajv (mockta's
//   routes declare no Fastify schemas, src/http/schema-compilers.ts) and light-my-request (`inject`,
//   for tests). Parsing them on every start cost about as much as everything else the bundle spared.
const EXTERNAL = ['ioredis', 'selfsigned', '@okta/okta-signin-widget', 'ajv', 'ajv-formats', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request']

const result = await build({
  entryPoints: [cli],
  outfile: bundle,
  // The metafile's input paths are relative to this; licences() reads the packages from them.
  absWorkingDir: root,
  bundle: true,
  external: EXTERNAL,
  platform: 'node',
  format: 'esm',
  // package.json's engines: >=20.
  target: 'node20',
  // The bundled CommonJS packages require Node's built-in modules; an ES module has no `require`.
  banner: { js: "import { createRequire as __mocktaCreateRequire } from 'node:module'; const require = __mocktaCreateRequire(import.meta.url);" },
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  // package.json's exports keep `types`/`default` after `import`/`require` on purpose, for tools that
  // know neither condition; esbuild warns that it never reaches them.
  logOverride: { 'package.json': 'silent' },
})

writeFileSync(`${bundle}.LICENSES.txt`, licences(Object.keys(result.metafile.inputs)))

// The launcher. A module cannot turn the compile cache on for its own compilation, hence a file of
// its own: on Node 22.1+ the bundle's compiled code is kept on disk (in the OS temporary directory,
// or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off) and later starts skip compiling
// it (docs/bench.md#start-up); Node 20 has no such call and loads the bundle as before.
writeFileSync(
  cli,
  `#!/usr/bin/env node
// The mockta command: enables Node's module compile cache, then runs the bundle (scripts/bundle-cli.mjs).
import module from 'node:module'
module.enableCompileCache?.()
await import('./cli.bundle.js')
`,
)
chmodSync(cli, 0o755)
// tsc's source map describes the unbundled file the launcher replaced.
rmSync(`${cli}.map`, { force: true })

/** Each bundled package's name, version, licence and licence text, in name order. */
function licences(inputs) {
  const dirs = new Set()
  for (const input of inputs) {
    // The package folder: the last node_modules/name or node_modules/@scope/name (not node_modules/.cache/…).
    const dir = /^(.*node_modules\/(?:@[^/]+\/)?[^./][^/]*)\//.exec(input)?.[1]
    if (dir) dirs.add(dir)
  }
  const entries = [...dirs].map((dir) => {
    const manifest = JSON.parse(readFileSync(resolve(root, dir, 'package.json'), 'utf8'))
    const file = readdirSync(resolve(root, dir)).find((name) => /^(licen[cs]e|copying)/i.test(name))
    const text = file ? readFileSync(resolve(root, dir, file), 'utf8').trim() : `(no licence file; package.json says ${manifest.license ?? 'nothing'})`
    return { name: manifest.name, text: `${manifest.name}@${manifest.version} (${manifest.license ?? 'unknown'})\n\n${text}` }
  })
  // One entry per name and version (npm may install a package twice, in two folders).
  const texts = [...new Set(entries.sort((a, b) => a.name.localeCompare(b.name)).map((e) => e.text))]
  const rule = `\n\n${'-'.repeat(72)}\n\n`
  return `dist/cli.bundle.js bundles these npm packages, under their own licences:${rule}${texts.join(rule)}\n`
}
