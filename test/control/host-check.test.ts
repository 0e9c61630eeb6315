/**
 * DNS rebinding (docs/security.md): the control API answers only the Host names the tester uses,
 * judged over real sockets with raw requests, absolute-form targets included; the OAuth endpoints
 * answer any Host, their issuers coming from the base URL alone.
 */
import t, { type Test } from 'tap'
import { startMockta, type MocktaHandle, type StartMocktaOptions } from '../../src/start-mockta.js'
import { rawExchange } from '../helpers/raw-http.js'
import { record } from '../helpers/report.js'

interface Answer {
  status: number | undefined
  body: string
}

/** One raw request on its own connection; `host` undefined sends none (HTTP/1.0). */
async function ask(mockta: MocktaHandle, method: string, target: string, host: string | undefined, headers: Record<string, string> = {}, body = ''): Promise<Answer> {
  const port = Number(new URL(mockta.baseUrl).port)
  const version = host === undefined ? 'HTTP/1.0' : 'HTTP/1.1'
  const lines = [`${method} ${target} ${version}`, ...(host === undefined ? [] : [`Host: ${host}`]), 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
  if (body !== '') lines.push(`Content-Length: ${Buffer.byteLength(body)}`)
  const ex = await rawExchange(port, [`${lines.join('\r\n')}\r\n\r\n${body}`], { waitMs: 5000 })
  return { status: ex.responses[0]?.status, body: ex.responses[0]?.body ?? '' }
}

async function started(t: { teardown(fn: () => unknown): void }, options: StartMocktaOptions = {}): Promise<MocktaHandle> {
  const mockta = await startMockta(options)
  t.teardown(() => mockta.close())
  return mockta
}

const JSON_BODY = { 'Content-Type': 'application/json' }
let attempts = 0
let refused = 0

/** A request that must be refused as foreign: 403 naming the setting. */
async function assertForeign(t: Test, answer: Answer, what: string): Promise<void> {
  attempts++
  if (answer.status === 403) refused++
  t.equal(answer.status, 403, what)
  t.match(JSON.parse(answer.body || '{}'), { error: 'forbidden', message: /control\.allowedHosts \(--allowed-hosts, MOCKTA_ALLOWED_HOSTS\)/ }, `${what}: names the setting`)
}

t.test('foreign Host names are refused, whatever the method; the state is unchanged', async (t) => {
  const mockta = await started(t)
  const port = new URL(mockta.baseUrl).port
  const usersBefore = await mockta.users.list()
  const clockBefore = (await mockta.clock.now()).offsetSeconds
  const foreign = ['evil.example', `evil.example:${port}`, '127.0.0.1.evil.example', 'localhost.evil.example', '10.0.0.1', '[::2]', 'evil.example.', '', 'a b', 'user@127.0.0.1']
  for (const host of foreign) await assertForeign(t, await ask(mockta, 'GET', '/__mockta/users', host), `GET with Host ${JSON.stringify(host)}`)
  await assertForeign(t, await ask(mockta, 'GET', '/__mockta/journal', undefined), 'no Host at all (HTTP/1.0)')
  await assertForeign(t, await ask(mockta, 'PUT', '/__mockta/users', 'evil.example', JSON_BODY, '{"login":"mallory@example.com","password":"x"}'), 'adding a user')
  await assertForeign(t, await ask(mockta, 'POST', '/__mockta/tokens', 'evil.example', JSON_BODY, '{"clientId":"native-app","user":"alice@example.com"}'), 'minting a token')
  await assertForeign(t, await ask(mockta, 'POST', '/__mockta/clock/advance', 'evil.example', JSON_BODY, '{"seconds":3600}'), 'moving the clock')
  // Node and Fastify route an absolute-form target by its path and keep the Host header: both are judged.
  await assertForeign(t, await ask(mockta, 'GET', 'http://evil.example/__mockta/users', `127.0.0.1:${port}`), 'absolute-form target naming a foreign host')
  await assertForeign(t, await ask(mockta, 'GET', `http://127.0.0.1:${port}/__mockta/users`, 'evil.example'), 'absolute-form loopback target with a foreign Host')
  t.strictSame(await mockta.users.list(), usersBefore, 'no user was added')
  t.equal((await mockta.clock.now()).offsetSeconds, clockBefore, 'the clock did not move')
})

t.test('loopback names and addresses, with any port, are the tester', async (t) => {
  const mockta = await started(t)
  const port = new URL(mockta.baseUrl).port
  for (const host of ['localhost', `localhost:${port}`, 'app.localhost:3000', '127.0.0.1', `127.0.0.1:${port}`, '127.5.6.7:1', '[::1]', `[::1]:${port}`, 'LOCALHOST']) {
    t.equal((await ask(mockta, 'GET', '/__mockta/clock', host)).status, 200, `Host ${host}`)
  }
  t.equal((await ask(mockta, 'GET', `http://localhost:${port}/__mockta/clock`, `127.0.0.1:${port}`)).status, 200, 'absolute-form loopback target')
  t.equal((await ask(mockta, 'POST', '/__mockta/clock/advance', `localhost:${port}`, JSON_BODY, '{"seconds":60}')).status, 200, 'a JSON write')
})

t.test("the base URL's host and control.allowedHosts are allowed too", async (t) => {
  const mockta = await started(t, { baseUrl: 'http://mockta.test:8080', allowedHosts: ['mockta', '.corp.test', '192.168.1.5'] })
  for (const host of ['mockta.test', 'mockta.test:9999', 'mockta:8080', 'corp.test', 'a.b.corp.test:1', '192.168.1.5:8080']) {
    t.equal((await ask(mockta, 'GET', '/__mockta/clock', host)).status, 200, `Host ${host}`)
  }
  for (const host of ['evilcorp.test', 'mockta.evil', 'other.test']) await assertForeign(t, await ask(mockta, 'GET', '/__mockta/clock', host), `Host ${host}`)
})

t.test('control.allowedHosts and the limits from a configuration file; a host with a port is refused at start-up', async (t) => {
  const mockta = await started(t, { config: { control: { allowedHosts: ['mockta'] }, limits: { headersTimeoutSeconds: 3, bodyTimeoutSeconds: 4 } } })
  t.equal((await ask(mockta, 'GET', '/__mockta/clock', 'mockta:8080')).status, 200)
  t.equal(mockta.app.server.headersTimeout, 3000, 'the header deadline')
  await t.rejects(startMockta({ config: { control: { allowedHosts: ['mockta:8080'] } } }), { name: 'ConfigError', message: /\/control\/allowedHosts\/0/ })
})

t.test('--trust-network keeps the Host rule unless the list says *', async (t) => {
  const trusted = await started(t, { trustNetwork: true })
  await assertForeign(t, await ask(trusted, 'GET', '/__mockta/clock', 'evil.example'), 'trusted network, foreign Host')
  const any = await started(t, { trustNetwork: true, allowedHosts: ['*'] })
  t.equal((await ask(any, 'GET', '/__mockta/clock', 'mockta-a:8080')).status, 200, '* allows any Host')
})

t.test('--admin-token: the Host rule and the token both apply', async (t) => {
  const mockta = await started(t, { adminToken: 'tok' })
  await assertForeign(t, await ask(mockta, 'GET', '/__mockta/clock', 'evil.example', { Authorization: 'Bearer tok' }), 'token, foreign Host')
  t.equal((await ask(mockta, 'GET', '/__mockta/clock', 'localhost', { Authorization: 'Bearer tok' })).status, 200, 'token, loopback Host')
  t.equal((await ask(mockta, 'GET', '/__mockta/clock', 'localhost')).status, 401, 'no token, loopback Host')
})

t.test('the OAuth endpoints answer any Host; their issuers come from the base URL', async (t) => {
  const mockta = await started(t)
  const discovery = await ask(mockta, 'GET', '/oauth2/default/.well-known/openid-configuration', 'mockta:8080')
  t.equal(discovery.status, 200)
  t.equal(JSON.parse(discovery.body).issuer, mockta.issuer(), 'the issuer is not the Host')
  const form = { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from('service-app:service-app-secret').toString('base64')}` }
  const token = await ask(mockta, 'POST', '/oauth2/default/v1/token', 'evil.example', form, 'grant_type=client_credentials&scope=api%3Aread')
  t.equal(token.status, 200, 'a token for a container that calls mockta by service name')
  t.equal(JSON.parse(Buffer.from(JSON.parse(token.body).access_token.split('.')[1], 'base64url').toString('utf8')).iss, mockta.issuer())
})

t.teardown(() => {
  record('surface', {
    kind: 'foreign-host',
    attempts,
    refused,
    summary: `${refused}/${attempts} requests for a foreign Host refused with 403`,
    ok: attempts > 0 && refused === attempts,
  })
})
