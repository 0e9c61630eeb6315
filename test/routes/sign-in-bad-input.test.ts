/**
 * Bad input at the browser-facing endpoints (docs/reliability.md § G1): whatever the query, form or
 * cookies, /authorize, /mockta/sign-in, /logout and /userinfo answer 2xx–4xx, never 5xx, and never
 * echo a presented secret.
 */
import t from 'tap'
import fc from 'fast-check'
import { buildTestApp, DEFAULT_AS, FORM } from '../helpers/app.js'
import { authorizeParams, pkcePair } from '../helpers/authorize.js'

const NAMES = [
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'login_hint',
  'max_age',
  'tx',
  'username',
  'password',
  'demo_user',
  'id_token_hint',
  'post_logout_redirect_uri',
  'access_token',
]
const value = fc.oneof(
  fc.string(),
  fc.constantFrom('', '%', '%ZZ', '%E0%A4%A', 'none', 'login', 'code', 'S256', 'plain', '-1', '99999999999', 'spa-app', 'http://localhost:3000/login/callback'),
  fc.string({ unit: 'binary' }),
)
const params = fc.array(fc.tuple(fc.constantFrom(...NAMES), value), { maxLength: 12 })
const rawQuery = (pairs: Array<[string, string]>) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')

t.test('random parameters never produce a 5xx', async (t) => {
  const { app } = await buildTestApp(t)
  const { challenge } = pkcePair()
  const base = new URLSearchParams(authorizeParams(challenge)).toString()
  const cookie = fc.oneof(fc.constant(''), fc.string(), fc.constantFrom('mockta_sid=x', 'mockta_browser=%', 'mockta_sid=;mockta_sid=a', 'a=b; mockta_browser="q"'))
  await fc.assert(
    fc.asyncProperty(params, cookie, fc.boolean(), async (pairs, cookieHeader, withValid) => {
      const query = (withValid ? `${base}&` : '') + rawQuery(pairs)
      const headers = cookieHeader === '' ? {} : { cookie: cookieHeader.replace(/[\r\n]/g, '') }
      const responses = await Promise.all([
        app.inject({ method: 'GET', url: `${DEFAULT_AS}/authorize?${query}`, headers }),
        app.inject({ method: 'POST', url: `${DEFAULT_AS}/authorize`, headers: { ...FORM, ...headers }, payload: query }),
        app.inject({ method: 'POST', url: '/mockta/sign-in', headers: { ...FORM, ...headers }, payload: rawQuery(pairs) }),
        app.inject({ method: 'GET', url: `${DEFAULT_AS}/logout?${rawQuery(pairs)}`, headers }),
        app.inject({ method: 'POST', url: `${DEFAULT_AS}/userinfo`, headers: { ...FORM, ...headers }, payload: rawQuery(pairs) }),
      ])
      for (const res of responses) {
        if (res.statusCode >= 500) throw new Error(`${res.statusCode} ${res.body.slice(0, 200)}`)
      }
      const password = pairs.find(([k]) => k === 'password')?.[1]
      if (password !== undefined && password.length > 8 && responses[2]!.body.includes(password)) throw new Error('password echoed')
    }),
    { numRuns: 150 },
  )
  t.pass('no 5xx')
})
