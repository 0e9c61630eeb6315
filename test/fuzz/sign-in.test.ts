/**
 * Fuzzing the sign-in flows (docs/reliability.md § 1, SP-3, SP-7, SP-9): GET and POST /authorize with
 * generated parameters, duplicates, encodings and redirect URIs; grant_type=authorization_code at
 * /token; /userinfo with generated Authorization header shapes; the sign-in form. Every answer passes
 * G1–G4 for its kind (helpers/g-rules.ts: pages before the client is proven, redirects after, Bearer
 * challenges), never redirects to an unregistered URI, and a rejected request changes nothing (G5).
 */
import fc from 'fast-check'
import t from 'tap'
import type { InjectOptions } from 'fastify'
import { DEFAULT_AS, FORM, WEB, basic, buildTestApp, form, post, signIn, type TestApp } from '../helpers/app.js'
import { Cookies, SPA, WEB_REDIRECT, authorize, authorizeParams, autoSignIn, codeThroughForm, pkcePair, redeem, redirectParams, transactionIdOf } from '../helpers/authorize.js'
import { presentedBy } from '../helpers/canary.js'
import { count, newTally, runProperty } from '../helpers/fuzz.js'
import { answerError, checkAnswer, offeredRedirects, registeredRedirects, storeFingerprint, type Answer, type Endpoint } from '../helpers/g-rules.js'
import { auth, authHeader, encodeParams, encoding, parsedBody } from './arbitraries.js'

const junk: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '%', '%ZZ', '%E0%A4%A', '\u0000', '\r\n', '<script>', '"\'><', 'x'.repeat(3000)),
)
const pick = (values: readonly string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: junk })

const { challenge: CHALLENGE } = pkcePair()
/** /authorize parameters and the values worth trying for each. */
const AUTHORIZE_VALUES: Record<string, readonly string[]> = {
  client_id: ['spa-app', 'web-app', 'native-app', 'service-app', 'nope'],
  redirect_uri: [
    SPA.redirectUri,
    WEB_REDIRECT,
    'com.example.app:/callback',
    `${SPA.redirectUri}/`,
    SPA.redirectUri.toUpperCase(),
    'https://attacker.example/cb',
    'javascript:alert(1)//',
    `${SPA.redirectUri}#frag`,
  ],
  response_type: ['code', 'token', 'id_token', 'id_token token', 'code id_token', 'none', 'foo', 'CODE'],
  response_mode: ['query', 'fragment', 'form_post', 'okta_post_message', 'foo'],
  scope: ['openid', 'openid offline_access', 'openid profile email', 'api:read', 'nope', 'a"b', 'offline_access'],
  state: ['state-1', 'x'],
  nonce: ['nonce-1'],
  code_challenge: [CHALLENGE, 'short', `${'a'.repeat(42)}+/`, 'a'.repeat(129)],
  code_challenge_method: ['S256', 'plain', 's256', 'foo'],
  prompt: ['none', 'login', 'consent', 'none login', 'foo'],
  login_hint: ['alice@example.com', 'nobody@example.com'],
  max_age: ['0', '-1', '10', '2147483648', 'abc', '1e3'],
  foo: ['bar'],
  'client_id[]': ['spa-app'],
  __proto__: ['x'],
}
const authorizeParam: fc.Arbitrary<[string, string]> = fc
  .constantFrom(...Object.keys(AUTHORIZE_VALUES))
  .chain((name) => pick(AUTHORIZE_VALUES[name]!).map((v) => [name, v] as [string, string]))

/** Valid starting points: the SPA's code flow with PKCE, the web app's without, or nothing. */
const AUTHORIZE_BASES: Record<string, Array<[string, string]>> = {
  spa: Object.entries(authorizeParams(CHALLENGE)),
  web: Object.entries(authorizeParams(CHALLENGE, { client_id: WEB.id, redirect_uri: WEB_REDIRECT, code_challenge: undefined, code_challenge_method: undefined })),
  none: [],
}

/** Starts from a base, drops one parameter, adds generated ones (with duplicates). */
const authorizeList = fc
  .tuple(fc.constantFrom(...Object.keys(AUTHORIZE_BASES)), fc.option(fc.nat(), { freq: 3 }), fc.array(authorizeParam, { maxLength: 6 }))
  .map(([base, drop, extra]) => {
    const start = AUTHORIZE_BASES[base]!
    return [...start.filter((_, i) => drop === null || i !== drop % Math.max(1, start.length)), ...extra]
  })

/** Whether an answer is a rejection: an error status, or an error carried on a page, redirect or challenge. */
const isRejection = (a: Answer) => a.status >= 400 || answerError(a).error !== undefined

