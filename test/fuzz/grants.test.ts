/**
 * Fuzzing the device authorization grant, token exchange and PAR (docs/device-exchange-par.md;
 * docs/reliability.md § 1, SP-3): generated forms on /v1/device/authorize and /v1/par, and on
 * /v1/token with the device-code and token-exchange grant types. Each run starts from a valid request,
 * drops a parameter and adds generated ones, so answers span success and every refusal. Every answer
 * passes G1–G4; a refused request adds no device authorization and no pushed request (G5).
 */
import fc from 'fast-check'
import t from 'tap'
import { DEFAULT_AS, FORM, SERVICE, WEB, basic, buildTestApp, type TestApp } from '../helpers/app.js'
import { presentedBy } from '../helpers/canary.js'
import { count, newTally, runProperty } from '../helpers/fuzz.js'
import { checkAnswer, storeFingerprint, type Endpoint } from '../helpers/g-rules.js'
import { control } from '../helpers/control.js'
import { ACCESS_TOKEN_TYPE, DEVICE_GRANT, EXCHANGE_GRANT, withNewGrants } from '../helpers/grants-config.js'
import { WEB_REDIRECT, pkcePair } from '../helpers/authorize.js'
import { ALICE } from '../helpers/app.js'
import { auth, authHeader, encodeParams, encoding, fixtures, parsedBody, resolve, value, type Fixtures, type Value } from './arbitraries.js'

/** Parameters these endpoints read, next to ones they must ignore or refuse. */
const NAMES = [
  'grant_type',
  'client_id',
  'client_secret',
  'scope',
  'device_code',
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'audience',
  'resource',
  'requested_token_type',
  'response_type',
  'redirect_uri',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'request_uri',
  'request',
  'prompt',
  'response_mode',
  'login_hint',
  'foo',
  '__proto__',
  'scope[]',
] as const

const MEANINGFUL: Record<string, readonly string[]> = {
  grant_type: [DEVICE_GRANT, EXCHANGE_GRANT, 'client_credentials', 'urn:ietf:params:oauth:grant-type:DEVICE_CODE'],
  subject_token_type: [ACCESS_TOKEN_TYPE, 'urn:ietf:params:oauth:token-type:id_token', 'urn:ietf:params:oauth:token-type:refresh_token'],
  actor_token_type: [ACCESS_TOKEN_TYPE],
  audience: ['api://default', 'api://api2', 'api://other'],
  scope: ['openid', 'api:read', 'offline_access', 'openid profile offline_access', 'api:read api:write', 'nope'],
  client_id: ['native-app', 'web-app', 'service-app', 'spa-app', 'par-web', 'nope'],
  response_type: ['code', 'token', 'id_token', 'code id_token', 'none'],
  redirect_uri: [WEB_REDIRECT, 'https://evil.example/cb', 'http://localhost:3000/login/callback'],
  code_challenge_method: ['S256', 'plain', 'S512'],
  prompt: ['none', 'login', 'consent'],
  response_mode: ['query', 'fragment', 'form_post', 'okta_post_message'],
  request_uri: ['urn:okta:x', 'https://example.com/r'],
}
const grantValue = (name: string): fc.Arbitrary<Value> =>
  Object.hasOwn(MEANINGFUL, name)
    ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...MEANINGFUL[name]!).map((literal) => ({ literal })) }, { weight: 3, arbitrary: value(name) })
    : value(name)
const extras: fc.Arbitrary<Array<[string, Value]>> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Array<[string, Value]>>([]) },
  {
    weight: 3,
    arbitrary: fc.array(
      fc.constantFrom(...NAMES).chain((name) => grantValue(name).map((v) => [name, v] as [string, Value])),
      { maxLength: 5 },
    ),
  },
)
/** Mostly the base request's own credentials, a quarter of the time generated ones. */
const someAuth: fc.Arbitrary<Auth | null> = fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: auth })
/** Mostly nothing dropped. */
const dropped = fc.option(fc.nat(), { freq: 2 })

interface Base {
  list: Array<[string, string]>
  auth: Record<string, string>
}

async function grantsApp(t: Parameters<typeof buildTestApp>[0]): Promise<{ app: TestApp; f: Fixtures }> {
  const app = await buildTestApp(t, { change: withNewGrants })
  return { app, f: await fixtures(app) }
}

