/**
 * The bad-input catalogue for the sign-in flows (docs/sign-in.md): the authorization-code rows (docs/reliability.md § #39 and
 * #72 variants, #79–#85, #101) and mockta's own rows for /authorize, /userinfo, /logout and the
 * sign-in form, run by inject.test.ts with the core rows (rows.ts) and checked against G1–G9.
 * Expectations come from Okta's catalogue (oktaWire); where it and the rules disagree the row names the
 * rule's expectation in `departure` (docs/departures.md, following Okta rather than the rules).
 *
 * A failed redemption uses the code up (docs/departures.md: "Failed code redemption"): those rows are
 * marked `changesState`, and their `after` checks that nothing was issued.
 */
import type { InjectOptions } from 'fastify'
import { DEFAULT_AS, FORM, WEB, basic, form, post, type TestApp } from '../helpers/app.js'
import { Cookies, SPA, WEB_REDIRECT, authorize, authorizeParams, codeThroughForm, pkcePair, redeem, transactionIdOf } from '../helpers/authorize.js'
import { unsignedJwt, payloadOf } from '../helpers/forged-jwt.js'
import { catalogueRow, oktaWire } from '../helpers/okta-catalogue.js'
import type { Expect, Fixture, Row } from './rows.js'

const A = DEFAULT_AS
const WEB_AUTH = basic(WEB.id, WEB.secret)

/** A token-endpoint error exactly as Okta's catalogue words it. */
const okta = (code: string, ...args: string[]): Expect => {
  const wire = oktaWire(code, ...args)
  return { status: wire.status, error: wire.body.error, body: wire.body }
}
/** An /authorize error that goes back on the redirect (302), or one shown on a page (400). */
const redirected = (code: string): Expect => ({ status: 302, error: catalogueRow(code).errorCode })
const shown = (error: string): Expect => ({ status: 400, error })

/** A fresh SPA code with its verifier (the sign-in form, alice). */
async function spaCode(t: TestApp, overrides: Record<string, string | undefined> = {}, prefix?: string) {
  const { verifier, challenge } = pkcePair()
  const { code, cookies } = await codeThroughForm(t.app, authorizeParams(challenge, { scope: 'openid offline_access', ...overrides }), prefix === undefined ? {} : { prefix })
  return { code, verifier, cookies }
}

/** A web-app (confidential) code issued without a PKCE challenge. */
async function webCodeWithoutChallenge(t: TestApp) {
  const params = authorizeParams('', { client_id: WEB.id, redirect_uri: WEB_REDIRECT, code_challenge: undefined, code_challenge_method: undefined, scope: 'openid offline_access' })
  return (await codeThroughForm(t.app, params)).code
}

const codeRequest = (params: Record<string, string>, raw = ''): InjectOptions => ({
  method: 'POST',
  url: `${A}/token`,
  headers: FORM,
  payload: `${form({ grant_type: 'authorization_code', client_id: SPA.id, redirect_uri: SPA.redirectUri, ...params })}${raw}`,
})

/** After a rejected redemption: the code still works (it was not consumed). */
const stillRedeemable = (pick: (f: Fixture) => { code: string; verifier: string }) => async (f: Fixture) => {
  const { code, verifier } = pick(f)
  const res = await redeem(f.t.app, code, verifier)
  return res.statusCode === 200 ? undefined : `the code was consumed: ${res.statusCode} ${res.body}`
}
/** After a rejected redemption that used the code up: the code is gone, and nothing was issued. */
const usedUp = (pick: (f: Fixture) => { code: string; verifier: string }) => async (f: Fixture, body: string) => {
  if (body.includes('access_token')) return 'tokens were issued'
  const { code, verifier } = pick(f)
  const res = await redeem(f.t.app, code, verifier)
  return res.statusCode === 400 ? undefined : `the code still works after a failed redemption: ${res.statusCode}`
}

/** Per-run state a row prepares in `request` and checks in `after` (fixtures are fresh per run). */
const prepared = new WeakMap<Fixture, { code: string; verifier: string; first?: { access_token: string; refresh_token: string } }>()
const keep = (f: Fixture, value: { code: string; verifier: string; first?: { access_token: string; refresh_token: string } }) => (prepared.set(f, value), value)
const kept = (f: Fixture) => prepared.get(f)!