function checked(app: TestApp, endpoint: Endpoint, options: InjectOptions, answer: Answer, presented: string[], rejected: string[] = []): void {
  const headers = (options.headers ?? {}) as Record<string, unknown>
  const violations = checkAnswer(endpoint, answer, {
    presented,
    rejected,
    redirectTargets: registeredRedirects(app.ctx.config.clients),
    sentAuthorization: headers['authorization'] !== undefined,
  })
  if (violations.length) throw new Error(`${answer.status} ${String(answer.headers['location'] ?? '')} ${answer.body.slice(0, 200)}: ${JSON.stringify(violations)}`)
}

/** docs/reliability.md § G5: a rejected request leaves the store as it was (the fields named, or all of them). */
function unchanged(before: Record<string, number>, after: Record<string, number>, fields = Object.keys(before)): void {
  const moved = fields.filter((f) => before[f] !== after[f])
  if (moved.length) throw new Error(`a rejected request changed the store: ${moved.map((f) => `${f} ${before[f]}→${after[f]}`).join(', ')}`)
}

for (const method of ['GET', 'POST'] as const) {
  t.test(`${method} /authorize: generated parameters, duplicates, encodings and redirect URIs (G1–G5)`, async (t) => {
    const app = await buildTestApp(t)
    // A signed-in browser, so prompt=none and the straight-to-code path are reached too.
    const { cookies } = await codeThroughForm(app.app, authorizeParams(CHALLENGE))
    const tally = newTally()
    const cookie = fc.constantFrom<'none' | 'session' | 'junk'>('none', 'session', 'junk')
    await runProperty(
      t,
      `authorize-${method.toLowerCase()}`,
      [authorizeList, encoding, cookie] as const,
      async (list, how, c) => {
        const encoded = encodeParams(list, how)
        const cookieHeader = c === 'session' ? cookies.header() : c === 'junk' ? { cookie: 'mockta_sid=junk-junk-junk-junk; mockta_browser=%ZZ' } : {}
        const options: InjectOptions =
          method === 'GET'
            ? { method, url: `${DEFAULT_AS}/authorize?${encoded}`, headers: cookieHeader }
            : { method, url: `${DEFAULT_AS}/authorize`, headers: { ...FORM, ...cookieHeader }, payload: encoded }
        const before = storeFingerprint(app.ctx.store)
        const res = await app.app.inject(options)
        count(tally, res)
        const answer = { status: res.statusCode, headers: res.headers, body: res.body }
        const sent = new URLSearchParams(encoded.replace(/%(?![0-9a-fA-F]{2})/g, '%25'))
        const query = method === 'GET' ? sent : new URLSearchParams()
        checked(
          app,
          'authorize',
          options,
          answer,
          presentedBy(options.headers as Record<string, unknown>, parsedBody(method === 'POST' ? encoded : ''), parsedBody(method === 'GET' ? encoded : '')),
          offeredRedirects(query, method === 'POST' ? sent : undefined),
        )
        if (![200, 302, 400].includes(res.statusCode)) throw new Error(`unexpected status ${res.statusCode}: ${res.body.slice(0, 200)}`)
        if (isRejection(answer)) unchanged(before, storeFingerprint(app.ctx.store))
      },
      tally,
    )
  })
}