/** One generated request at `path` from `base`: its answer passes docs/reliability.md § G1–G4 and the status is one of `statuses`. */
async function send(
  app: TestApp,
  endpoint: Endpoint,
  path: string,
  base: Base,
  drop: number | null,
  extra: Array<[string, Value]>,
  a: Auth | null,
  how: 'uri' | 'raw' | 'form',
  f: Fixtures,
  statuses: number[],
) {
  const list = base.list.filter((_, i) => drop === null || i !== drop % Math.max(1, base.list.length))
  for (const [k, v] of extra) list.push([k, resolve(v, f)])
  const payload = encodeParams(list, how)
  const headers = { ...FORM, ...(a === null ? base.auth : authHeader(a)) }
  const res = await app.app.inject({ method: 'POST', url: `${DEFAULT_AS}/${path}`, headers, payload })
  const violations = checkAnswer(
    endpoint,
    { status: res.statusCode, headers: res.headers, body: res.body },
    { presented: presentedBy(headers, parsedBody(payload), {}), sentAuthorization: 'authorization' in headers },
  )
  if (violations.length) throw new Error(`${res.statusCode} ${res.body.slice(0, 200)}: ${JSON.stringify(violations)}`)
  if (!statuses.includes(res.statusCode)) throw new Error(`unexpected status ${res.statusCode}: ${res.body.slice(0, 200)}`)
  return res
}
type Auth = Parameters<typeof authHeader>[0]

const unchanged = (before: Record<string, number>, after: Record<string, number>, keys: string[]) => {
  for (const k of keys) if (before[k] !== after[k]) throw new Error(`a refused request changed the store: ${k} ${before[k]} -> ${after[k]}`)
}

t.test('/v1/device/authorize: any generated form and credentials get a well-formed answer; a refusal stores nothing', async (t) => {
  const { app, f } = await grantsApp(t)
  const tally = newTally()
  const bases: Record<string, Base> = {
    native: {
      list: [
        ['client_id', 'native-app'],
        ['scope', 'openid profile offline_access'],
      ],
      auth: {},
    },
    web: { list: [['scope', 'openid']], auth: { authorization: basic(WEB.id, WEB.secret) } },
    none: { list: [], auth: {} },
  }
  await runProperty(
    t,
    'device-authorize-form',
    [fc.constantFrom(...Object.keys(bases)), dropped, extras, someAuth, encoding] as const,
    async (b, drop, extra, a, how) => {
      const before = storeFingerprint(app.ctx.store)
      const res = await send(app, 'device_authorize', 'device/authorize', bases[b]!, drop, extra, a, how, f, [200, 400, 401, 413])
      count(tally, res)
      if (res.statusCode === 200) {
        const body = res.json<Record<string, unknown>>()
        const members = ['device_code', 'user_code', 'verification_uri', 'verification_uri_complete', 'expires_in', 'interval']
        if (JSON.stringify(Object.keys(body)) !== JSON.stringify(members)) throw new Error(`a 200 with members ${Object.keys(body).join(',')}`)
      } else unchanged(before, storeFingerprint(app.ctx.store), ['devices', 'decided', 'pushed', 'families'])
    },
    tally,
  )
})

t.test('/v1/par: any generated form and credentials get a well-formed answer; a refusal stores nothing', async (t) => {
  const { app, f } = await grantsApp(t)
  const tally = newTally()
  const request = (): Array<[string, string]> => [
    ['response_type', 'code'],
    ['scope', 'openid'],
    ['redirect_uri', WEB_REDIRECT],
    ['state', 'st'],
    ['code_challenge', pkcePair().challenge],
    ['code_challenge_method', 'S256'],
  ]
  const bases: Record<string, Base> = {
    web: { list: request(), auth: { authorization: basic(WEB.id, WEB.secret) } },
    webInBody: { list: [...request(), ['client_id', WEB.id], ['client_secret', WEB.secret]], auth: {} },
    native: { list: [...request(), ['client_id', 'native-app']], auth: {} },
  }
  await runProperty(
    t,
    'par-form',
    [fc.constantFrom(...Object.keys(bases)), dropped, extras, someAuth, encoding] as const,
    async (b, drop, extra, a, how) => {
      const before = storeFingerprint(app.ctx.store)
      const res = await send(app, 'par', 'par', bases[b]!, drop, extra, a, how, f, [201, 400, 401, 413])
      count(tally, res)
      if (res.statusCode === 201) {
        const body = res.json<{ request_uri?: unknown; expires_in?: unknown }>()
        if (typeof body.request_uri !== 'string' || !body.request_uri.startsWith('urn:okta:') || body.expires_in !== 3600)
          throw new Error(`a 201 without a request_uri: ${res.body}`)
      } else unchanged(before, storeFingerprint(app.ctx.store), ['devices', 'pushed', 'families'])
    },
    tally,
  )
})

