/**
 * The bad-input catalogue's method, path and framing rows (docs/reliability.md § 1A, #1–#11) on a real
 * 127.0.0.1 socket, raw node:net writes where inject cannot express the framing. Every variant also gets
 * G1 (no 5xx; an answer, or a 400/408 and a close), G2 (OAuth shape for JSON errors), G6 (a happy
 * request afterwards succeeds) and G9 (nothing sensitive in the logs).
 */
import { gzipSync } from 'node:zlib'
import t from 'tap'
import { SERVICE, basic, memoryLogger } from '../helpers/app.js'
import { CanaryWatch, findCanaries } from '../helpers/canary.js'
import { checkAnswer, endpointOf, type Violation } from '../helpers/g-rules.js'
import { passwordGrant, startMockta, type LiveMockta } from '../helpers/listening-app.js'
import { rawExchange, rawRequest, type RawExchange } from '../helpers/raw-http.js'
import { record } from '../helpers/report.js'

const TOKEN = '/oauth2/default/v1/token'
const CC = 'grant_type=client_credentials&scope=api%3Aread'
const AUTH = basic(SERVICE.id, SERVICE.secret)
const FORM: Array<[string, string]> = [['Content-Type', 'application/x-www-form-urlencoded']]
const REQUEST_TIMEOUT_SECONDS = 2

interface Live extends LiveMockta {
  port: number
  logs: () => string
  canaries: CanaryWatch
}

interface SocketRow {
  case: string
  variant: string
  run: (live: Live) => Promise<RawExchange>
  /** What is wrong with the exchange, if anything (the row's own expectation). */
  check: (ex: RawExchange, live: Live) => Promise<string | undefined> | string | undefined
  /** No answer is owed (the client went away). */
  noAnswerOwed?: boolean
  departure?: string
}

const ccRequest = (headers: Array<[string, string]> = [], path = TOKEN, body = CC) =>
  rawRequest('POST', path, [...FORM, ['Authorization', AUTH], ['Content-Length', String(Buffer.byteLength(body))], ...headers], body)

const statuses = (ex: RawExchange) => ex.responses.map((r) => r.status)
const expectStatus = (wanted: number, error?: string) => (ex: RawExchange) => {
  const first = ex.responses[0]
  if (!first) return 'no response'
  if (first.status !== wanted) return `status ${first.status}, expected ${wanted}: ${first.body.slice(0, 120)}`
  if (error !== undefined && JSON.parse(first.body).error !== error) return `error ${first.body}`
  return undefined
}
const expectRejectedAndClosed = (ex: RawExchange) => {
  const first = ex.responses[0]
  if (first?.status !== 400) return `expected 400, got ${statuses(ex).join(',') || 'nothing'}`
  return ex.closedByServer ? undefined : 'the connection stayed open'
}