t.test('grant_type=authorization_code: generated redemptions of fresh, used and foreign codes (G1–G5)', async (t) => {
  const app = await buildTestApp(t, { change: autoSignIn(SPA.id) })
  const tally = newTally()
  const mint = async () => {
    const { verifier, challenge } = pkcePair()
    const { code } = redirectParams(await authorize(app.app, authorizeParams(challenge, { scope: 'offline_access api:read' })))
    return { code: code!, verifier }
  }
  const used = await mint()
  if ((await redeem(app.app, used.code, used.verifier)).statusCode !== 200) throw new Error('could not redeem a code')
  const rt = (await signIn(app.app)).refresh_token
  const codeValue = fc.oneof({ weight: 4, arbitrary: fc.constant('fresh') }, { weight: 2, arbitrary: fc.constantFrom('used', 'refresh-token') }, { weight: 1, arbitrary: junk })
  const verifierValue = fc.oneof(
    { weight: 4, arbitrary: fc.constant('right') },
    { weight: 2, arbitrary: fc.constantFrom('wrong', 'a'.repeat(42), 'a'.repeat(129), `${'a'.repeat(42)}+`) },
    { weight: 1, arbitrary: junk },
  )
  const others: Record<string, readonly string[]> = {
    code: [used.code, rt],
    code_verifier: [pkcePair().verifier],
    redirect_uri: [SPA.redirectUri, WEB_REDIRECT, 'https://attacker.example/cb'],
    client_id: ['spa-app', 'web-app', 'nope'],
    grant_type: ['authorization_code', 'refresh_token'],
    scope: ['openid', 'api:read'],
    client_secret: [WEB.secret, 'wrong-secret-value'],
    foo: ['bar'],
  }
  const otherParam: fc.Arbitrary<[string, string]> = fc.constantFrom(...Object.keys(others)).chain((k) => pick(others[k]!).map((v) => [k, v] as [string, string]))
  // The SPA is a public client: credentials are the exception.
  const rareAuth = fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: auth })
  const drop = fc.option(fc.constantFrom('grant_type', 'client_id', 'code', 'redirect_uri', 'code_verifier'), { freq: 2 })
  await runProperty(
    t,
    'token-authorization-code',
    [codeValue, verifierValue, drop, fc.array(otherParam, { maxLength: 3 }), rareAuth, encoding] as const,
    async (c, v, dropped, extra, a, how) => {
      const fresh = await mint()
      const code = c === 'fresh' ? fresh.code : c === 'used' ? used.code : c === 'refresh-token' ? rt : c
      const verifier = v === 'right' ? fresh.verifier : v === 'wrong' ? pkcePair().verifier : v
      const base: Array<[string, string]> = [
        ['grant_type', 'authorization_code'],
        ['client_id', SPA.id],
        ['code', code],
        ['redirect_uri', SPA.redirectUri],
        ['code_verifier', verifier],
      ]
      const list = [...base.filter(([k]) => k !== dropped), ...extra]
      const payload = encodeParams(list, how)
      const headers = { ...FORM, ...(a === null ? {} : authHeader(a)) }
      const options: InjectOptions = { method: 'POST', url: `${DEFAULT_AS}/token`, headers, payload }
      const before = storeFingerprint(app.ctx.store)
      const res = await app.app.inject(options)
      count(tally, res)
      const answer = { status: res.statusCode, headers: res.headers, body: res.body }
      checked(app, 'token', options, answer, presentedBy(headers, parsedBody(payload), {}))
      if (![200, 400, 401].includes(res.statusCode)) throw new Error(`unexpected status ${res.statusCode}: ${res.body.slice(0, 200)}`)
      if (res.statusCode === 200 && !(c === 'fresh' && v === 'right')) throw new Error(`tokens for a redemption that should fail: ${c} ${v}`)
      // Rejected: nothing issued. A failed redemption may use its code up and a replay revokes (deliberate).
      if (res.statusCode !== 200) unchanged(before, storeFingerprint(app.ctx.store), ['families', 'tokens', 'generations', 'sessions', 'transactions'])
    },
    tally,
  )
})

t.test('/userinfo: generated Authorization header shapes and token placements (G1–G5)', async (t) => {
  const app = await buildTestApp(t)
  const web = await signIn(app.app, { client: 'web-app' })
  const narrow = (
    await post(app.app, 'token', { grant_type: 'refresh_token', refresh_token: web.refresh_token, scope: 'offline_access' }, { authorization: basic(WEB.id, WEB.secret) })
  ).json<{ access_token: string; refresh_token: string }>()
  const revoked = await signIn(app.app, { client: 'web-app' })
  await post(app.app, 'revoke', { token: revoked.access_token }, { authorization: basic(WEB.id, WEB.secret) })
  const live = (await signIn(app.app, { client: 'web-app' })).access_token
  const tokens: Record<string, string> = { live, narrow: narrow.access_token, revoked: revoked.access_token, rt: narrow.refresh_token, id: web.id_token! }
  const token = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...Object.keys(tokens)) }, { weight: 1, arbitrary: junk })
  const scheme = fc.constantFrom('Bearer ', 'bearer ', 'BEARER ', 'Bearer  ', 'Basic ', 'Bearer', '', 'Bearer\t', 'DPoP ')
  const suffix = fc.constantFrom('', ' ', ' extra', ',', '\t')
  const placement = fc.record({ header: fc.boolean(), body: fc.boolean(), query: fc.boolean(), twoHeaders: fc.boolean(), post: fc.boolean() })
  const tally = newTally()
  await runProperty(
    t,
    'userinfo',
    [token, scheme, suffix, placement, fc.option(junk, { freq: 4 })] as const,
    async (name, s, sfx, where, extraHeader) => {
      const value = Object.hasOwn(tokens, name) ? tokens[name]! : name
      const headerValue = `${s}${value}${sfx}`.replace(/[^\x20-\x7e\t]/g, '?')
      const headers: Record<string, string | string[]> = {}
      if (where.header) headers['authorization'] = where.twoHeaders ? [headerValue, `Bearer ${extraHeader ?? 'second'}`.replace(/[^\x20-\x7e]/g, '?')] : headerValue
      const query = where.query ? `?${form({ access_token: value })}` : ''
      const options: InjectOptions = where.post
        ? { method: 'POST', url: `${DEFAULT_AS}/userinfo${query}`, headers: { ...FORM, ...headers }, payload: where.body ? form({ access_token: value }) : '' }
        : { method: 'GET', url: `${DEFAULT_AS}/userinfo${query}`, headers }
      const before = storeFingerprint(app.ctx.store)
      const res = await app.app.inject(options)
      count(tally, res)
      const answer = { status: res.statusCode, headers: res.headers, body: res.body }
      // The token is what must not come back; the scheme ("Bearer ") rightly starts every challenge.
      checked(
        app,
        'userinfo',
        options,
        answer,
        [value].filter((x) => x.length >= 12),
      )
      if (![200, 400, 401, 403].includes(res.statusCode)) throw new Error(`unexpected status ${res.statusCode}`)
      if (res.statusCode === 200 && name !== 'live') throw new Error(`claims for ${name}`)
      unchanged(before, storeFingerprint(app.ctx.store))
    },
    tally,
  )
})

