/**
 * Fuzzing /introspect, /revoke, /keys and raw bodies on every POST endpoint (docs/reliability.md § 1, SP-3,
 * SP-12): G1–G4 on every answer, exactly `{"active":false}` for inactive tokens, an empty 200 from
 * /revoke, a hygienic JWKS.
 */
import fc from 'fast-check'
import t from 'tap'
import { DEFAULT_AS, FORM, buildTestApp } from '../helpers/app.js'
import { presentedBy } from '../helpers/canary.js'
import { count, newTally, runProperty } from '../helpers/fuzz.js'
import { checkAnswer, type Endpoint } from '../helpers/g-rules.js'
import { auth, authHeader, encodeParams, encoding, params, fixtures, parsedBody, resolve } from './arbitraries.js'

const tokenParam = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('nativeRT', 'nativeAT', 'webRT', 'webAT', 'webID').map((real) => ({ real }) as const) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((literal) => ({ literal })) },
)

for (const endpoint of ['introspect', 'revoke'] as const) {
  t.test(`/${endpoint}: any generated form and credentials get a well-formed answer (G1–G4, SP-12)`, async (t) => {
    const app = await buildTestApp(t)
    const f = await fixtures(app)
    const tally = newTally()
    await runProperty(
      t,
      `${endpoint}-form`,
      [fc.option(tokenParam, { freq: 4 }), params, fc.option(auth, { freq: 2 }), encoding] as const,
      async (token, extra, a, how) => {
        const list: Array<[string, string]> = token === null ? [] : [['token', resolve(token, f)]]
        for (const [k, v] of extra) list.push([k, resolve(v, f)])
        const payload = encodeParams(list, how)
        const headers = { ...FORM, ...authHeader(a ?? 'web') }
        const res = await app.app.inject({ method: 'POST', url: `${DEFAULT_AS}/${endpoint}`, headers, payload })
        count(tally, res)
        const violations = checkAnswer(
          endpoint,
          { status: res.statusCode, headers: res.headers, body: res.body },
          { presented: presentedBy(headers, parsedBody(payload), {}), sentAuthorization: 'authorization' in headers },
        )
        if (violations.length) throw new Error(`${res.statusCode} ${res.body.slice(0, 200)}: ${JSON.stringify(violations)}`)
        if (![200, 400, 401, 413].includes(res.statusCode)) throw new Error(`unexpected status ${res.statusCode}`)
        if (res.statusCode === 200 && endpoint === 'revoke' && res.body !== '') throw new Error(`a revoke answer with a body: ${res.body}`)
        if (res.statusCode === 200 && endpoint === 'introspect') {
          const body = res.json<Record<string, unknown>>()
          if (body['active'] === false && res.body !== '{"active":false}') throw new Error(`an inactive answer with more members: ${res.body}`)
          if (body['active'] !== false && body['active'] !== true) throw new Error(`no active member: ${res.body}`)
        }
      },
      tally,
    )
  })
}

t.test('/keys: any method, query and server gets the JWKS, a 405 or a 404 — never a private member', async (t) => {
  const app = await buildTestApp(t)
  const tally = newTally()
  const method: fc.Arbitrary<string> = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS')
  const server = fc.constantFrom('/oauth2/default/v1', '/oauth2/v1', '/oauth2/nope/v1', '/oauth2/default/v1/')
  const query = fc.array(fc.tuple(fc.constantFrom('client_id', 'kid', 'foo', '__proto__'), fc.string({ maxLength: 300 })), { maxLength: 3 })
  await runProperty(
    t,
    'keys',
    [method, server, query] as const,
    async (m, s, q) => {
      const search = q.length ? `?${encodeParams(q, 'uri')}` : ''
      const res = await app.app.inject({ method: m as 'GET', url: `${s}/keys${search}` })
      count(tally, res)
      // A HEAD answer has no body to check.
      const violations = m === 'HEAD' ? [] : checkAnswer('keys', { status: res.statusCode, headers: res.headers, body: res.body })
      if (violations.length) throw new Error(`${res.statusCode} ${res.body.slice(0, 200)}: ${JSON.stringify(violations)}`)
      const known = s === '/oauth2/default/v1' || s === '/oauth2/v1'
      const read = m === 'GET' || m === 'HEAD'
      // An unknown server with a method /keys never serves may be told either (the method check comes first).
      const wanted = known ? [read ? 200 : 405] : read ? [404] : [404, 405]
      if (!wanted.includes(res.statusCode)) throw new Error(`${m} ${s}/keys: ${res.statusCode}, expected ${wanted.join(' or ')}`)
      if (res.statusCode === 200 && m === 'GET' && /"(d|p|q|dp|dq|qi|k)":/.test(res.body)) throw new Error('a private key member')
    },
    tally,
  )
})

t.test('raw bodies of any bytes and media type on every POST endpoint: never a 5xx (G1, G2, G4)', async (t) => {
  const app = await buildTestApp(t)
  const tally = newTally()
  const endpoint = fc.constantFrom<Endpoint>('token', 'introspect', 'revoke')
  const contentType = fc.option(
    fc.oneof(
      fc.constantFrom(
        'application/x-www-form-urlencoded',
        'application/x-www-form-urlencoded; charset=utf-8',
        'application/json',
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        'application/x-www-form-urlencoded; charset=bogus',
      ),
      fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
    ),
    { freq: 6 },
  )
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
    fc.string({ unit: 'binary', maxLength: 500 }).map((s) => Buffer.from(s)),
    fc.string({ maxLength: 500 }).map((s) => Buffer.from(s)),
  )
  await runProperty(
    t,
    'raw-bodies',
    [endpoint, contentType, body, fc.option(auth, { freq: 2 })] as const,
    async (e, type, payload, a) => {
      const headers: Record<string, string> = { ...authHeader(a ?? 'web') }
      if (type !== null) headers['content-type'] = type
      const res = await app.app.inject({ method: 'POST', url: `${DEFAULT_AS}/${e}`, headers, payload })
      count(tally, res)
      const violations = checkAnswer(e, { status: res.statusCode, headers: res.headers, body: res.body }, { sentAuthorization: 'authorization' in headers })
      if (violations.length) throw new Error(`${res.statusCode} ${res.body.slice(0, 200)}: ${JSON.stringify(violations)}`)
    },
    tally,
  )
})
