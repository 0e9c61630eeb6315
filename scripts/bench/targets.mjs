/**
 * The servers the bench compares: how each starts (its own process on 127.0.0.1), how to get it live
 * refresh tokens and a token to introspect, and where it cannot behave like mockta (printed with the
 * results).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HOST, fetchJson, freePort, spawnServer } from './processes.mjs'
import { benchRedisUrl, hasRedisServer } from './redis.mjs'
import { CLIENT_JWK_ENV } from './args.mjs'
import { CLIENT_PUBLIC_JWK, benchClients } from './dpop.mjs'
import { DEVICE_INTERVAL_SECONDS, signInClients } from './sign-in.mjs'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)

export const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }
export const basic = (c) => `Basic ${Buffer.from(`${encodeURIComponent(c.id)}:${encodeURIComponent(c.secret)}`).toString('base64')}`

/** The clients every target registers (mockta's fixtures/config.json, mirrored in the peers' set-up). */
const PUBLIC_CLIENT = { id: 'native-app' }
const CONFIDENTIAL_CLIENT = { id: 'web-app', secret: 'web-app-secret' }
const SERVICE_CLIENT = { id: 'service-app', secret: 'service-app-secret', scope: 'api:read' }
const USER = { username: 'alice@example.com', password: 'alice-password' }

const ALL = ['refresh_token', 'introspect', 'client_credentials', 'keys', 'discovery']

/**
 * mockta once per store. The Redis row runs mockta with MOCKTA_REDIS_URL against the bench's own
 * redis-server (scripts/bench/redis.mjs); without redis-server installed the row is skipped.
 */
const MOCKTA_STORES = [
  { name: 'mockta', description: 'mockta, in-memory store (dist/cli.js)', store: undefined },
  ...(hasRedisServer()
    ? [{ name: 'mockta-redis', description: 'mockta, Redis store (MOCKTA_REDIS_URL, redis-server on loopback)', store: 'redis' }]
    : (console.log('redis-server is not installed: the mockta-redis row is skipped (apt-get install redis-server)'), [])),
  ...baselineStores(),
]

/**
 * BENCH_BASELINE=<checkout>[,<checkout>…]: the same in-memory row from other built checkouts, in the
 * same run, each as `mockta@<folder name>`, so a change is compared with what it changes under the
 * same load on the host (docs/bench.md, "Comparing builds"). The goals still read the `mockta` row alone.
 */
function baselineStores() {
  const dirs = (process.env.BENCH_BASELINE ?? '')
    .split(',')
    .map((dir) => dir.trim())
    .filter(Boolean)
  return dirs.map((dir) => {
    const cliRoot = resolve(dir)
    if (!existsSync(join(cliRoot, 'dist/cli.js'))) throw new Error(`BENCH_BASELINE: ${cliRoot}/dist/cli.js does not exist: run npm run build there first`)
    return { name: `mockta@${basename(cliRoot)}`, description: `mockta built in ${cliRoot}, in-memory store`, store: undefined, cliRoot }
  })
}

export const mocktaTargets = MOCKTA_STORES.map(({ name, description, store, cliRoot }) => ({
  name,
  description,
  role: 'mockta',
  // DPoP and private_key_jwt (scripts/bench/dpop.mjs), sign-ins and device polling (scripts/bench/sign-in.mjs): mockta's own rows.
  scenarios: [...ALL, 'dpop_refresh', 'private_key_jwt', 'code_flow', 'idx_sign_in', 'authn_sign_in', 'device_poll'],
  discoveryPath: '/oauth2/default/.well-known/openid-configuration',
  notes: {},
  start: (workDir, port) => startMockta(workDir, port, store, cliRoot),
  refreshTokens: (env, n) => inBatches(n, 50, async () => (await passwordGrant(env, PUBLIC_CLIENT)).refresh_token),
  async introspection(env) {
    return { token: (await passwordGrant(env, CONFIDENTIAL_CLIENT)).access_token, client: CONFIDENTIAL_CLIENT }
  },
  serviceClient: SERVICE_CLIENT,
  publicClient: PUBLIC_CLIENT,
}))

