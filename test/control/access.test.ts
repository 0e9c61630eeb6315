/** Who may call the control API, how bad requests are answered, and its OpenAPI description. */
import t from 'tap'
import { buildMockta } from '../../src/app.js'
import { ConfigError } from '../../src/config/load.js'
import { controlRoutes } from '../../src/routes/control/route-table.js'
import { assertControlAccess, isLoopback } from '../../src/routes/control/routes.js'
import { startMockta } from '../../src/start-mockta.js'
import { buildTestApp, testConfig } from '../helpers/app.js'
import { control } from '../helpers/control.js'
import { failure, httpControls } from '../helpers/control-client.js'
import { record } from '../helpers/report.js'

t.test('with an admin token, every control request needs it as a Bearer token', async (t) => {
  const { app, logs } = await buildTestApp(t, { change: (c) => (c.control.adminToken = 's3cret-admin-token') })
  const missing = await control(app, 'GET', '/clock')
  t.equal(missing.statusCode, 401)
  t.same(missing.json(), { error: 'unauthorized', message: 'the control API needs Authorization: Bearer <MOCKTA_ADMIN_TOKEN>' })
  t.equal(missing.headers['www-authenticate'], 'Bearer realm="mockta-control"')
  t.equal((await control(app, 'GET', '/clock', undefined, { authorization: 'Bearer wrong' })).statusCode, 401)
  t.equal((await control(app, 'GET', '/clock', undefined, { authorization: 'Basic s3cret-admin-token' })).statusCode, 401)
  t.equal((await control(app, 'POST', '/reset', undefined, { authorization: 'Bearer s3cret-admin-token' })).statusCode, 204)
  t.equal((await control(app, 'GET', '/nothing', undefined, { authorization: 'Bearer s3cret-admin-token' })).statusCode, 404)
  t.equal((await control(app, 'GET', '/nothing')).statusCode, 401, 'even unknown paths need it')
  t.notOk(logs().includes('s3cret-admin-token'), 'the token is never logged')
})

t.test('writes must be JSON with a body, so that no cross-site page can send one unasked', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const before = clock.nowMs()
  const writes: Array<[string, Record<string, string>, string | undefined]> = [
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, 'seconds=3600'],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }, '--x\r\nContent-Disposition: form-data; name="seconds"\r\n\r\n3600\r\n--x--\r\n'],
    ['text/plain JSON', { 'content-type': 'text/plain' }, '{"seconds":3600}'],
    ['no content type', {}, '{"seconds":3600}'],
    ['an empty body', {}, undefined],
    ['JSON named but empty', { 'content-type': 'application/json' }, undefined],
    ['JSON named, whitespace only', { 'content-type': 'application/json' }, ' '],
  ]
  for (const [name, headers, payload] of writes) {
    const res = await app.inject({ method: 'POST', url: '/__mockta/clock/advance', headers, ...(payload !== undefined && { payload }) })
    t.equal(res.statusCode, 415, name)
    t.match(res.json(), { error: 'unsupported_media_type', message: /\{\} when there is nothing to send/ }, name)
  }
  const reset = await app.inject({ method: 'POST', url: '/__mockta/reset' })
  t.equal(reset.statusCode, 415, 'an empty-body POST too')
  t.equal((await app.inject({ method: 'DELETE', url: '/__mockta/journal' })).statusCode, 415, 'and a DELETE')
  t.equal(clock.nowMs(), before, 'none of them moved the clock')
  const charset = await app.inject({ method: 'POST', url: '/__mockta/clock/advance', headers: { 'content-type': 'application/json; charset=utf-8' }, payload: '{"seconds":60}' })
  t.equal(charset.statusCode, 200, 'JSON with a charset is JSON')
  t.equal((await app.inject({ method: 'POST', url: '/__mockta/reset', headers: { 'content-type': 'application/json' }, payload: '{}' })).statusCode, 204, '{} is the empty body')
  t.equal((await app.inject({ method: 'DELETE', url: '/__mockta/journal', headers: { 'content-type': 'application/json' }, payload: '{}' })).statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: '/__mockta/clock' })).statusCode, 200, 'reads stay plain')
})

