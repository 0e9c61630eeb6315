/** The built `mockta` command as a real process: start-up, flags and environment, failures, shutdown. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { builtPackage, productionEnv } from '../helpers/cli-build.js'
import { freePort, isListening, run, type Running } from '../helpers/child-process.js'
import { record } from '../helpers/report.js'

let root = ''
t.before(async () => {
  root = await builtPackage()
})

function mockta(t: { teardown(fn: () => unknown): void }, args: string[], env: Record<string, string> = {}): Running {
  return run(t, process.execPath, [join(root, 'dist/cli.js'), ...args], { cwd: root, env: productionEnv(env) })
}

const LISTENING = /mockta listening on 127\.0\.0\.1:(\d+)/

t.test('starts with the built-in configuration on --port', async (t) => {
  const port = await freePort()
  const proc = mockta(t, ['--port', String(port)])
  await proc.waitFor(LISTENING)
  const base = `http://127.0.0.1:${port}`
  const res = await fetch(`${base}/oauth2/default/.well-known/openid-configuration`)
  t.equal(res.status, 200)
  t.match(await res.json(), { issuer: `${base}/oauth2/default`, token_endpoint: `${base}/oauth2/default/v1/token` })
  t.match(await (await fetch(`${base}/.well-known/openid-configuration`)).json(), { issuer: base })
  t.match(proc.stdout(), `"issuers":["${base}","${base}/oauth2/default"]`, 'the banner names every issuer')
})

t.test('MOCKTA_BASE_URL changes the issuers, not the listening address', async (t) => {
  const port = await freePort()
  const proc = mockta(t, [`--port=${port}`], { MOCKTA_BASE_URL: 'https://mockta.test' })
  await proc.waitFor(LISTENING)
  const doc = await (await fetch(`http://127.0.0.1:${port}/oauth2/default/.well-known/openid-configuration`)).json()
  t.match(doc, { issuer: 'https://mockta.test/oauth2/default', jwks_uri: 'https://mockta.test/oauth2/default/v1/keys' })
})

t.test('PORT from the environment is used when there is no --port', async (t) => {
  const port = await freePort()
  const proc = mockta(t, [], { PORT: String(port) })
  const [, listening] = await proc.waitFor(LISTENING)
  t.equal(Number(listening), port)
})

t.test('--port 0 takes any free port, and the issuers name the real one', async (t) => {
  const proc = mockta(t, ['--port', '0'])
  const [, port] = await proc.waitFor(LISTENING)
  t.not(port, '0')
  const base = `http://127.0.0.1:${port}`
  const doc = await (await fetch(`${base}/oauth2/default/.well-known/openid-configuration`)).json()
  t.match(doc, { issuer: `${base}/oauth2/default`, token_endpoint: `${base}/oauth2/default/v1/token` })
})

t.test('--help lists every flag and environment variable and exits 0', async (t) => {
  const proc = mockta(t, ['--help'])
  const exit = await proc.exit()
  t.same(exit, { code: 0, signal: null })
  for (const flag of ['--config FILE', '--port N', '--host H', '--base-url URL', '-h, --help']) {
    t.match(proc.stdout(), new RegExp(`^ {2}${flag} `, 'm'), `documents ${flag}`)
  }
  for (const variable of ['MOCKTA_CONFIG', 'PORT', 'HOST', 'MOCKTA_BASE_URL']) {
    t.match(proc.stdout(), `Env: ${variable}.`, `documents ${variable}`)
  }
  t.equal(proc.stderr(), '')
})

t.test('--version and -v print the package version and exit 0', async (t) => {
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version
  for (const flag of ['--version', '-v']) {
    const proc = mockta(t, [flag])
    t.same(await proc.exit(), { code: 0, signal: null }, flag)
    t.equal(proc.stdout(), `${version}\n`, `${flag} prints ${version}`)
    t.equal(proc.stderr(), '')
  }
})

t.test('a configuration with several errors: every path on stderr, non-zero exit, never listens', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mockta-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'bad.json')
  writeFileSync(
    file,
    JSON.stringify({
      baseUrl: 'http://mockta.test/some/path',
      colour: 'blue',
      clients: [
        { id: 'a', type: 'web', authMethods: ['client_secret_basic'] },
        { id: 'a', type: 'native' },
      ],
      users: [{ login: 'carol@example.com' }],
    }),
  )
  const port = await freePort()
  const proc = mockta(t, ['--config', file, '--port', String(port)])
  const exit = await proc.exit(10_000)
  t.equal(exit.signal, null, 'it exits by itself')
  t.not(exit.code, 0)
  const stderr = proc.stderr()
  t.match(stderr, `Invalid mockta configuration in ${file}`)
  for (const path of ['/baseUrl', '/colour', '/clients/0/authMethods', '/clients/1/id', '/users/0/password']) {
    t.match(stderr, `  - ${path}:`, `reports ${path}`)
  }
  t.notMatch(proc.stdout(), LISTENING)
  t.equal(await isListening(port), false, 'the port stays free')
})

t.test('a bad flag and a bad variable are reported together', async (t) => {
  const proc = mockta(t, ['--port', 'eighty', '--colour=blue'], { MOCKTA_BASE_URL: 'ftp://mockta.test' })
  const exit = await proc.exit(10_000)
  t.equal(exit.code, 1)
  t.match(proc.stderr(), '--port: must be an integer')
  t.match(proc.stderr(), '--colour: unknown option')
  t.match(proc.stderr(), 'MOCKTA_BASE_URL: must use http or https')
})

t.test('a busy port: non-zero exit with an "already in use" message', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => blocker.close(resolve)))
  const address = blocker.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const proc = mockta(t, ['--port', String(port)])
  const exit = await proc.exit(10_000)
  t.equal(exit.signal, null)
  t.equal(exit.code, 1)
  t.match(proc.stderr(), /^mockta cannot start: the address is already in use \(.*EADDRINUSE.*\)\n$/)
})

/** Sends a token request's head with `Expect: 100-continue`, resolving once the server has accepted it. */
function startRequest(port: number, body: string): Promise<{ finish(pipelined?: string): Promise<string> }> {
  const socket = connect({ host: '127.0.0.1', port })
  let received = ''
  socket.setEncoding('utf8').on('data', (s: string) => (received += s))
  const ended = new Promise<string>((resolve, reject) => {
    socket.once('close', () => resolve(received))
    socket.once('error', reject)
  })
  socket.write(
    'POST /oauth2/default/v1/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
  )
  // Node answers 100 Continue when it hands the request to Fastify: from then on it is in flight.
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!received.startsWith('HTTP/1.1 100')) return
      socket.off('data', check)
      // write, not end: a half-close from the client would make Node abort the request.
      resolve({ finish: (pipelined = '') => (socket.write(body + pipelined), ended) })
    }
    socket.on('data', check)
    ended.then(() => reject(new Error(`connection closed before 100 Continue: ${received}`)), reject)
  })
}

