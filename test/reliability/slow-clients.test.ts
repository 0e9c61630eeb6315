/**
 * Slow clients (docs/security.md): headers trickled byte by byte are cut at
 * limits.headersTimeoutSeconds, a body at limits.bodyTimeoutSeconds from its first byte, with a 408
 * in the OAuth shape and the connection closed by the server, on the OAuth endpoints and the control
 * plane alike. The client here never closes on its own (half-open, still writing), as an attacker's
 * would not. Small timeouts (2 s) keep the test short; the report compares the cut-off times with them.
 */
import { connect } from 'node:net'
import t from 'tap'
import { SERVICE, basic } from '../helpers/app.js'
import { startMockta } from '../helpers/listening-app.js'
import { parseResponses, type RawResponse } from '../helpers/raw-http.js'
import { record } from '../helpers/report.js'

const HEADERS_SECONDS = 2
const BODY_SECONDS = 2
/** How long the client keeps trickling before giving up on the server: the test's bound. */
const GIVE_UP_MS = (Math.max(HEADERS_SECONDS, BODY_SECONDS) + 4) * 1000

interface Trickle {
  response: RawResponse | undefined
  /** Seconds from the first byte to the answer's arrival, and to the server closing the connection. */
  answeredAfter: number | undefined
  closedAfter: number | undefined
}

/** Writes `head`, then one byte every `gapMs` until the server closes the connection or the bound passes. */
function trickle(port: number, head: string, byte: string, gapMs = 400): Promise<Trickle> {
  return new Promise((resolve) => {
    const started = Date.now()
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true })
    let received = ''
    let answeredAfter: number | undefined
    const seconds = (): number => (Date.now() - started) / 1000
    const finish = (closed: boolean): void => {
      clearInterval(writer)
      clearTimeout(bound)
      socket.destroy()
      resolve({ response: parseResponses(received)[0], answeredAfter, closedAfter: closed ? seconds() : undefined })
    }
    socket.setEncoding('latin1').on('data', (chunk: string) => {
      answeredAfter ??= seconds()
      received += chunk
    })
    // EPIPE or ECONNRESET: the server is gone while we still write.
    socket.on('error', () => finish(true))
    socket.once('close', () => finish(true))
    socket.write(head)
    const writer = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write(byte)
    }, gapMs)
    const bound = setTimeout(() => finish(false), GIVE_UP_MS)
  })
}

const cases: Array<{ kind: 'slow headers' | 'slow body'; name: string; head: string; byte: string }> = [
  { kind: 'slow headers', name: 'OAuth keys', head: 'GET /oauth2/default/v1/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', byte: 'a' },
  { kind: 'slow headers', name: 'control plane', head: 'GET /__mockta/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', byte: 'a' },
  {
    kind: 'slow body',
    name: 'OAuth token (form)',
    head: `POST /oauth2/default/v1/token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basic(SERVICE.id, SERVICE.secret)}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngrant_type=`,
    byte: 'a',
  },
  {
    kind: 'slow body',
    name: 'OAuth token (chunked)',
    head: 'POST /oauth2/default/v1/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n',
    byte: '1\r\na\r\n',
  },
  {
    kind: 'slow body',
    name: 'control plane (JSON)',
    head: 'POST /__mockta/clock/advance HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"seconds":',
    byte: ' ',
  },
]

t.test('trickled headers and bodies get 408 in the OAuth shape, then the server closes the connection', async (t) => {
  const live = await startMockta(t, {
    change: (c) => {
      c.limits.headersTimeoutSeconds = HEADERS_SECONDS
      c.limits.bodyTimeoutSeconds = BODY_SECONDS
    },
  })
  const port = Number(new URL(live.base).port)
  const results = await Promise.all(cases.map((c) => trickle(port, c.head, c.byte)))
  for (const [i, c] of cases.entries()) {
    const result = results[i]!
    const what = `${c.kind}, ${c.name}`
    t.equal(result.response?.status, 408, `${what}: 408`)
    t.strictSame(JSON.parse(result.response?.body ?? '{}'), { error: 'invalid_request', error_description: 'The request did not arrive in time.' }, `${what}: OAuth shape`)
    t.equal(result.response?.headers['connection'], 'close', `${what}: Connection: close`)
    t.not(result.closedAfter, undefined, `${what}: closed by the server while the client kept writing`)
    const configured = c.kind === 'slow headers' ? HEADERS_SECONDS : BODY_SECONDS
    record('surface', {
      kind: c.kind,
      name: c.name,
      configuredSeconds: configured,
      answeredSeconds: result.answeredAfter,
      closedSeconds: result.closedAfter,
      status: result.response?.status,
      summary: `${c.name}: 408 after ${result.answeredAfter?.toFixed(2) ?? '-'} s, closed after ${result.closedAfter?.toFixed(2) ?? 'never'} s (configured ${configured} s)`,
    })
  }
})

t.test('a body that arrives in pieces within the time is served as usual', async (t) => {
  const live = await startMockta(t, { change: (c) => (c.limits.bodyTimeoutSeconds = BODY_SECONDS) })
  const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read' }).toString()
  const pieces = [body.slice(0, 10), body.slice(10, 20), body.slice(20)]
  const port = Number(new URL(live.base).port)
  const answer = await new Promise<RawResponse | undefined>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    let received = ''
    socket.setEncoding('latin1').on('data', (s: string) => (received += s))
    socket.once('close', () => resolve(parseResponses(received)[0]))
    socket.write(
      `POST /oauth2/default/v1/token HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: ${basic(SERVICE.id, SERVICE.secret)}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
    )
    pieces.forEach((piece, i) => setTimeout(() => socket.write(piece), 300 * (i + 1)))
  })
  t.equal(answer?.status, 200)
  t.match(JSON.parse(answer?.body ?? '{}'), { token_type: 'Bearer', access_token: String })
})
