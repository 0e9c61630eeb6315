/**
 * Load on loopback (docs/reliability.md § 4 "load"), kept short for the CI budget: each scenario runs
 * LOAD_SECONDS (default 2) with 64 connections against an in-process server. Errors and non-2xx
 * answers gate; throughput and latency are printed in the report but never asserted (no timing
 * assertions in tests: the full measurement is `npm run bench`).
 */
import autocannon from 'autocannon'
import t from 'tap'
import { SERVICE, WEB, basic } from '../helpers/app.js'
import { passwordGrant, startMockta } from '../helpers/listening-app.js'
import { refreshPolicy } from '../helpers/refresh-family.js'
import { record } from '../helpers/report.js'

const SECONDS = Number(process.env['LOAD_SECONDS'] ?? 2)
const CONNECTIONS = 64

t.test('short load: no errors at c=64 on every core endpoint', async (t) => {
  const live = await startMockta(t, { change: refreshPolicy('web-app', { rotation: 'static' }), quiet: true })
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  const service = { ...form, authorization: basic(SERVICE.id, SERVICE.secret) }
  const cc = await fetch(`${live.base}/oauth2/default/v1/token`, { method: 'POST', headers: service, body: 'grant_type=client_credentials&scope=api%3Aread' })
  const accessToken = ((await cc.json()) as { access_token: string }).access_token
  const { refresh_token } = await passwordGrant(live.base, { clientId: WEB.id, secret: WEB.secret, scope: 'offline_access api:read' })
  const scenarios: Array<[string, autocannon.Options]> = [
    ['/token client_credentials', { method: 'POST', url: `${live.base}/oauth2/default/v1/token`, headers: service, body: 'grant_type=client_credentials&scope=api%3Aread' }],
    [
      '/token refresh_token',
      {
        method: 'POST',
        url: `${live.base}/oauth2/default/v1/token`,
        headers: { ...form, authorization: basic(WEB.id, WEB.secret) },
        body: `grant_type=refresh_token&refresh_token=${refresh_token}`,
      },
    ],
    ['/introspect', { method: 'POST', url: `${live.base}/oauth2/default/v1/introspect`, headers: service, body: `token=${accessToken}` }],
    ['/keys', { method: 'GET', url: `${live.base}/oauth2/default/v1/keys` }],
  ]
  for (const [name, options] of scenarios) {
    const result = await autocannon({ ...options, connections: CONNECTIONS, duration: SECONDS })
    const errors = result.errors + result.timeouts + result.non2xx
    record('load', {
      name,
      seconds: SECONDS,
      connections: CONNECTIONS,
      rps: result.requests.average,
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
      errors,
      requests: result.requests.total,
    })
    t.comment(`${name}: rps ${result.requests.average} p99 ${result.latency.p99} ms errors ${errors}`)
    t.equal(errors, 0, `${name}: no errors in ${result.requests.total} requests`)
  }
})