t.test('the sign-in form: generated transaction ids, credentials, cookies and duplicates (G1–G5)', async (t) => {
  const app = await buildTestApp(t)
  const tally = newTally()
  // Values per field, so a generated password is never a username the page rightly shows.
  const usernames = ['alice@example.com', 'bob@example.com', 'ALICE@example.com']
  const passwords = ['alice-password', 'bob-password', 'wrong-password-typed']
  const fields: Record<string, readonly string[]> = { tx: ['not-a-transaction'], username: usernames, password: passwords, demo_user: usernames, foo: ['bar'] }
  const field: fc.Arbitrary<[string, string]> = fc.constantFrom(...Object.keys(fields)).chain((k) => pick(fields[k]!).map((v) => [k, v] as [string, string]))
  const txChoice = fc.oneof({ weight: 4, arbitrary: fc.constant('real') }, { weight: 1, arbitrary: fc.constantFrom('none', 'other-browser') }, { weight: 1, arbitrary: junk })
  const username = pick(usernames)
  const password = pick(passwords)
  const cookieChoice = fc.constantFrom<'own' | 'none' | 'junk'>('own', 'own', 'own', 'none', 'junk')
  await runProperty(
    t,
    'sign-in-form',
    [txChoice, fc.option(username, { freq: 6 }), fc.option(password, { freq: 6 }), fc.array(field, { maxLength: 3 }), cookieChoice, encoding] as const,
    async (tx, user, pass, extra, c, how) => {
      const cookies = new Cookies()
      const page = await authorize(app.app, authorizeParams(CHALLENGE), cookies)
      const realTx = transactionIdOf(page.body)
      const list: Array<[string, string]> = []
      if (tx === 'real') list.push(['tx', realTx])
      else if (tx === 'other-browser') list.push(['tx', transactionIdOf((await authorize(app.app, authorizeParams(CHALLENGE))).body)])
      else if (tx !== 'none') list.push(['tx', tx])
      if (user !== null) list.push(['username', user])
      if (pass !== null) list.push(['password', pass])
      list.push(...extra)
      const payload = encodeParams(list, how)
      const cookieHeader = c === 'own' ? cookies.header() : c === 'junk' ? { cookie: 'mockta_browser=junk-browser-junk; mockta_sid=x' } : {}
      const options: InjectOptions = { method: 'POST', url: '/mockta/sign-in', headers: { ...FORM, ...cookieHeader }, payload }
      const before = storeFingerprint(app.ctx.store)
      const res = await app.app.inject(options)
      count(tally, res)
      const answer = { status: res.statusCode, headers: res.headers, body: res.body }
      // The failed-login form shows the username again: a password that is also a username is not an echo.
      const shown = list.filter(([k, v]) => (k === 'username' || k === 'demo_user') && v.length >= 8).map(([, v]) => v)
      const presented = presentedBy(options.headers as Record<string, unknown>, parsedBody(payload), {}).filter((p) => !shown.some((u) => u.includes(p) || p.includes(u)))
      checked(app, 'sign-in', options, answer, presented)
      if (![302, 400, 401].includes(res.statusCode)) throw new Error(`unexpected status ${res.statusCode}: ${res.body.slice(0, 200)}`)
      if (isRejection(answer)) unchanged(before, storeFingerprint(app.ctx.store))
    },
    tally,
  )
})