t.test('/v1/token, device_code grant: polls of live, approved, denied and made-up codes get a well-formed answer', async (t) => {
  const { app, f } = await grantsApp(t)
  const tally = newTally()
  const state = fc.constantFrom<'pending' | 'approved' | 'denied' | 'made-up'>('pending', 'approved', 'denied', 'made-up')
  await runProperty(
    t,
    'token-device-code',
    [state, dropped, extras, someAuth, encoding] as const,
    async (s, drop, extra, a, how) => {
      let deviceCode = 'made-up-device-code-0000'
      if (s !== 'made-up') {
        const started = await app.app.inject({
          method: 'POST',
          url: `${DEFAULT_AS}/device/authorize`,
          headers: FORM,
          payload: 'client_id=native-app&scope=openid%20offline_access',
        })
        const { device_code, user_code } = started.json<{ device_code: string; user_code: string }>()
        deviceCode = device_code
        if (s === 'approved') await control(app.app, 'POST', `/device/${user_code}/approve`, { user: ALICE.username })
        if (s === 'denied') await control(app.app, 'POST', `/device/${user_code}/deny`)
      }
      const base: Base = {
        list: [
          ['grant_type', DEVICE_GRANT],
          ['client_id', 'native-app'],
          ['device_code', deviceCode],
        ],
        auth: {},
      }
      const res = await send(app, 'token', 'token', base, drop, extra, a, how, f, [200, 400, 401, 403, 413])
      count(tally, res)
      if (res.statusCode === 200 && res.json<{ token_type?: string }>().token_type !== 'Bearer') throw new Error(`a 200 without a token: ${res.body}`)
    },
    tally,
    { numRuns: Math.min(1000, Number(process.env['FUZZ_RUNS'] ?? 1000)) },
  )
})

t.test('/v1/token, token-exchange grant: any generated exchange gets a well-formed answer', async (t) => {
  const { app, f } = await grantsApp(t)
  const tally = newTally()
  const bases: Record<string, Base> = {
    nativeAT: {
      list: [
        ['grant_type', EXCHANGE_GRANT],
        ['subject_token', f.nativeAT],
        ['subject_token_type', ACCESS_TOKEN_TYPE],
        ['audience', 'api://default'],
        ['scope', 'api:read'],
      ],
      auth: { authorization: basic(SERVICE.id, SERVICE.secret) },
    },
    webAT: {
      list: [
        ['grant_type', EXCHANGE_GRANT],
        ['subject_token', f.webAT],
        ['subject_token_type', ACCESS_TOKEN_TYPE],
        ['audience', 'api://default'],
        ['scope', 'api:read'],
      ],
      auth: { authorization: basic(SERVICE.id, SERVICE.secret) },
    },
    inBody: {
      list: [
        ['grant_type', EXCHANGE_GRANT],
        ['client_id', SERVICE.id],
        ['client_secret', SERVICE.secret],
        ['subject_token', f.nativeAT],
        ['subject_token_type', ACCESS_TOKEN_TYPE],
        ['audience', 'api://default'],
        ['scope', 'api:read'],
      ],
      auth: {},
    },
  }
  await runProperty(
    t,
    'token-exchange',
    [fc.constantFrom(...Object.keys(bases)), dropped, extras, someAuth, encoding] as const,
    async (b, drop, extra, a, how) => {
      const before = storeFingerprint(app.ctx.store)
      const res = await send(app, 'token', 'token', bases[b]!, drop, extra, a, how, f, [200, 400, 401, 403, 413])
      count(tally, res)
      if (res.statusCode === 200) {
        const body = res.json<{ token_type?: string; issued_token_type?: string; refresh_token?: string; id_token?: string }>()
        // The form may carry another grant's parameters; only an exchange answers with issued_token_type.
        if (body.token_type !== 'Bearer') throw new Error(`a 200 without a token: ${JSON.stringify(body).slice(0, 200)}`)
        if (body.issued_token_type !== undefined && (body.issued_token_type !== ACCESS_TOKEN_TYPE || body.refresh_token !== undefined || body.id_token !== undefined))
          throw new Error(`an exchange answer with more than an access token: ${Object.keys(body).join(',')}`)
      } else unchanged(before, storeFingerprint(app.ctx.store), ['families', 'tokens', 'revokedFamilies', 'revokedAccessTokens', 'devices', 'pushed'])
    },
    tally,
  )
})

t.test('raw bodies of any bytes and media type at /v1/device/authorize and /v1/par: never a 5xx (G1, G2, G4)', async (t) => {
  const { app } = await grantsApp(t)
  const tally = newTally()
  const target = fc.constantFrom<[Endpoint, string]>(['device_authorize', 'device/authorize'], ['par', 'par'])
  const contentType = fc.option(
    fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/json',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'application/x-www-form-urlencoded; charset=bogus',
    ),
    { freq: 6 },
  )
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
    fc.string({ maxLength: 500 }).map((s) => Buffer.from(s)),
  )
  await runProperty(
    t,
    'grants-raw-bodies',
    [target, contentType, body, fc.constantFrom<Auth>('none', 'web', 'wrong')] as const,
    async ([endpoint, path], type, payload, a) => {
      const headers: Record<string, string> = { ...authHeader(a) }
      if (type !== null) headers['content-type'] = type
      const res = await app.app.inject({ method: 'POST', url: `${DEFAULT_AS}/${path}`, headers, payload })
      count(tally, res)
      const violations = checkAnswer(endpoint, { status: res.statusCode, headers: res.headers, body: res.body }, { sentAuthorization: 'authorization' in headers })
      if (violations.length) throw new Error(`${res.statusCode} ${res.body.slice(0, 200)}: ${JSON.stringify(violations)}`)
    },
    tally,
  )
})
