/** Raw HTTP/1.1 over node:net, for framing that fetch and inject cannot send (docs/reliability.md § #5–#11). */
import { connect } from 'node:net'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface RawExchange {
  responses: RawResponse[]
  /** Whether the server closed the connection (rather than our timeout ending the exchange). */
  closedByServer: boolean
  ms: number
}

/** Splits what came back on one connection into responses (bodies by Content-Length). */
export function parseResponses(text: string): RawResponse[] {
  const out: RawResponse[] = []
  let rest = text
  while (true) {
    const start = rest.indexOf('HTTP/1.1 ')
    if (start === -1) break
    rest = rest.slice(start)
    const headEnd = rest.indexOf('\r\n\r\n')
    if (headEnd === -1) break
    const [statusLine, ...lines] = rest.slice(0, headEnd).split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
    }
    const length = Number(headers['content-length'] ?? 0)
    const status = Number(statusLine!.split(' ')[1])
    const bodyStart = headEnd + 4
    // 1xx answers have no body.
    const body = status < 200 ? '' : rest.slice(bodyStart, bodyStart + length)
    out.push({ status, headers, body })
    rest = rest.slice(bodyStart + (status < 200 ? 0 : length))
  }
  return out
}

/**
 * Writes `chunks` (with `gapMs` between them) and collects the answer until the server closes the
 * connection or `waitMs` passes. `abortAfterWrite` destroys the socket right after the last write.
 */
export function rawExchange(port: number, chunks: Array<string | Buffer>, options: { waitMs?: number; gapMs?: number; abortAfterWrite?: boolean } = {}): Promise<RawExchange> {
  const { waitMs = 3000, gapMs = 0, abortAfterWrite = false } = options
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const socket = connect({ host: '127.0.0.1', port })
    let received = ''
    let done = false
    const finish = (closedByServer: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ responses: parseResponses(received), closedByServer, ms: Date.now() - started })
    }
    const timer = setTimeout(() => finish(false), waitMs)
    socket.setEncoding('latin1').on('data', (s: string) => (received += s))
    socket.once('close', () => finish(true))
    socket.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? finish(true) : reject(err)))
    socket.once('connect', async () => {
      for (const [i, chunk] of chunks.entries()) {
        if (i > 0 && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs))
        if (socket.destroyed) return
        socket.write(chunk)
      }
      if (abortAfterWrite) finish(false)
    })
  })
}

/** A request head (and optional body) as raw text; `headers` are written verbatim, in order. */
export function rawRequest(method: string, path: string, headers: Array<[string, string]>, body = ''): string {
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`
}