t.test('SIGTERM: the request in flight completes, a new one gets an OAuth 503, then exit 0 and the port is closed', async (t) => {
  const port = await freePort()
  const proc = mockta(t, ['--port', String(port)])
  await proc.waitFor(LISTENING)
  const body = new URLSearchParams({ grant_type: 'password', client_id: 'native-app', username: 'alice@example.com', password: 'alice-password', scope: 'openid' })
  const inFlight = await startRequest(port, body.toString())

  const signalled = Date.now()
  proc.child.kill('SIGTERM')
  await proc.waitFor(/shutting down/)
  // The listener closes first; only then is the body sent, so the request really spans the shutdown.
  while (await isListening(port)) await new Promise((resolve) => setTimeout(resolve, 10))
  // A second request pipelined on the same keep-alive connection arrives after the shutdown began.
  const next = 'GET /oauth2/default/v1/keys HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
  const response = await inFlight.finish(next)
  const [, first = '', second = ''] = response.split(/(?=HTTP\/1\.1 [2-5]\d\d )/)
  t.match(first, /^HTTP\/1\.1 200 OK\r\n/, 'the in-flight request got its tokens')
  t.match(first, /"access_token":"/)
  t.match(second, /^HTTP\/1\.1 503 /, 'the request that arrived during shutdown: 503')
  t.match(second, /\r\nretry-after: 5\r\n/i, 'with Retry-After')
  const oauth503 = /\r\n\r\n\{"error":"temporarily_unavailable","error_description":"The authorization server is shutting down\."\}$/.test(second)
  t.ok(oauth503, 'in the OAuth shape')

  const exit = await proc.exit(15_000)
  const ms = Date.now() - signalled
  t.same(exit, { code: 0, signal: null })
  t.equal(await isListening(port), false)
  record('fault', { kind: 'shutdown', ms, code: exit.code, oauth503 })
})

t.test('SIGINT also shuts down cleanly', async (t) => {
  const proc = mockta(t, ['--port', '0'])
  const [, port] = await proc.waitFor(LISTENING)
  proc.child.kill('SIGINT')
  t.same(await proc.exit(15_000), { code: 0, signal: null })
  t.equal(await isListening(Number(port)), false)
})
