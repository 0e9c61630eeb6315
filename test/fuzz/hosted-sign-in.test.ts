/**
 * Fuzzing the hosted widget page's endpoints (docs/sign-in-widget.md § hosted): any query and cookie
 * at /login/token/redirect, and any path under the widget's assets, get the expired-sign-in page or a
 * 404, never a 5xx, never a redirect, never a value they were sent.
 */
import fc from 'fast-check'
import t from 'tap'
import { findSignInWidget } from '../../src/sign-in-widget.js'
import { buildTestApp } from '../helpers/app.js'
import { authorize, authorizeParams, Cookies, pkcePair } from '../helpers/authorize.js'
import { count, newTally, runProperty } from '../helpers/fuzz.js'

const MARKER = 'FUZZ-MARK'
/** Paths are logged (without their queries), cookies never: each gets a marker of its own. */
const PATH_MARKER = 'FUZZ-PATH'

t.test('/login/token/redirect and the widget assets: any request gets a page or a 404', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => (c.signIn.page = 'okta-widget') })
  const cookies = new Cookies()
  const page = await authorize(app, authorizeParams(pkcePair().challenge), cookies)
  const stateToken = /"stateToken":"([^"]+)"/.exec(page.body)![1]!
  const assets = `/assets/js/sdk/okta-signin-widget/${findSignInWidget()!.version}`
  const tally = newTally()
  const marked = fc.string({ maxLength: 40 }).map((s) => `${MARKER}${s}`)
  const token = fc.oneof(fc.constant(stateToken), marked, fc.constantFrom('', '%', '%ZZ', 'x'.repeat(3000), `${stateToken}&stateToken=${stateToken}`))
  const query = fc.array(fc.tuple(fc.constantFrom('stateToken', 'stateHandle', 'foo', 'stateToken[]'), token), { maxLength: 3 })
  const cookie = fc.oneof(
    fc.constant(cookies.header()['cookie'] ?? ''),
    marked.map((m) => `mockta_browser=${encodeURIComponent(m)}`),
    fc.constant(''),
  )
  const assetPath = fc.oneof(
    fc.constantFrom('js/okta-sign-in.min.js.map', '../package.json', '%2e%2e/%2e%2e/package.json', 'sass/', '..%2f..%2fpackage.json', '%00', '%2e%2e%2f'),
    fc.string({ maxLength: 40 }).map((s) => `${PATH_MARKER}${encodeURIComponent(s)}`),
  )
  await runProperty(
    t,
    'hosted-sign-in',
    [query, cookie, assetPath] as const,
    async (q, c, a) => {
      const url = `/login/token/redirect?${q.map(([k, v]) => `${k}=${v}`).join('&')}`
      const res = await app.inject({ url, headers: c === '' ? {} : { cookie: c } })
      count(tally, res)
      // The right stateToken and cookie still cannot end a sign-in that never succeeded.
      if (res.statusCode !== 400) throw new Error(`unexpected status ${res.statusCode}: ${res.body.slice(0, 200)}`)
      if (res.body.includes(MARKER)) throw new Error('a sent value repeated')
      const file = await app.inject({ url: `${assets}/${a}` })
      count(tally, file)
      if (file.statusCode !== 404) throw new Error(`asset ${a}: status ${file.statusCode}`)
      if (file.body.includes(PATH_MARKER)) throw new Error('a sent path repeated')
    },
    tally,
    { numRuns: 200 },
  )
})