export const peerTargets = [
  {
    name: 'oauth2-mock-server',
    description: 'oauth2-mock-server (npm), fixture RS256 key',
    role: 'peer',
    scenarios: ALL,
    discoveryPath: '/.well-known/openid-configuration',
    notes: {
      refresh_token: 'accepts any refresh token and stores none: no lookup, no rotation state, no reuse detection',
      introspect: 'answers {"active":true} to anything: the token is not verified (left out of the introspection goal, shown beside it)',
      client_credentials: 'no client authentication: any credentials are accepted',
    },
    // Answering a constant is no introspection: this row is not a peer's figure for that goal.
    notComparable: ['introspect'],
    start: (_dir, port) => startScript('oauth2-mock-server.mjs', port),
    // It accepts anything, so any string is a "live" token; each answer's new token is fed back all the same.
    refreshTokens: async (_env, n) => Array.from({ length: n }, (_, i) => `bench-refresh-token-${i}`),
    async introspection(env) {
      return { token: (await clientCredentialsGrant(env, SERVICE_CLIENT)).access_token, client: CONFIDENTIAL_CLIENT }
    },
    serviceClient: SERVICE_CLIENT,
    publicClient: PUBLIC_CLIENT,
  },
  {
    name: 'oidc-provider',
    description: 'oidc-provider (npm), rotation, JWT access tokens, Map adapter, fixture RS256 key',
    role: 'peer',
    scenarios: ALL,
    discoveryPath: '/.well-known/openid-configuration',
    notes: {
      refresh_token: 'sign-ins minted with its Grant/RefreshToken models (no interactive login in the bench); rotation on, reuse revokes the grant',
      introspect: 'cannot introspect JWT access tokens: an opaque access token is introspected instead (a store lookup, no signature check)',
    },
    start: (_dir, port) => startScript('oidc-provider-server.mjs', port),
    async refreshTokens(env, n) {
      return (await fetchJson(`${env.baseUrl}/bench/seed?count=${n}`, { method: 'POST' })).refreshTokens
    },
    async introspection(env) {
      return { token: (await fetchJson(`${env.baseUrl}/bench/seed?count=1`, { method: 'POST' })).accessToken, client: CONFIDENTIAL_CLIENT }
    },
    serviceClient: SERVICE_CLIENT,
    publicClient: PUBLIC_CLIENT,
  },
]

export const ceilingTarget = {
  name: 'ceiling',
  description: "bare Fastify + jose: a grant's RS256 signatures, and one verification of a DPoP proof or client assertion, nothing else",
  role: 'ceiling',
  scenarios: ['refresh_token', 'client_credentials', 'dpop_refresh', 'private_key_jwt'],
  discoveryPath: '/oauth2/default/.well-known/openid-configuration',
  notes: {
    refresh_token: 'reference only: no client check, no store, the presented token is ignored',
    client_credentials: 'reference only: the client is not authenticated',
    dpop_refresh: "reference only: the proof's signature is verified, none of its claims",
    private_key_jwt: "reference only: the assertion's signature is verified, none of its claims",
  },
  start: (_dir, port) => startScript('ceiling-server.mjs', port, { [CLIENT_JWK_ENV]: JSON.stringify(CLIENT_PUBLIC_JWK) }),
  refreshTokens: async (_env, n) => Array.from({ length: n }, (_, i) => `bench-refresh-token-${i}`),
  serviceClient: SERVICE_CLIENT,
  publicClient: PUBLIC_CLIENT,
}

/** Bare Fastify hello-world: the start-up and RSS baseline. */
export const helloTarget = {
  name: 'fastify-hello',
  readyPath: '/',
  start: (_dir, port) => startScript('hello-server.mjs', port),
}

async function startScript(file, port, env = {}) {
  return spawnServer(process.execPath, [join(here, file), '--host', HOST, '--port', String(port)], { cwd: root, env: { ...process.env, ...env } }, `http://${HOST}:${port}`)
}

// mockta as a child process

