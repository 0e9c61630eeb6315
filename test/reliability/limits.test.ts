/**
 * Limits (docs/reliability.md § SP-8, C-16, #23): a full store refuses new grants with 503 + Retry-After in
 * the OAuth shape while existing sessions keep working; a body streamed chunked past the limit is cut
 * off with 413 without being buffered whole; idle keep-alive connections are closed after the
 * configured timeout.
 */
import t from 'tap'
import { SERVICE, basic, buildTestApp, post, refresh, signIn } from '../helpers/app.js'
import { checkAnswer } from '../helpers/g-rules.js'
import { startMockta } from '../helpers/listening-app.js'
import { rawExchange, rawRequest } from '../helpers/raw-http.js'
import { record } from '../helpers/report.js'

const CAPACITY = 20

t.test('a full store: new grants get 503 + Retry-After, existing families keep working (C-16)', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => (c.store.maxFamilies = CAPACITY) })
  const sessions = []
  for (let i = 0; i < CAPACITY; i++) sessions.push(await signIn(app, { scope: 'offline_access api:read' }))
  const refused = await post(app, 'token', { grant_type: 'password', client_id: 'native-app', username: 'alice@example.com', password: 'alice-password', scope: 'offline_access' })
  t.equal(refused.statusCode, 503, 'a new family is refused')
  t.equal(refused.headers['retry-after'], '60', 'with Retry-After')
  t.strictSame(refused.json(), { error: 'temporarily_unavailable', error_description: 'The authorization server cannot take new grants: its store is full.' })
  t.strictSame(checkAnswer('token', { status: refused.statusCode, headers: refused.headers, body: refused.body }, { injectedFault: true }), [], 'OAuth shape and no-store headers')
  let working = 0
  for (const s of sessions) if ((await refresh(app, s.refresh_token)).statusCode === 200) working++
  t.equal(working, CAPACITY, 'every existing family still refreshes')
  const cc = await post(app, 'token', { grant_type: 'client_credentials', scope: 'api:read' }, { authorization: basic(SERVICE.id, SERVICE.secret) })
  t.equal(cc.statusCode, 200, 'grants that keep no state still work')
  const noRefresh = await post(app, 'token', { grant_type: 'password', client_id: 'native-app', username: 'alice@example.com', password: 'alice-password', scope: 'openid' })
  t.equal(noRefresh.statusCode, 200, 'a sign-in without offline_access needs no room in the store')
  record('limit', {
    kind: 'store capacity',
    summary: `${CAPACITY} families: new grant 503 Retry-After ${refused.headers['retry-after']}, existing ${working}/${CAPACITY} working`,
    ok: refused.statusCode === 503 && working === CAPACITY,
  })
})

t.test('a chunked body streamed past the limit: 413 once the limit is crossed, not after buffering it all (#23)', async (t) => {
  const live = await startMockta(t)
  const port = Number(new URL(live.base).port)
  const chunk = `${(64 * 1024).toString(16)}\r\n${'a'.repeat(64 * 1024)}\r\n`
  const head = rawRequest('POST', '/oauth2/default/v1/token', [
    ['Content-Type', 'application/x-www-form-urlencoded'],
    ['Authorization', basic(SERVICE.id, SERVICE.secret)],
    ['Transfer-Encoding', 'chunked'],
  ])
  // 1,600 chunks of 64 KiB would be 100 MB; the answer must come long before they are all sent.
  const chunks = [head, ...Array.from({ length: 1600 }, () => chunk)]
  const memoryBefore = process.memoryUsage().rss
  const ex = await rawExchange(port, chunks, { waitMs: 20_000, gapMs: 1 })
  const grewMb = (process.memoryUsage().rss - memoryBefore) / 1e6
  t.equal(ex.responses[0]?.status, 413, '413')
  t.equal(JSON.parse(ex.responses[0]?.body ?? '{}').error, 'invalid_request', 'in the OAuth shape')
  record('limit', { kind: 'body limit (chunked stream)', summary: `413 after ${ex.ms} ms, rss growth ${grewMb.toFixed(1)} MB`, ok: ex.responses[0]?.status === 413 })
})

t.test('an idle keep-alive connection is closed after keepAliveTimeout', async (t) => {
  const live = await startMockta(t, { change: (c) => (c.limits.keepAliveTimeoutSeconds = 1) })
  const port = Number(new URL(live.base).port)
  const ex = await rawExchange(port, [rawRequest('GET', '/oauth2/default/v1/keys', [])], { waitMs: 8000 })
  t.equal(ex.responses[0]?.status, 200)
  t.ok(ex.closedByServer, `closed by the server after ${ex.ms} ms idle`)
  record('limit', { kind: 'keep-alive timeout', summary: `idle connection closed after ${ex.ms} ms (configured 1 s)`, ok: ex.closedByServer })
})