const isActive = async (f: Fixture, token: string) => (await post(f.t.app, 'introspect', { token }, { authorization: WEB_AUTH })).json<{ active: boolean }>().active

const authorizeUrl = (params: Record<string, string>, raw = '') => `${A}/authorize?${form(params)}${raw}`
const get = (url: string, headers: Record<string, string> = {}): InjectOptions => ({ method: 'GET', url, headers })

export function signInRows(): Row[] {
  const r: Row[] = []
  const add = (c: string, variant: string, rest: Omit<Row, 'case' | 'variant'>) => r.push({ case: c, variant, ...rest })
  const { challenge } = pkcePair()
  const valid = (overrides: Record<string, string | undefined> = {}) => authorizeParams(challenge, overrides)

  // E. /token: the authorization_code grant.
  add('#39', 'two code_verifier values', {
    request: async (f) => {
      const c = keep(f, await spaCode(f.t))
      return codeRequest({ code: c.code, code_verifier: c.verifier }, `&code_verifier=${c.verifier}`)
    },
    expect: okta('illegal_duplicated_parameters', 'code_verifier'),
    after: stillRedeemable(kept),
  })
  add('#72', 'an authorization code as refresh_token', {
    request: async (f) => {
      const c = keep(f, await spaCode(f.t))
      return { method: 'POST', url: `${A}/token`, headers: FORM, payload: form({ grant_type: 'refresh_token', client_id: SPA.id, refresh_token: c.code }) }
    },
    expect: okta('invalid_refresh_token'),
    after: stillRedeemable(kept),
  })
  add('#79', 'code missing', { request: () => codeRequest({ code_verifier: 'v'.repeat(43) }), expect: okta('missing_token_request_parameter', 'code') })
  add('#79', 'redirect_uri missing', {
    request: async (f) => {
      const c = keep(f, await spaCode(f.t))
      return { method: 'POST', url: `${A}/token`, headers: FORM, payload: form({ grant_type: 'authorization_code', client_id: SPA.id, code: c.code, code_verifier: c.verifier }) }
    },
    expect: okta('missing_token_request_parameter', 'redirect_uri'),
    after: stillRedeemable(kept),
  })
  add('#79', 'unknown code', {
    request: () => codeRequest({ code: 'unknown-code-unknown-code-unknown', code_verifier: 'v'.repeat(43) }),
    expect: okta('invalid_authorization_code'),
  })
  add('#79', 'expired code (300 s lifetime passed)', {
    request: async (f) => {
      const c = await spaCode(f.t)
      f.t.clock.advance(301)
      return codeRequest({ code: c.code, code_verifier: c.verifier })
    },
    expect: okta('invalid_authorization_code'),
  })
  add('#79', 'code issued to another client', {
    request: async (f) => {
      const code = await webCodeWithoutChallenge(f.t)
      keep(f, { code, verifier: '' })
      return codeRequest({ code, redirect_uri: WEB_REDIRECT })
    },
    expect: okta('mismatched_client'),
    changesState: true,
    after: async (f, body) => {
      if (body.includes('access_token')) return 'tokens were issued'
      const res = await post(f.t.app, 'token', { grant_type: 'authorization_code', code: kept(f).code, redirect_uri: WEB_REDIRECT }, { authorization: WEB_AUTH })
      return res.statusCode === 400 ? undefined : `the code still works for its client: ${res.statusCode}`
    },
  })
  add('#79', 'redirect_uri mismatch', {
    request: async (f) => {
      const c = keep(f, await spaCode(f.t))
      return codeRequest({ code: c.code, code_verifier: c.verifier, redirect_uri: 'http://localhost:5173/login/callback' })
    },
    expect: okta('mismatched_redirect_uri'),
    changesState: true,
    after: usedUp(kept),
  })
  add('#79', 'code issued by another authorization server (Okta row)', {
    request: async (f) => {
      const c = keep(f, await spaCode(f.t, {}, '/oauth2/v1'))
      return codeRequest({ code: c.code, code_verifier: c.verifier })
    },
    expect: okta('mismatched_authorization_server'),
    changesState: true,
    after: async (_f, body) => (body.includes('access_token') ? 'tokens were issued' : undefined),
  })
  add('#80', 'a code used a second time: refused, and the first tokens revoked', {
    request: async (f) => {
      const c = await spaCode(f.t)
      const first = await redeem(f.t.app, c.code, c.verifier)
      if (first.statusCode !== 200) throw new Error(`first redemption failed: ${first.body}`)
      keep(f, { ...c, first: first.json() })
      return codeRequest({ code: c.code, code_verifier: c.verifier })
    },
    expect: okta('invalid_authorization_code'),
    changesState: true,
    after: async (f) => {
      const { first } = kept(f)
      if (await isActive(f, first!.access_token)) return "the first redemption's access token is still active"
      if (await isActive(f, first!.refresh_token)) return "the first redemption's refresh token is still active"
      return undefined
    },
  })
  add('#81', 'code_verifier missing for a code with a challenge', {
    request: async (f) => {
      const c = keep(f, await spaCode(f.t))
      return codeRequest({ code: c.code })
    },
    expect: okta('pkce_missing_verifier'),
    changesState: true,
    after: usedUp(kept),
    departure: 'bar: 400 invalid_grant; Okta: 400 invalid_request "PKCE code verifier is required by the application."',
  })
  add('#82', 'a well-formed but wrong code_verifier', {
    request: async (f) => {
      const c = keep(f, await spaCode(f.t))
      return codeRequest({ code: c.code, code_verifier: pkcePair().verifier })
    },
    expect: okta('pkce_verification_failed'),
    changesState: true,
    after: usedUp(kept),
  })
  for (const [name, verifier] of [
    ['42 characters', 'a'.repeat(42)],
    ['129 characters', 'a'.repeat(129)],
    ['characters outside [A-Za-z0-9-._~]', `${'a'.repeat(42)}+/=`],
  ] as const) {
    add('#83', `code_verifier of ${name}`, {
      request: async (f) => {
        const c = keep(f, await spaCode(f.t))
        return codeRequest({ code: c.code, code_verifier: verifier })
      },
      expect: okta('pkce_verification_failed'),
      changesState: true,
      after: usedUp(kept),
      departure: 'bar: 400 invalid_request; Okta: 400 invalid_grant "PKCE verification failed." (no separate text for a malformed verifier)',
    })
  }
  add('#84', 'a code_verifier for a code issued without a challenge (PKCE downgrade)', {
    request: async (f) => {
      const code = await webCodeWithoutChallenge(f.t)
      return {
        method: 'POST',
        url: `${A}/token`,
        headers: { ...FORM, authorization: WEB_AUTH },
        payload: form({ grant_type: 'authorization_code', code, redirect_uri: WEB_REDIRECT, code_verifier: pkcePair().verifier }),
      }
    },
    expect: okta('pkce_missing_challenge_verifier_present'),
    changesState: true,
    after: async (_f, body) => (body.includes('access_token') ? 'tokens were issued' : undefined),
  })
  add('#85', 'public client: /authorize without code_challenge', {
    request: () => get(authorizeUrl(valid({ code_challenge: undefined, code_challenge_method: undefined }))),
    expect: redirected('pkce_missing_challenge'),
  })
  add('#85', 'public client: code_challenge_method=plain', {
    request: () => get(authorizeUrl(valid({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }))),
    expect: redirected('pkce_unsupported_code_challenge_method'),
  })
  add('#85', 'public client: POST /authorize without code_challenge', {
    request: () => ({ method: 'POST', url: `${A}/authorize`, headers: FORM, payload: form(valid({ code_challenge: undefined, code_challenge_method: undefined })) }),
    expect: redirected('pkce_missing_challenge'),
  })

  // F, G. An authorization code at /introspect and /revoke.
  add('#101', 'an authorization code at /introspect', {
    request: async (f) => {
      const c = keep(f, await spaCode(f.t))
      return { method: 'POST', url: `${A}/introspect`, headers: { ...FORM, authorization: WEB_AUTH }, payload: form({ token: c.code }) }
    },
    expect: { status: 200, body: { active: false } },
    after: stillRedeemable(kept),
  })
  add('#101', 'an authorization code at /revoke: 200, and the code still works', {
    request: async (f) => {
      const c = keep(f, await spaCode(f.t))
      return { method: 'POST', url: `${A}/revoke`, headers: { ...FORM, authorization: WEB_AUTH }, payload: form({ token: c.code }) }
    },
    expect: { status: 200, body: '' },
    after: stillRedeemable(kept),
  })

  // /authorize before the client and redirect URI are proven: an HTML page, never a redirect.
  add('authorize', 'unknown client_id', { request: () => get(authorizeUrl(valid({ client_id: 'nope-client' }))), expect: shown('invalid_client') })
  add('authorize', 'client_id missing', { request: () => get(authorizeUrl(valid({ client_id: undefined }))), expect: shown('invalid_client') })
  add('authorize', 'redirect_uri missing', { request: () => get(authorizeUrl(valid({ redirect_uri: undefined }))), expect: shown('missing_redirect_uri') })
  for (const [name, uri] of [
    ['an unregistered host', 'https://attacker.example/steal-the-code'],
    ['a trailing slash', `${SPA.redirectUri}/`],
    ['another case', SPA.redirectUri.toUpperCase()],
    ['an extra query', `${SPA.redirectUri}?next=https://attacker.example`],
    ['a javascript: URI', 'javascript:alert(document.cookie)//'],
  ]) {
    add('authorize', `redirect_uri with ${name}: not echoed`, { request: () => get(authorizeUrl(valid({ redirect_uri: uri }))), expect: shown('invalid_request') })
  }
  add('authorize', 'client_id twice', { request: () => get(authorizeUrl(valid(), '&client_id=web-app')), expect: shown('invalid_request') })
  add('authorize', 'redirect_uri twice', {
    request: () => get(authorizeUrl(valid(), `&redirect_uri=${encodeURIComponent('https://attacker.example/cb')}`)),
    expect: shown('invalid_request'),
  })
  add('authorize', 'bad percent-encoding in client_id and redirect_uri', {
    request: () => get(`${A}/authorize?client_id=%ZZ&redirect_uri=%E0%A4%A&response_type=code`),
    expect: shown('invalid_client'),
  })
  add('authorize', 'POST with an empty form', { request: () => ({ method: 'POST', url: `${A}/authorize`, headers: FORM, payload: '' }), expect: shown('invalid_client') })
  add('authorize', 'POST with a JSON body', {
    request: () => ({ method: 'POST', url: `${A}/authorize`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(valid()) }),
    expect: { status: 400, error: 'invalid_request' },
  })
  add('authorize', 'PUT /authorize', {
    request: () => ({ method: 'PUT', url: `${A}/authorize`, headers: FORM, payload: form(valid()) }),
    expect: { status: 405, error: 'invalid_request' },
  })

  // /authorize after the client and redirect URI are proven: the error goes back on the redirect.
  add('authorize', 'state missing', { request: () => get(authorizeUrl(valid({ state: undefined }))), expect: redirected('invalid_state') })
  add('authorize', 'state twice', { request: () => get(authorizeUrl(valid(), '&state=other')), expect: shown('invalid_request') })
  add('authorize', 'response_type=token for a client without implicit', {
    request: () => get(authorizeUrl(valid({ response_type: 'token' }))),
    expect: redirected('unsupported_response_type'),
  })
  add('authorize', 'response_type=foo', { request: () => get(authorizeUrl(valid({ response_type: 'foo' }))), expect: redirected('unsupported_response_type') })
  add('authorize', 'response_mode=foo', { request: () => get(authorizeUrl(valid({ response_mode: 'foo' }))), expect: redirected('unsupported_response_mode') })
  add('authorize', 'response_mode=form_post with an error: the error in the posted form', {
    request: () => get(authorizeUrl(valid({ response_mode: 'form_post', state: undefined }))),
    expect: { status: 200, error: 'invalid_request' },
  })
  add('authorize', 'scope missing', { request: () => get(authorizeUrl(valid({ scope: undefined }))), expect: redirected('missing_scopes') })
  add('authorize', 'an unknown scope', { request: () => get(authorizeUrl(valid({ scope: 'openid not-a-scope' }))), expect: { status: 302, error: 'invalid_scope' } })
  add('authorize', 'a malformed scope', { request: () => get(authorizeUrl(valid({ scope: 'openid a"b\\c' }))), expect: { status: 302, error: 'invalid_scope' } })
  add('authorize', 'code_challenge with illegal characters', {
    request: () => get(authorizeUrl(valid({ code_challenge: `${'a'.repeat(42)}+/` }))),
    expect: redirected('pkce_invalid_challenge'),
  })
  add('authorize', 'prompt=none without a session', { request: () => get(authorizeUrl(valid({ prompt: 'none' }))), expect: redirected('no_existing_session') })
  add('authorize', 'prompt=foo', { request: () => get(authorizeUrl(valid({ prompt: 'foo' }))), expect: redirected('invalid_prompt') })
  add('authorize', 'max_age=-1', { request: () => get(authorizeUrl(valid({ max_age: '-1' }))), expect: redirected('invalid_max_age') })
  add('authorize', 'max_age=0 with prompt=none', {
    request: () => get(authorizeUrl(valid({ max_age: '0', prompt: 'none' }))),
    expect: redirected('invalid_prompt_for_zero_max_age'),
  })
  add('authorize', 'a service client (no authorization_code grant)', {
    request: () => get(authorizeUrl(valid({ client_id: 'service-app', redirect_uri: undefined }))),
    expect: shown('missing_redirect_uri'),
  })

  // /userinfo (RFC 6750 §3; Okta's header-only errors).
  const userinfo = (headers: Record<string, string>, query = '', payload?: string): InjectOptions => ({
    method: payload === undefined ? 'GET' : 'POST',
    url: `${A}/userinfo${query}`,
    headers: payload === undefined ? headers : { ...FORM, ...headers },
    ...(payload !== undefined && { payload }),
  })
  add('userinfo', 'no access token', { request: () => userinfo({}), expect: { status: 401, error: 'invalid_request' } })
  add('userinfo', 'a junk bearer token', { request: () => userinfo({ authorization: 'Bearer junk-junk-junk-junk' }), expect: { status: 401, error: 'invalid_token' } })
  add('userinfo', 'Basic credentials instead of a bearer token', { request: () => userinfo({ authorization: WEB_AUTH }), expect: { status: 401, error: 'invalid_token' } })
  add('userinfo', 'Bearer with no token', { request: () => userinfo({ authorization: 'Bearer' }), expect: { status: 401, error: 'invalid_token' } })
  add('userinfo', 'the access token in the query string', {
    request: (f) => userinfo({}, `?access_token=${f.web.access_token}`),
    expect: { status: 400, error: 'invalid_request' },
  })
  add('userinfo', 'the access token in the header and the body', {
    request: (f) => userinfo({ authorization: `Bearer ${f.web.access_token}` }, '', form({ access_token: f.web.access_token })),
    expect: { status: 400, error: 'invalid_request' },
  })
  add('userinfo', 'a refresh token as the bearer token', {
    request: (f) => userinfo({ authorization: `Bearer ${f.web.refresh_token}` }),
    expect: { status: 401, error: 'invalid_token' },
  })
  add('userinfo', 'an ID token as the bearer token', { request: (f) => userinfo({ authorization: `Bearer ${f.web.id_token}` }), expect: { status: 401, error: 'invalid_token' } })
  add('userinfo', 'a forged alg:none access token', {
    request: (f) => userinfo({ authorization: `Bearer ${unsignedJwt(payloadOf(f.web.access_token))}` }),
    expect: { status: 401, error: 'invalid_token' },
  })
  add('userinfo', 'an expired access token', {
    request: (f) => {
      f.t.clock.advance(3601)
      return userinfo({ authorization: `Bearer ${f.web.access_token}` })
    },
    expect: { status: 401, error: 'invalid_token' },
  })
  add('userinfo', 'a revoked access token', {
    request: async (f) => {
      await post(f.t.app, 'revoke', { token: f.web.access_token }, { authorization: WEB_AUTH })
      return userinfo({ authorization: `Bearer ${f.web.access_token}` })
    },
    expect: { status: 401, error: 'invalid_token' },
  })
  add('userinfo', 'an access token without openid', {
    request: async (f) => {
      const res = await post(f.t.app, 'token', { grant_type: 'refresh_token', refresh_token: f.web.refresh_token, scope: 'offline_access' }, { authorization: WEB_AUTH })
      return userinfo({ authorization: `Bearer ${res.json<{ access_token: string }>().access_token}` })
    },
    expect: { status: 403, error: 'insufficient_scope' },
  })

  // /logout (RP-Initiated Logout): errors on a page; the session is kept.
  const logout = (params: Record<string, string>, cookies?: Cookies): InjectOptions => get(`${A}/logout?${form(params)}`, cookies?.header() ?? {})
  add('logout', 'id_token_hint missing', { request: () => logout({ post_logout_redirect_uri: SPA.logoutUri }), expect: shown('invalid_request') })
  add('logout', 'a junk id_token_hint', { request: () => logout({ id_token_hint: 'junk.junk.junk', post_logout_redirect_uri: SPA.logoutUri }), expect: shown('invalid_request') })
  add('logout', 'a forged alg:none id_token_hint', {
    request: (f) => logout({ id_token_hint: unsignedJwt(payloadOf(f.web.id_token!)), post_logout_redirect_uri: 'http://localhost:3000/' }),
    expect: shown('invalid_request'),
  })
  add('logout', 'an unregistered post_logout_redirect_uri: not echoed, session kept', {
    request: async (f) => {
      const { cookies } = await spaCode(f.t)
      return logout({ id_token_hint: f.web.id_token!, post_logout_redirect_uri: 'https://attacker.example/after-logout' }, cookies)
    },
    expect: shown('invalid_request'),
  })
  add('logout', 'id_token_hint twice', { request: (f) => get(`${A}/logout?${form({ id_token_hint: f.web.id_token! })}&id_token_hint=x`), expect: shown('invalid_request') })

  // The sign-in form (POST /mockta/sign-in).
  const signInForm = (fields: string, cookies?: Cookies): InjectOptions => ({
    method: 'POST',
    url: '/mockta/sign-in',
    headers: { ...FORM, ...(cookies?.header() ?? {}) },
    payload: fields,
  })
  const openForm = async (f: Fixture) => {
    const cookies = new Cookies()
    const page = await authorize(f.t.app, valid(), cookies)
    return { cookies, tx: transactionIdOf(page.body) }
  }
  add('sign-in', 'no transaction id', { request: () => signInForm(form({ username: 'alice@example.com', password: 'alice-password' })), expect: shown('invalid_request') })
  add('sign-in', 'an unknown transaction id', {
    request: async (f) => signInForm(form({ tx: 'not-a-transaction-id-at-all', username: 'alice@example.com', password: 'alice-password' }), (await openForm(f)).cookies),
    expect: shown('invalid_request'),
  })
  add('sign-in', 'a transaction from another browser (login CSRF)', {
    request: async (f) => signInForm(form({ tx: (await openForm(f)).tx, username: 'alice@example.com', password: 'alice-password' })),
    expect: shown('invalid_request'),
  })
  add('sign-in', 'a wrong password: 401, the form again, the password not echoed', {
    request: async (f) => {
      const { cookies, tx } = await openForm(f)
      return signInForm(form({ tx, username: 'alice@example.com', password: 'not-alices-password-1234' }), cookies)
    },
    expect: { status: 401 },
  })
  add('sign-in', 'an unknown user: the same 401 as a wrong password', {
    request: async (f) => {
      const { cookies, tx } = await openForm(f)
      return signInForm(form({ tx, username: 'nobody@example.com', password: 'not-alices-password-1234' }), cookies)
    },
    expect: { status: 401 },
  })
  add('sign-in', 'a transaction used twice', {
    request: async (f) => {
      const { cookies, tx } = await openForm(f)
      const first = await f.t.app.inject(signInForm(form({ tx, username: 'alice@example.com', password: 'alice-password' }), cookies))
      if (first.statusCode !== 302) throw new Error(`the first sign-in failed: ${first.statusCode}`)
      return signInForm(form({ tx, username: 'alice@example.com', password: 'alice-password' }), cookies)
    },
    expect: shown('invalid_request'),
  })
  add('sign-in', 'password twice', {
    request: async (f) => {
      const { cookies, tx } = await openForm(f)
      return signInForm(`${form({ tx, username: 'alice@example.com', password: 'alice-password' })}&password=other-password`, cookies)
    },
    expect: shown('invalid_request'),
  })
  add('sign-in', 'a JSON body', {
    request: () => ({ method: 'POST', url: '/mockta/sign-in', headers: { 'content-type': 'application/json' }, payload: '{"tx":"x"}' }),
    expect: { status: 400, error: 'invalid_request' },
  })
  return r
}