t.test('requests from other sites are refused with 403; the control API sends no CORS headers', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const before = clock.nowMs()
  const json = { 'content-type': 'application/json' }
  const refused: Array<[string, Record<string, string>]> = [
    ['Origin of another site', { origin: 'https://evil.example' }],
    ['Origin null', { origin: 'null' }],
    ['a non-web Origin', { origin: 'chrome-extension://abc' }],
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site cross-site on a loopback Origin', { 'sec-fetch-site': 'cross-site', origin: 'http://localhost:3000' }],
  ]
  let attempts = 0
  let forbidden = 0
  for (const [name, headers] of refused) {
    const res = await app.inject({ method: 'POST', url: '/__mockta/clock/advance', headers: { ...json, ...headers }, payload: '{"seconds":3600}' })
    t.equal(res.statusCode, 403, name)
    t.match(res.json(), { error: 'forbidden', message: /other sites' pages; origins on hosts in control\.allowedHosts/ }, name)
    const read = await app.inject({ method: 'GET', url: '/__mockta/users', headers })
    t.equal(read.statusCode, 403, `${name}: a read too`)
    attempts += 2
    forbidden += Number(res.statusCode === 403) + Number(read.statusCode === 403)
  }
  t.equal(clock.nowMs(), before, 'the clock did not move')
  record('surface', { kind: 'cross-site', attempts, refused: forbidden })
  const own = await app.inject({
    method: 'POST',
    url: '/__mockta/clock/advance',
    headers: { ...json, origin: 'http://mockta.test', 'sec-fetch-site': 'same-origin' },
    payload: '{"seconds":1}',
  })
  t.equal(own.statusCode, 200, "the base URL's own origin")
  const loopback = await app.inject({
    method: 'POST',
    url: '/__mockta/clock/advance',
    headers: { ...json, origin: 'http://localhost:5173', 'sec-fetch-site': 'same-site' },
    payload: '{"seconds":1}',
  })
  t.equal(loopback.statusCode, 200, 'a page on a loopback host (its own JSON request was preflighted)')
  const link = await app.inject({ method: 'GET', url: '/__mockta/openapi.json', headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } })
  t.equal(link.statusCode, 200, 'a link followed from another site shows the document')
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/__mockta/clock/advance',
    headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  })
  t.equal(preflight.statusCode, 404, 'no preflight is answered')
  const cors = Object.keys(preflight.headers)
    .concat(Object.keys(own.headers))
    .filter((h) => h.startsWith('access-control-'))
  t.strictSame(cors, [], 'no CORS header, so a browser sends no cross-origin JSON')
})

t.test('the same token works for startMockta over HTTP', async (t) => {
  const mockta = await startMockta({ adminToken: 'tok' })
  t.teardown(() => mockta.close())
  t.match(await failure(httpControls(mockta.baseUrl).clock.now()), { statusCode: 401 })
  t.match(await httpControls(mockta.baseUrl, 'tok').clock.now(), { nowMs: Number })
  t.match(await mockta.clock.now(), { nowMs: Number }, 'the in-process handle needs no token')
})

t.test('start-up: off loopback the control API needs a token or an explicit trust declaration', async (t) => {
  t.throws(() => assertControlAccess('0.0.0.0', { journalSize: 1, trustNetwork: false }), ConfigError)
  t.throws(() => assertControlAccess('192.168.1.5', { journalSize: 1, trustNetwork: false }), { message: /MOCKTA_ADMIN_TOKEN/ })
  for (const host of ['127.0.0.1', '::1', 'localhost', '127.0.0.2']) t.doesNotThrow(() => assertControlAccess(host, { journalSize: 1, trustNetwork: false }), host)
  t.doesNotThrow(() => assertControlAccess('0.0.0.0', { journalSize: 1, trustNetwork: true }))
  t.doesNotThrow(() => assertControlAccess('0.0.0.0', { journalSize: 1, trustNetwork: false, adminToken: 'x' }))
  await t.rejects(startMockta({ host: '0.0.0.0' }), ConfigError, 'startMockta applies the same rule')
  t.equal(isLoopback('::ffff:127.0.0.1'), true)
  t.equal(isLoopback('10.0.0.1'), false)
})

t.test('bad requests: 400 with a clear JSON error, 415 for a write that is not JSON; unknown paths 404', async (t) => {
  const { app } = await buildTestApp(t)
  const notJson = await app.inject({ method: 'POST', url: '/__mockta/clock/advance', headers: { 'content-type': 'application/json' }, payload: '{"seconds":' })
  t.equal(notJson.statusCode, 400)
  t.same(notJson.json(), { error: 'bad_request', message: 'the body is not valid JSON' })
  const wrongType = await app.inject({ method: 'POST', url: '/__mockta/clock/advance', headers: { 'content-type': 'text/plain' }, payload: 'seconds=1' })
  t.equal(wrongType.statusCode, 415)
  t.match(wrongType.json(), { error: 'unsupported_media_type', message: /Content-Type: application\/json/ })
  t.match((await control(app, 'POST', '/clock/advance', [1, 2])).json(), { error: 'bad_request', message: /must be object/ })
  const unknown = await control(app, 'GET', '/time-machine')
  t.equal(unknown.statusCode, 404)
  t.match(unknown.json(), { error: 'not_found', message: /^no control endpoint GET \/__mockta\/time-machine; / })
})

t.test('the OAuth endpoints still take form bodies only', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/oauth2/default/v1/token', headers: { 'content-type': 'application/json' }, payload: '{"grant_type":"client_credentials"}' })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { error: 'invalid_request' })
})

t.test('OpenAPI: a 3.1 document listing every control route', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await control(app, 'GET', '/openapi.json')
  t.equal(res.statusCode, 200)
  const doc = res.json<{ openapi: string; paths: Record<string, Record<string, { summary: string }>>; components: { schemas: Record<string, unknown> } }>()
  t.equal(doc.openapi, '3.1.0')
  for (const route of controlRoutes) t.ok(doc.paths[`/__mockta${route.url}`]?.[route.method.toLowerCase()]?.summary, `${route.method} ${route.url}`)
  for (const name of ['user', 'client', 'authorizationServer', 'ControlError']) t.ok(doc.components.schemas[name], name)
  t.notOk(JSON.stringify(doc).includes('#/definitions/'), 'every reference resolves inside the document')
})

t.test('buildMockta exposes the control plane directly', async (t) => {
  const { app, control: plane } = await buildMockta(testConfig((c) => (c.logLevel = 'silent')))
  t.teardown(() => app.close())
  t.match(await plane.clock.now(), { nowMs: Number })
})
