/**
 * Fuzzing /token (docs/reliability.md § 1, SP-3, SP-9): generated forms, duplicates, encodings and headers.
 * Every answer must pass G1–G4 (helpers/g-rules.ts); the universal leak canaries check the logs.
 */
import fc from 'fast-check'
import t from 'tap'
import { DEFAULT_AS, FORM, SERVICE, basic, buildTestApp, post, signIn } from '../helpers/app.js'
import { presentedBy } from '../helpers/canary.js'
import { count, newTally, runProperty } from '../helpers/fuzz.js'
import { checkAnswer } from '../helpers/g-rules.js'
import { auth, authHeader, encodeParams, encoding, params, reencoded, fixtures, parsedBody, resolve } from './arbitraries.js'

t.test('/token: any generated form and credentials get a well-formed answer, never a 5xx (G1–G4)', async (t) => {
  const app = await buildTestApp(t)
  const f = await fixtures(app)
  const tally = newTally()
  // Each run starts from a valid request of some grant, then drops a parameter and adds generated ones,
  // so answers span success and every rejection, not just the first check that fails.
  const bases: Record<string, { list: Array<[string, string]>; auth: Record<string, string> }> = {
    cc: {
      list: [
        ['grant_type', 'client_credentials'],
        ['scope', 'api:read'],
      ],
      auth: { authorization: basic(SERVICE.id, SERVICE.secret) },
    },
    password: {
      list: [
        ['grant_type', 'password'],
        ['username', 'alice@example.com'],
        ['password', 'alice-password'],
        ['scope', 'openid offline_access'],
      ],
      auth: authHeader('web'),
    },
    refresh: {
      list: [
        ['grant_type', 'refresh_token'],
        ['client_id', 'native-app'],
        ['refresh_token', f.nativeRT],
      ],
      auth: {},
    },
    none: { list: [], auth: {} },
  }
  const base = fc.constantFrom(...Object.keys(bases))
  await runProperty(
    t,
    'token-form',
    [base, fc.option(fc.nat(), { freq: 3 }), params, fc.option(auth, { freq: 2 }), encoding] as const,
    async (b, drop, extra, a, how) => {
      const start = bases[b]!
      const list = start.list.filter((_, i) => drop === null || i !== drop % Math.max(1, start.list.length))
      for (const [k, v] of extra) list.push([k, resolve(v, f)])
      const payload = encodeParams(list, how)
      const headers = { ...FORM, ...(a === null ? start.auth : authHeader(a)) }
      const res = await app.app.inject({ method: 'POST', url: `${DEFAULT_AS}/token`, headers, payload })
      count(tally, res)
      const violations = checkAnswer(
        'token',
        { status: res.statusCode, headers: res.headers, body: res.body },
        { presented: presentedBy(headers, parsedBody(payload), {}), sentAuthorization: 'authorization' in headers },
      )
      if (violations.length) throw new Error(`${res.statusCode} ${res.body.slice(0, 200)}: ${JSON.stringify(violations)}`)
      if (![200, 400, 401, 413].includes(res.statusCode)) throw new Error(`unexpected status ${res.statusCode}`)
      if (res.statusCode === 200 && res.json<{ token_type?: string }>().token_type !== 'Bearer') throw new Error(`a 200 without a token: ${res.body}`)
    },
    tally,
  )
})