export function ensureMocktaBuild() {
  const cli = join(root, 'dist/cli.js')
  const validator = join(root, 'dist/config/config-validator.cjs')
  const sources = Math.max(newestMtimeMs(join(root, 'src')), newestMtimeMs(join(root, 'schema')))
  const stale = !existsSync(cli) || !existsSync(validator) || sources > Math.min(statSync(cli).mtimeMs, statSync(validator).mtimeMs)
  if (!stale) return
  console.log('dist/ is missing or older than src/: building (tsc, the config validator, the bundled command) …')
  for (const args of [[require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], [join(root, 'scripts/build-config-validator.mjs')], [join(root, 'scripts/bundle-cli.mjs')]]) {
    const built = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', timeout: 300_000 })
    if (built.status !== 0) throw new Error(`build step ${args[0]} failed (status ${built.status}${built.error ? `, ${built.error.message}` : ''})`)
  }
}

function newestMtimeMs(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs)
  }
  return newest
}

/** Writes the bench's mockta config (fixtures, warn-level logs) once per work directory. */
function mocktaConfig(workDir, store) {
  const config = JSON.parse(readFileSync(join(root, 'fixtures/config.json'), 'utf8'))
  delete config.$schema
  // Request logging at info would make the bench measure pino's output to a pipe.
  config.logLevel = 'warn'
  config.keys = { file: join(root, 'fixtures/keys/rs256.test-only.jwks.json') }
  if (store !== undefined) config.store = { ...config.store, ...store }
  config.clients.push(...benchClients(), ...signInClients())
  // The shortest device interval the schema allows, so the polling row needs fewer codes (docs/bench.md).
  for (const server of config.authorizationServers) server.deviceAuthorization = { ...server.deviceAuthorization, intervalSeconds: DEVICE_INTERVAL_SECONDS }
  const path = join(workDir, `mockta.bench${store ? `.${store.type}` : ''}.config.json`)
  writeFileSync(path, JSON.stringify(config, null, 2))
  return path
}

let redisStarts = 0

export async function startMockta(workDir, port, store, cliRoot = root) {
  port ??= await freePort()
  const env = { ...process.env }
  // The issuer must be the address the bench calls, whatever the caller's shell exports.
  delete env.MOCKTA_BASE_URL
  delete env.MOCKTA_CONFIG
  delete env.MOCKTA_REDIS_URL
  // Each start gets a key prefix of its own: a fresh store, as the in-memory row gets.
  if (store === 'redis') env.MOCKTA_REDIS_URL = await benchRedisUrl(workDir)
  const storeConfig = store === 'redis' ? { type: 'redis', keyPrefix: `bench-${process.pid}-${++redisStarts}:` } : store
  // BENCH_CPU_PROF=<dir>: each mockta start writes a V8 CPU profile there when the bench stops it (docs/bench.md).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`] : []
  const args = [...profile, join(cliRoot, 'dist/cli.js'), '--host', HOST, '--port', String(port), '--config', mocktaConfig(workDir, storeConfig)]
  return spawnServer(process.execPath, args, { cwd: root, env }, `http://${HOST}:${port}`)
}

// Grants used to prepare scenarios

export async function tokenRequest(env, params, client) {
  const headers = { ...FORM }
  if (client.secret !== undefined) headers.authorization = basic(client)
  else params = { ...params, client_id: client.id }
  return fetchJson(env.baseUrl + env.paths.token, { method: 'POST', headers, body: new URLSearchParams(params) })
}

async function passwordGrant(env, client) {
  const body = await tokenRequest(env, { grant_type: 'password', username: USER.username, password: USER.password, scope: 'openid profile offline_access' }, client)
  if (typeof body.refresh_token !== 'string') throw new Error('password grant returned no refresh_token')
  return body
}

const clientCredentialsGrant = (env, client) => tokenRequest(env, { grant_type: 'client_credentials', scope: client.scope }, client)

async function inBatches(total, parallel, task) {
  const results = []
  let next = 0
  const worker = async () => {
    while (next < total) {
      next++
      results.push(await task())
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, total) }, worker))
  return results
}
