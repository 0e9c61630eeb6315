/**
 * Replays the Docker image's production install, so the Dockerfile cannot silently rot where CI has
 * no container engine: the shipped files only, `npm ci --omit=dev`, then the command and health check
 * the image runs. Needs the npm registry (or the machine's configured mirror).
 */
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { builtPackage, productionEnv, repoRoot } from '../helpers/cli-build.js'
import { freePort, isListening, run } from '../helpers/child-process.js'

/**
 * The Dockerfile's health check, verbatim (shell form: `HEALTHCHECK CMD <this>`). It reads PORT, which
 * the image sets; Node 20's global fetch makes it dependency-free.
 */
export const DOCKER_HEALTHCHECK = `node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`

/** What the Dockerfile's production stage installs with (`--ignore-scripts`: `prepare` would run tsc). */
export const PRODUCTION_INSTALL = ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund']

/** What the runtime stage copies in: the two manifests from the checkout, the rest from the build. */
const IMAGE_FILES = ['package.json', 'package-lock.json', 'dist', 'fixtures', 'schema', 'ui']

const execFileAsync = promisify(execFile)

/** Runs the health check the way Docker does, through /bin/sh, with this test's node first on PATH. */
async function healthCheck(port: number): Promise<number> {
  const env = productionEnv({ PORT: String(port), PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? ''}` })
  try {
    await execFileAsync('/bin/sh', ['-c', DOCKER_HEALTHCHECK], { env, timeout: 30_000 })
    return 0
  } catch (err) {
    return (err as { code?: number }).code ?? -1
  }
}

t.test('production install: npm ci --omit=dev, start, discovery, health check', { timeout: 240_000 }, async (t) => {
  const built = await builtPackage()
  const image = mkdtempSync(join(tmpdir(), 'mockta-image-'))
  t.teardown(() => rmSync(image, { recursive: true, force: true }))
  for (const file of IMAGE_FILES) {
    const from = file.startsWith('package') ? repoRoot : built
    cpSync(join(from, file), join(image, file), { recursive: true })
  }

  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const install = run(t, npm, PRODUCTION_INSTALL, { cwd: image, env: productionEnv() })
  const installed = await install.exit(150_000)
  t.same(installed, { code: 0, signal: null }, `npm ${PRODUCTION_INSTALL.join(' ')}`)
  if (installed.code !== 0) return t.comment(install.stderr())

  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, Record<string, string>>
  for (const name of Object.keys(manifest['dependencies'] ?? {})) {
    t.ok(existsSync(join(image, 'node_modules', name, 'package.json')), `dependency ${name} is installed`)
  }
  const devOnly = Object.keys(manifest['devDependencies'] ?? {}).filter((name) => !(name in (manifest['dependencies'] ?? {})))
  for (const name of devOnly) {
    // pino and safe-regex2 are devDependencies and also fastify's own (find-my-way's) dependencies:
    // present, but only as fastify's.
    if (name === 'pino' || name === 'safe-regex2') continue
    t.notOk(existsSync(join(image, 'node_modules', name)), `devDependency ${name} is not installed`)
  }
  t.notOk(existsSync(join(image, 'node_modules/.bin/tsc')), 'no TypeScript compiler in the image')

  // As the image's ENTRYPOINT runs it: no arguments, everything from the environment (HOST stays local here).
  const port = await freePort()
  const env = productionEnv({ HOST: '127.0.0.1', PORT: String(port), NODE_ENV: 'production' })
  const server = run(t, process.execPath, ['dist/cli.js'], { cwd: image, env })
  await server.waitFor(/mockta listening on 127\.0\.0\.1:\d+/)
  const base = `http://127.0.0.1:${port}`
  const res = await fetch(`${base}/oauth2/default/.well-known/openid-configuration`)
  t.equal(res.status, 200)
  t.match(await res.json(), { issuer: `${base}/oauth2/default`, jwks_uri: `${base}/oauth2/default/v1/keys` })
  const keys = await fetch(`${base}/oauth2/default/v1/keys`)
  t.match(await keys.json(), { keys: [{ kty: 'RSA', alg: 'RS256', use: 'sig' }] }, 'the bundled fixture keys load from the image')

  t.equal(await healthCheck(port), 0, 'the health check passes against the running image')
  const dashboard = await fetch(`${base}/__mockta/ui/app.js`)
  t.equal(dashboard.status, 200, "the image serves the dashboard's script")

  server.child.kill('SIGTERM')
  t.same(await server.exit(15_000), { code: 0, signal: null }, 'docker stop (SIGTERM) exits 0')
  t.equal(await isListening(port), false)
  t.equal(await healthCheck(port), 1, 'and the health check fails once it is gone')
})

t.test('the Dockerfile runs what this replay runs', async (t) => {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, '')
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  t.match(runtime, `\nRUN npm ${PRODUCTION_INSTALL.join(' ')}`, 'the same production install')
  const healthcheck = /^HEALTHCHECK .*$/m.exec(runtime)?.[0] ?? ''
  t.ok(healthcheck.endsWith(` CMD ${DOCKER_HEALTHCHECK}`), 'the same health check')
  t.match(runtime, /\nENTRYPOINT \["node", "dist\/cli\.js"\]\n/, 'the same command')
  // Every COPY source of the runtime stage, by its last path segment (flags and the destination dropped).
  const copied = [...runtime.matchAll(/^COPY (.+)$/gm)].flatMap((m) => {
    const words = (m[1] as string).split(/\s+/).filter((w) => !w.startsWith('--'))
    return words.slice(0, -1).map((w) => w.replace(/\/$/, '').split('/').pop())
  })
  t.same(copied.sort(), [...IMAGE_FILES].sort(), 'the same files')
})