t.test('duplicating any parameter of a valid refresh gives 400 invalid_request and consumes nothing (SP-9, G5)', async (t) => {
  const app = await buildTestApp(t)
  const { refresh_token } = await signIn(app.app, { client: 'web-app' })
  const valid: Array<[string, string]> = [
    ['grant_type', 'refresh_token'],
    ['refresh_token', refresh_token],
    ['scope', 'openid offline_access'],
    ['redirect_uri', 'http://localhost:3000/callback'],
  ]
  const tally = newTally()
  await runProperty(
    t,
    'duplicate-params',
    [fc.nat({ max: valid.length - 1 }), fc.string({ maxLength: 20 }), fc.nat(), fc.boolean()] as const,
    async (which, other, position, viaBody) => {
      const [name] = valid[which]!
      const list = [...valid]
      list.splice(position % (list.length + 1), 0, [name, other === '' ? valid[which]![1] : other])
      const headers: Record<string, string> = { ...FORM }
      if (viaBody) list.push(['client_id', 'web-app'], ['client_secret', 'web-app-secret'])
      else headers['authorization'] = basic('web-app', 'web-app-secret')
      const res = await app.app.inject({ method: 'POST', url: `${DEFAULT_AS}/token`, headers, payload: encodeParams(list, 'form') })
      count(tally, res)
      if (res.statusCode !== 400 || res.json<{ error: string }>().error !== 'invalid_request') throw new Error(`${res.statusCode} ${res.body}`)
      const still = await post(app.app, 'introspect', { token: refresh_token, client_id: 'web-app', client_secret: 'web-app-secret' })
      if (still.json<{ active: boolean }>().active !== true) throw new Error('the refresh token was consumed')
    },
    tally,
  )
  // The token is still the live one: its refresh works.
  const res = await post(app.app, 'token', { grant_type: 'refresh_token', refresh_token }, { authorization: basic('web-app', 'web-app-secret') })
  t.equal(res.statusCode, 200, 'still usable after every duplicated request')
})

t.test('any percent-encoding of a valid request is the same request (RFC 6749 Appendix B)', async (t) => {
  const app = await buildTestApp(t)
  const tally = newTally()
  const pairs = [
    ['grant_type', 'client_credentials'],
    ['scope', 'api:read api:write'],
    ['client_id', SERVICE.id],
    ['client_secret', SERVICE.secret],
  ] as const
  const encodedPairs = fc.tuple(...pairs.map(([k, v]) => fc.tuple(reencoded(k), reencoded(v))))
  await runProperty(
    t,
    'encodings',
    [encodedPairs, fc.array(fc.tuple(fc.constantFrom('foo', 'bar', 'state'), fc.string({ maxLength: 10 })), { maxLength: 3 })] as const,
    async (encoded, unknown) => {
      const payload = [...encoded.map(([k, v]) => `${k}=${v}`), ...unknown.map(([k, v]) => `${k}=${encodeURIComponent(v)}`)].join('&')
      const res = await app.app.inject({ method: 'POST', url: `${DEFAULT_AS}/token`, headers: FORM, payload })
      count(tally, res)
      if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body} for ${payload}`)
    },
    tally,
  )
})

t.test('arbitrary extra headers on a valid request change nothing or give an OAuth 4xx', async (t) => {
  const app = await buildTestApp(t)
  const tally = newTally()
  const names = fc.constantFrom(
    'user-agent',
    'accept',
    'accept-encoding',
    'origin',
    'cookie',
    'x-forwarded-for',
    'x-request-id',
    'content-language',
    'forwarded',
    'x-http-method-override',
    'referer',
    'accept-language',
  )
  const headerValue = fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\x20-\x7e]/g, '').trim())
  await runProperty(
    t,
    'headers',
    [fc.array(fc.tuple(names, headerValue), { maxLength: 6 })] as const,
    async (extra) => {
      const headers: Record<string, string> = { ...FORM, authorization: basic(SERVICE.id, SERVICE.secret) }
      for (const [k, v] of extra) headers[k] = v
      const res = await app.app.inject({ method: 'POST', url: `${DEFAULT_AS}/token`, headers, payload: 'grant_type=client_credentials&scope=api%3Aread' })
      count(tally, res)
      const violations = checkAnswer('token', { status: res.statusCode, headers: res.headers, body: res.body }, { sentAuthorization: true })
      // An Origin header makes it a browser request, which Okta refuses from an origin no client redirects to (docs/okta-behaviour.md § 10).
      const refusedBrowser = extra.some(([k]) => k === 'origin') && res.statusCode === 400 && res.json<{ error: string }>().error === 'invalid_request'
      if (violations.length || (res.statusCode !== 200 && !refusedBrowser)) throw new Error(`${res.statusCode} ${res.body}: ${JSON.stringify(violations)}`)
    },
    tally,
  )
})
