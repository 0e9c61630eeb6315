/**
 * The package as `npm run build` makes it (package.json, dist/, cjs/, fixtures/, schema/, ui/), built from the
 * current sources into a content-addressed directory under node_modules/.cache. Building there rather
 * than into dist/ means parallel test files and other engineers' builds never see a half-written dist/,
 * and a stale dist/ is never what gets tested.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

/**
 * The checkout, also when the suite runs compiled in its mirror (.tap/js, CONTRIBUTING.md, "How the
 * suite runs TypeScript"), whose package.json is a link to the checkout's: the package is built from
 * the checkout's own files, never from links.
 */
export const repoRoot = dirname(realpathSync(fileURLToPath(new URL('../../package.json', import.meta.url))))
const require = createRequire(join(repoRoot, 'package.json'))
const tsc = require.resolve('typescript/bin/tsc')
/** The second step of `npm run build`: the precompiled config validator. */
const validatorScript = join(repoRoot, 'scripts/build-config-validator.mjs')
/** The last step of `npm run build`: dist/cli.js bundled into one file (esbuild), and its launcher. */
const bundleScript = join(repoRoot, 'scripts/bundle-cli.mjs')

/** Variables that would make a child process behave unlike the production one. */
export function productionEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    // tap's NODE_OPTIONS loads its process-info hook into every child; mockta's own variables would override flags.
    if (/^(NODE_OPTIONS|TAP.*|_TAPJS_.*|PORT|HOST|MOCKTA_.*)$/.test(key)) continue
    env[key] = value
  }
  return { ...env, ...extra }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((file) => statSync(file).isFile())
    .sort()
}

function sourceHash(): string {
  const hash = createHash('sha256').update(String(require('typescript/package.json').version))
  const files = [
    ...filesUnder(join(repoRoot, 'src')),
    ...filesUnder(join(repoRoot, 'cjs')),
    ...filesUnder(join(repoRoot, 'fixtures')),
    ...filesUnder(join(repoRoot, 'schema')),
    ...filesUnder(join(repoRoot, 'ui')),
  ]
  const buildScripts = [join(repoRoot, 'tsconfig.json'), join(repoRoot, 'package.json'), validatorScript, bundleScript]
  for (const file of [...buildScripts, ...files]) {
    hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0')
  }
  return hash.digest('hex').slice(0, 16)
}

let built: Promise<string> | undefined

/** The directory holding the built package; builds it once per source state. */
export function builtPackage(): Promise<string> {
  built ??= build()
  return built
}

async function build(): Promise<string> {
  const cacheRoot = join(repoRoot, 'node_modules/.cache/mockta-e2e')
  const target = join(cacheRoot, sourceHash())
  if (existsSync(join(target, 'dist/cli.js'))) {
    // Marks it in use, so another checkout state's pruning leaves it alone.
    const now = new Date()
    utimesSync(target, now, now)
    return target
  }
  const staging = `${target}.tmp-${process.pid}-${Date.now()}`
  mkdirSync(staging, { recursive: true })
  try {
    try {
      await promisify(execFile)(process.execPath, [tsc, '-p', join(repoRoot, 'tsconfig.json'), '--outDir', join(staging, 'dist')], { cwd: repoRoot })
    } catch (err) {
      const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string }
      throw new Error(`tsc -p tsconfig.json failed:\n${stdout}${stderr}`)
    }
    await promisify(execFile)(process.execPath, [validatorScript, join(staging, 'dist/config')], { cwd: repoRoot })
    await promisify(execFile)(process.execPath, [bundleScript, join(staging, 'dist')], { cwd: repoRoot })
    // package.json gives dist/ its "type": "module" and marks the package root, where fixtures/ and schema/ are.
    cpSync(join(repoRoot, 'package.json'), join(staging, 'package.json'))
    // The CommonJS entry, hand-written beside dist/ (package.json's `require` condition).
    cpSync(join(repoRoot, 'cjs'), join(staging, 'cjs'), { recursive: true })
    cpSync(join(repoRoot, 'fixtures'), join(staging, 'fixtures'), { recursive: true })
    cpSync(join(repoRoot, 'schema'), join(staging, 'schema'), { recursive: true })
    // The dashboard's page, script and styles, read from the package root (routes/control/dashboard.ts).
    cpSync(join(repoRoot, 'ui'), join(staging, 'ui'), { recursive: true })
    try {
      renameSync(staging, target)
    } catch (err) {
      // Another test file finished the same build first: theirs is identical.
      if (!existsSync(join(target, 'dist/cli.js'))) throw err
    }
    pruneOldBuilds(cacheRoot, target)
    return target
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

/** Builds unused for an hour (far longer than a test run), and staging left by killed runs. */
function pruneOldBuilds(cacheRoot: string, keep: string): void {
  for (const name of readdirSync(cacheRoot)) {
    const dir = join(cacheRoot, name)
    const mtimeMs = statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()
    if (dir !== keep && Date.now() - mtimeMs > 3_600_000) rmSync(dir, { recursive: true, force: true })
  }
}
