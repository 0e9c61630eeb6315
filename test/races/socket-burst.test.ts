/**
 * Thousands of requests at once on real sockets (docs/reliability.md § C-14): 2,000 mixed requests over 512
 * connections, all opened together. No 5xx and no socket error on the client; the event-loop delay
 * (perf_hooks.monitorEventLoopDelay, client and server in one process) is reported, not asserted.
 */
import { Agent, request } from 'node:http'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import t from 'tap'
import { SERVICE, WEB, basic } from '../helpers/app.js'
import { passwordGrant, startMockta } from '../helpers/listening-app.js'
import { record } from '../helpers/report.js'

const REQUESTS = 2000
const SOCKETS = 512

t.test(`${REQUESTS} mixed requests over ${SOCKETS} sockets at once (C-14)`, async (t) => {
  const live = await startMockta(t)
  const url = new URL(live.base)
  const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS })
  t.teardown(() => agent.destroy())
  const sessions = await Promise.all(Array.from({ length: 50 }, () => passwordGrant(live.base, { scope: 'offline_access api:read' })))
  const service = basic(SERVICE.id, SERVICE.secret)
  const web = basic(WEB.id, WEB.secret)
  const send = (method: string, path: string, body: string, authorization?: string) =>
    new Promise<number>((resolve, reject) => {
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) }
      if (authorization) headers['authorization'] = authorization
      const req = request({ host: url.hostname, port: url.port, method, path, agent, headers }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      req.on('error', reject)
      req.end(body)
    })
  const mixed = (i: number): Promise<number> => {
    const s = sessions[i % sessions.length]!
    switch (i % 5) {
      case 0:
        return send('POST', '/oauth2/default/v1/token', 'grant_type=client_credentials&scope=api%3Aread', service)
      case 1:
        return send('POST', '/oauth2/default/v1/token', `grant_type=refresh_token&client_id=native-app&refresh_token=${s.refresh_token}`)
      case 2:
        return send('POST', '/oauth2/default/v1/introspect', `token=${s.access_token}`, web)
      case 3:
        return send('GET', '/oauth2/default/v1/keys', '')
      default:
        return send('POST', '/oauth2/default/v1/token', 'grant_type=refresh_token&refresh_token=junk', web)
    }
  }
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  const results = await Promise.allSettled(Array.from({ length: REQUESTS }, (_, i) => mixed(i)))
  delay.disable()
  const socketErrors = results.filter((r) => r.status === 'rejected').length
  const statuses = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const serverErrors = statuses.filter((s) => s >= 500).length
  const p99 = delay.percentile(99) / 1e6
  record('limit', {
    kind: 'socket burst (C-14)',
    summary: `${REQUESTS} requests over ${SOCKETS} sockets: 5xx ${serverErrors}, socket errors ${socketErrors}, event-loop delay p99 ${p99.toFixed(0)} ms (not gated)`,
    ok: serverErrors + socketErrors === 0,
  })
  t.comment(
    `C-14: statuses ${JSON.stringify(Object.fromEntries([...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length])))} event-loop p99 ${p99.toFixed(1)} ms`,
  )
  t.equal(socketErrors, 0, 'no socket errors on the client')
  t.equal(serverErrors, 0, 'no 5xx')
  t.ok(
    statuses.every((s) => s === 200 || s === 400),
    'every answer a 200 or an OAuth 400',
  )
})