const rows: SocketRow[] = []
for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
  rows.push({
    case: '#1',
    variant: `${method} /token`,
    run: (l) => rawExchange(l.port, [rawRequest(method, TOKEN, [['Connection', 'close']])]),
    check: (ex) => expectStatus(405, 'invalid_request')(ex) ?? (ex.responses[0]!.headers['allow'] === 'POST' ? undefined : 'no Allow: POST'),
  })
}
rows.push({
  case: '#2',
  variant: 'GET /introspect?token=<live AT>: 405, and the token is not in the log',
  run: async (l) => {
    const { access_token } = await passwordGrant(l.base)
    l.canaries.add(access_token)
    return rawExchange(l.port, [rawRequest('GET', `/oauth2/default/v1/introspect?token=${access_token}`, [['Connection', 'close']])])
  },
  check: (ex, l) => expectStatus(405, 'invalid_request')(ex) ?? (findCanaries(l.logs(), l.canaries.canaries).length ? 'a token reached the log' : undefined),
})
for (const path of [`${TOKEN}/`, '/oauth2/default/v1/TOKEN', '/oauth2/default/v1//token']) {
  rows.push({
    case: '#3',
    variant: `POST ${path}`,
    run: async (l) =>
      rawExchange(l.port, [
        ccRequest([['Connection', 'close']], path, 'grant_type=password&client_id=native-app&username=alice%40example.com&password=alice-password&scope=offline_access'),
      ]),
    check: async (ex, l) => expectStatus(404, 'invalid_request')(ex) ?? ((await l.ctx.store.stats()).families === 0 ? undefined : 'a token was issued'),
  })
}
rows.push({
  case: '#4',
  variant: 'unknown authorization server /oauth2/nope/v1/token',
  run: (l) => rawExchange(l.port, [ccRequest([['Connection', 'close']], '/oauth2/nope/v1/token')]),
  check: (ex) => expectStatus(404)(ex) ?? (JSON.parse(ex.responses[0]!.body).errorCode === 'E0000007' ? undefined : 'not Okta’s E0000007 body'),
  departure: 'bar: 404 OAuth JSON; Okta: 404 with its API error body E0000007',
})
rows.push({
  case: '#5',
  variant: 'a 20 KB Authorization header',
  run: (l) => rawExchange(l.port, [ccRequest([['X-Pad', 'p'.repeat(20_000)]])]),
  check: (ex) => expectStatus(431)(ex) ?? (ex.closedByServer ? undefined : 'the connection stayed open'),
})
const smuggling: Array<[string, string]> = [
  [
    'Transfer-Encoding: chunked plus Content-Length',
    `POST ${TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
  ],
  [
    'two different Content-Length',
    `POST ${TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4\r\nContent-Length: 9\r\n\r\na=b&c=d&e`,
  ],
  ['a bad chunk size', `POST ${TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`],
  ['an obs-fold header line', `POST ${TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Folded: a\r\n  b\r\nContent-Length: 3\r\n\r\na=b`],
  ['a NUL in a header', `POST ${TOKEN} HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\nContent-Length: 0\r\n\r\n`],
]
for (const [variant, raw] of smuggling) rows.push({ case: '#6', variant, run: (l) => rawExchange(l.port, [raw]), check: expectRejectedAndClosed })
rows.push({
  case: '#7',
  variant: `slowloris: Content-Length larger than the body, then stall (requestTimeout ${REQUEST_TIMEOUT_SECONDS} s)`,
  run: async (l) => {
    const stalled = rawExchange(l.port, [rawRequest('POST', TOKEN, [...FORM, ['Authorization', AUTH], ['Content-Length', '100']], 'grant_type=')], {
      waitMs: (REQUEST_TIMEOUT_SECONDS + 5) * 1000,
    })
    // Other clients are unaffected while it stalls.
    const other = await fetch(`${l.base}${TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: AUTH }, body: CC })
    const ex = await stalled
    return other.status === 200 ? ex : { ...ex, responses: [{ status: 599, headers: {}, body: 'another client was affected' }] }
  },
  check: (ex) => {
    if (!ex.closedByServer) return 'the stalled connection was never closed'
    const status = ex.responses[0]?.status
    return status === undefined || status === 408 ? undefined : `status ${status}`
  },
  noAnswerOwed: true,
})
rows.push({
  case: '#8',
  variant: 'Content-Length smaller than the body',
  run: (l) => rawExchange(l.port, [rawRequest('POST', TOKEN, [...FORM, ['Authorization', AUTH], ['Content-Length', '10']], `${CC}&junk=${'j'.repeat(40)}`)]),
  check: (ex) => (ex.responses.some((r) => r.status === 400) ? undefined : `expected a 400, got ${statuses(ex).join(',')}`),
})
rows.push({
  case: '#9',
  variant: 'the client aborts in the middle of a refresh body: nothing consumed',
  run: async (l) => {
    const { refresh_token } = await passwordGrant(l.base)
    ;(l as Live & { rt?: string }).rt = refresh_token
    const body = `grant_type=refresh_token&client_id=native-app&refresh_token=${refresh_token}`
    const head = rawRequest('POST', TOKEN, [...FORM, ['Content-Length', String(body.length)]])
    return rawExchange(l.port, [head, body.slice(0, 30)], { gapMs: 20, abortAfterWrite: true })
  },
  check: async (ex, l) => {
    if (ex.responses.length) return `an answer to an aborted request: ${statuses(ex).join(',')}`
    const rt = (l as Live & { rt?: string }).rt!
    const res = await fetch(`${l.base}${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'native-app', refresh_token: rt }),
    })
    return res.status === 200 ? undefined : `the refresh token was consumed: ${res.status}`
  },
  noAnswerOwed: true,
})
for (const [encoding, body] of [
  ['gzip', gzipSync(CC)],
  ['br', Buffer.from(CC)],
  ['deflate', Buffer.from(CC)],
] as const) {
  rows.push({
    case: '#10',
    variant: `Content-Encoding: ${encoding}`,
    run: (l) =>
      rawExchange(l.port, [
        Buffer.concat([
          Buffer.from(
            rawRequest('POST', TOKEN, [...FORM, ['Authorization', AUTH], ['Content-Encoding', encoding], ['Content-Length', String(body.length)], ['Connection', 'close']]),
          ),
          body,
        ]),
      ]),
    check: expectStatus(400, 'invalid_request'),
  })
}
rows.push({
  case: '#11',
  variant: 'a bad request then a good one, pipelined on one keep-alive connection',
  run: (l) =>
    rawExchange(l.port, [
      rawRequest(
        'POST',
        TOKEN,
        [
          ['Content-Type', 'application/json'],
          ['Authorization', AUTH],
          ['Content-Length', '2'],
        ],
        '{}',
      ) + ccRequest([['Connection', 'close']]),
    ]),
  check: (ex) => (statuses(ex).join(',') === '400,200' ? undefined : `expected 400 then 200, got ${statuses(ex).join(',')}`),
})
rows.push({
  case: '#20',
  variant: 'two Content-Type headers (form, then JSON) on the wire',
  run: (l) =>
    rawExchange(l.port, [
      ccRequest([
        ['Content-Type', 'application/json'],
        ['Connection', 'close'],
      ]),
    ]),
  check: expectStatus(400, 'invalid_request'),
})
rows.push({
  case: '#41',
  variant: 'two Authorization headers on the wire',
  run: (l) =>
    rawExchange(l.port, [
      ccRequest([
        ['Authorization', basic('web-app', 'web-app-secret')],
        ['Connection', 'close'],
      ]),
    ]),
  check: expectStatus(400, 'invalid_request'),
})

async function healthy(l: Live): Promise<boolean> {
  const res = await fetch(`${l.base}${TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: AUTH }, body: CC })
  return res.status === 200
}

for (const row of rows) {
  t.test(`${row.case} ${row.variant}`, async (t) => {
    const { logger, logs } = memoryLogger()
    const canaries = new CanaryWatch([SERVICE.secret, 'alice-password'])
    const live = await startMockta(t, { logger, change: (c) => (c.limits.requestTimeoutSeconds = REQUEST_TIMEOUT_SECONDS), beforeListen: (app) => canaries.attach(app) })
    const port = Number(new URL(live.base).port)
    const l: Live = { ...live, port, logs, canaries }
    const ex = await row.run(l)
    const failure = await row.check(ex, l)
    const violations: Violation[] = []
    if (ex.responses.some((r) => r.status >= 500)) violations.push({ rule: 'G1', detail: `status ${statuses(ex).join(',')}` })
    if (!row.noAnswerOwed && ex.responses.length === 0) violations.push({ rule: 'G1', detail: 'no response' })
    for (const r of ex.responses) {
      if (r.status >= 400 && r.status < 500) violations.push(...checkAnswer(endpointOf(TOKEN), r).filter((v) => v.rule === 'G2'))
    }
    if (!(await healthy(l))) violations.push({ rule: 'G6', detail: 'the happy path failed afterwards' })
    await live.app.close()
    const { logHits, responseHits } = canaries.check(logs())
    if (logHits.length + responseHits.length) violations.push({ rule: 'G9', detail: `${logHits.length} log hits` })
    const ok = failure === undefined && violations.length === 0
    record('catalogue', {
      case: row.case,
      variant: `${row.variant} (socket)`,
      ok,
      violations: [...new Set(violations.map((v) => v.rule))],
      ms: ex.ms,
      departure: row.departure !== undefined,
    })
    t.ok(ok, `${row.case} ${row.variant}`, { failure, violations, statuses: statuses(ex), closedByServer: ex.closedByServer })
  })
}
