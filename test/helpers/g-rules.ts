/**
 * The rules for bad input, docs/reliability.md § G1–G9, as one validator that returns violations instead of asserting, so
 * the catalogue, the fuzz properties and the socket cases share it and the report can count per rule.
 */
import { mocktaErrors, oktaErrors } from '../../src/errors/okta-errors.js'
import { supportedGrantTypes } from '../../src/grants/index.js'
import type { MemoryStore } from '../../src/store/memory-store.js'
import type { Store } from '../../src/store/store.js'
import { page } from '../../src/http/html.js'
import { SIGN_IN_PATH, signInPage } from '../../src/http/browser-sign-in/sign-in-page.js'
import { ACTIVATION_PATH, userCodePage } from '../../src/http/browser-sign-in/activation-page.js'

export type Rule = 'G1' | 'G2' | 'G3' | 'G4' | 'G5' | 'G6' | 'G7' | 'G8' | 'G9'
export interface Violation {
  rule: Rule
  detail: string
}

export type Endpoint =
  | 'token'
  | 'introspect'
  | 'revoke'
  | 'keys'
  | 'discovery'
  | 'other'
  | BrowserEndpoint
  | 'userinfo'
  | 'device_authorize'
  | 'par'
  | 'authn'
  | 'interact'
  | 'idx'
  | 'email-verify'
/** Endpoints a browser visits: their errors are HTML pages or redirects, not JSON (docs/sign-in.md, docs/device-exchange-par.md). */
export type BrowserEndpoint = 'authorize' | 'logout' | 'sign-in' | 'activate'
const BROWSER: ReadonlySet<Endpoint> = new Set<Endpoint>(['authorize', 'logout', 'sign-in', 'activate'])

/** Registered `error` codes per endpoint (RFC 6749 §5.2, 7662, 7009) plus Okta's and mockta's additions. */
export const REGISTERED_ERRORS: Record<Endpoint, ReadonlySet<string>> = {
  // RFC 8628 §3.5 adds authorization_pending, slow_down and expired_token; RFC 8693 §2.2.2 invalid_target;
  // RFC 9449 §12.2 invalid_dpop_proof and use_dpop_nonce.
  token: new Set([
    'invalid_request',
    'invalid_client',
    'invalid_grant',
    'unauthorized_client',
    'unsupported_grant_type',
    'invalid_scope',
    'access_denied',
    'authorization_pending',
    'slow_down',
    'expired_token',
    'invalid_target',
    'temporarily_unavailable',
    'server_error',
    'invalid_dpop_proof',
    'use_dpop_nonce',
  ]),
  // RFC 8628 §3.2: the token endpoint's client errors.
  device_authorize: new Set(['invalid_request', 'invalid_client', 'unauthorized_client', 'invalid_scope', 'temporarily_unavailable', 'server_error']),
  // RFC 9126 §2.3: the token endpoint's client errors and /authorize's request errors, as JSON.
  par: new Set([
    'invalid_request',
    'invalid_client',
    'unauthorized_client',
    'invalid_scope',
    'unsupported_response_type',
    'missing_redirect_uri',
    'unsupported_response_mode',
    'access_denied',
    'temporarily_unavailable',
    'server_error',
  ]),
  introspect: new Set(['invalid_request', 'invalid_client', 'temporarily_unavailable', 'server_error']),
  // The Identity Engine's /v1/interact (docs/identity-engine.md): the token endpoint's client errors and Okta's access_denied.
  interact: new Set(['invalid_request', 'invalid_client', 'unauthorized_client', 'invalid_scope', 'access_denied', 'temporarily_unavailable', 'server_error']),
  revoke: new Set(['invalid_request', 'invalid_client', 'unsupported_token_type', 'temporarily_unavailable', 'server_error']),
  keys: new Set(['invalid_request', 'server_error']),
  discovery: new Set(['invalid_request', 'server_error']),
  other: new Set(['invalid_request', 'server_error']),
  // The Authentication API answers with Okta's API error body (docs/authentication-api.md § 1.2): its errorCodes.
  authn: new Set(['E0000001', 'E0000003', 'E0000004', 'E0000007', 'E0000011', 'E0000014', 'E0000047', 'E0000068', 'E0000079', 'E0000080', 'E0000082']),
  // RFC 6749 §4.1.2.1 and OIDC Core §3.1.2.6, plus Okta's page errors: invalid_client (unknown
  // client_id), missing_redirect_uri and unsupported_response_mode (its own error codes).
  authorize: new Set([
    'invalid_request',
    'invalid_request_uri',
    'invalid_client',
    'missing_redirect_uri',
    'unsupported_response_mode',
    'unauthorized_client',
    'access_denied',
    'unsupported_response_type',
    'invalid_scope',
    'login_required',
    'interaction_required',
    'consent_required',
    'temporarily_unavailable',
    'server_error',
  ]),
  logout: new Set(['invalid_request', 'temporarily_unavailable', 'server_error']),
  'sign-in': new Set(['invalid_request', 'temporarily_unavailable', 'server_error']),
  activate: new Set(['invalid_request', 'temporarily_unavailable', 'server_error']),
  // RFC 6750 §3.1.
  userinfo: new Set(['invalid_request', 'invalid_token', 'insufficient_scope', 'temporarily_unavailable', 'server_error', 'invalid_dpop_proof', 'use_dpop_nonce']),
  // The IDX API answers Okta's i18n keys in IDX bodies, not OAuth errors (docs/identity-engine.md § Errors).
  idx: new Set([
    'errors.E0000004',
    'incorrectPassword',
    'errors.E0000119',
    'idx.session.expired',
    'errors.E0000020',
    'errors.E0000007',
    'errors.E0000022',
    'api.authn.error.PASSCODE_INVALID',
    'password.passwordRequirementsNotMet',
    'model.validation.field.blank',
    'registration.error.notUniqueWithinOrg',
    'registration.error.invalidLoginEmail',
    // The store's outage is OAuth's (checkIdxAnswer reads it as the body's error).
    'temporarily_unavailable',
    'server_error',
  ]),
  // The magic link's page (docs/identity-engine.md § Magic link).
  'email-verify': new Set(['idx.return.link.expired']),
}

const ION_JSON = 'application/ion+json; okta-version=1.0.0'
const EXPIRED_LINK_TEXT = 'This email link has expired. To resend it, return to the screen where you requested it.'

/** The i18n key an IDX answer reports: its first message's, else the first field message of its first form (a wrong code). */
function idxKey(json: Record<string, unknown>): string | undefined {
  const first = (m: unknown): string | undefined => {
    const key = (m as { value?: Array<{ i18n?: { key?: unknown } }> } | undefined)?.value?.[0]?.i18n?.key
    return typeof key === 'string' ? key : undefined
  }
  const top = first(json['messages'])
  if (top !== undefined) return top
  type Field = { messages?: unknown; form?: { value?: Field[] } }
  const fields = (json['remediation'] as { value?: Array<{ value?: Field[] }> } | undefined)?.value?.[0]?.value ?? []
  for (const field of fields) for (const inner of [field, ...(field.form?.value ?? [])]) if (first(inner.messages) !== undefined) return first(inner.messages)
  return undefined
}

/** OAuth 2.1 §3.2.4: error and error_description use %x20-21 / %x23-5B / %x5D-7E only. */
const ERROR_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** Hang guard only: G8's 1 s (docs/reliability.md § G8) is measured and reported, not asserted (no timing assertions in tests). */
export const HANG_GUARD_MS = 10_000

export interface Answer {
  status: number
  headers: Record<string, string | string[] | number | undefined>
  body: string
}

export const endpointOf = (url: string): Endpoint => {
  const path = url.split('?', 1)[0]!
  if (/\/v1\/token$/.test(path)) return 'token'
  if (/\/v1\/introspect$/.test(path)) return 'introspect'
  if (/\/v1\/revoke$/.test(path)) return 'revoke'
  if (/\/v1\/keys$/.test(path)) return 'keys'
  if (/\/\.well-known\//.test(path)) return 'discovery'
  if (/\/v1\/authorize$/.test(path)) return 'authorize'
  if (/\/v1\/logout$/.test(path)) return 'logout'
  if (/\/v1\/userinfo$/.test(path)) return 'userinfo'
  if (/\/v1\/device\/authorize$/.test(path)) return 'device_authorize'
  if (/\/v1\/par$/.test(path)) return 'par'
  if (path === '/api/v1/authn' || path.startsWith('/api/v1/authn/')) return 'authn'
  if (/\/v1\/interact$/.test(path)) return 'interact'
  if (path === SIGN_IN_PATH) return 'sign-in'
  if (path === ACTIVATION_PATH) return 'activate'
  if (path.startsWith('/idp/idx/')) return 'idx'
  if (path.startsWith('/email/verify/')) return 'email-verify'
  return 'other'
}

/** Okta's management-API body for an unknown authorization server (docs/okta-behaviour.md § 1.1): the one non-OAuth 4xx. */
const isOktaApiNotFound = (status: number, body: Record<string, unknown>): boolean => status === 404 && typeof body['errorCode'] === 'string' && body['errorCode'] === 'E0000007'

/** Okta's API error body (docs/authentication-api.md § 1.2): exactly its five members, a known errorCode, text without control characters. */
function checkOktaApiError(json: Record<string, unknown>): Violation[] {
  const v: Violation[] = []
  const members = Object.keys(json).sort().join(',')
  if (members !== 'errorCauses,errorCode,errorId,errorLink,errorSummary') v.push({ rule: 'G2', detail: `members ${members}` })
  const code = json['errorCode']
  if (typeof code !== 'string' || !REGISTERED_ERRORS.authn.has(code)) v.push({ rule: 'G2', detail: `errorCode ${String(code)} not registered for authn` })
  if (json['errorLink'] !== code) v.push({ rule: 'G2', detail: 'errorLink is not the errorCode' })
  if (typeof json['errorId'] !== 'string' || !/^oae[0-9A-Za-z]{17}$/.test(json['errorId'])) v.push({ rule: 'G2', detail: 'errorId not oae…' })
  const summary = json['errorSummary']
  if (typeof summary !== 'string' || !ERROR_TEXT.test(summary)) v.push({ rule: 'G2', detail: 'errorSummary missing or with forbidden characters' })
  const causes = json['errorCauses']
  if (!Array.isArray(causes) || !causes.every((c) => typeof c === 'object' && c !== null && typeof (c as { errorSummary?: unknown }).errorSummary === 'string'))
    v.push({ rule: 'G2', detail: 'errorCauses not a list of { errorSummary }' })
  return v
}

/**
 * The fixed vocabulary of error answers: a window of a presented value that also occurs here (e.g.
 * "password" in a presented password) is the description talking, not an echo.
 */
const VOCABULARY = [
  ...Object.values(oktaErrors).map((e) => e.description),
  ...Object.values(mocktaErrors).map((e) => e.description),
  ...supportedGrantTypes,
  'grant_type refresh_token client_id client_secret client_assertion username password token token_type_hint scope redirect_uri',
].join('\n')

/** All 8-character substrings of a value, for the no-echo rule (docs/reliability.md § G3). */
function windows(value: string, size = 8): string[] {
  // Distinct windows only: a long repetitive value (a 3,000-character fuzz value) has few.
  const out = new Set<string>()
  for (let i = 0; i + size <= value.length; i++) out.add(value.slice(i, i + size))
  return [...out]
}

/**
 * docs/reliability.md § G1 (status), G2 (shape), G3 (no echo of `presented`), G4 (cache and challenge headers), G8 (hang
 * guard) for one answer. `sentAuthorization`: whether the request carried an Authorization header.
 */
export interface CheckOptions {
  /** Secrets, tokens, codes and verifiers the request carried: never echoed (docs/reliability.md § G3). */
  presented?: readonly string[]
  /** Values that must not come back in an error (rejected redirect URIs): docs/reliability.md § G3 on error answers only. */
  rejected?: readonly string[]
  /** Every registered redirect URI: a redirect anywhere else breaks RFC 6749 §4.1.2.1 (docs/reliability.md § G2). */
  redirectTargets?: readonly string[]
  sentAuthorization?: boolean
  ms?: number
  injectedFault?: boolean
}

export function checkAnswer(endpoint: Endpoint, answer: Answer, options: CheckOptions = {}): Violation[] {
  const v: Violation[] = []
  const { status, headers, body } = answer
  if (status >= 500 && !options.injectedFault) v.push({ rule: 'G1', detail: `status ${status}` })
  if (endpoint === 'idx') {
    v.push(...checkIdxAnswer(answer, options))
  } else if (BROWSER.has(endpoint) && (status === 302 || status === 303 || String(headers['content-type'] ?? '').startsWith('text/html'))) {
    v.push(...checkBrowserAnswer(endpoint, answer, options))
  } else if (endpoint === 'email-verify' && status >= 400) {
    if (!String(headers['content-type'] ?? '').startsWith('text/html')) v.push({ rule: 'G2', detail: `content-type ${headers['content-type']}` })
    if (!body.includes(EXPIRED_LINK_TEXT)) v.push({ rule: 'G2', detail: 'not the expired-link page' })
    v.push(...echoes([body], options.presented ?? []))
  } else if (endpoint === 'userinfo' && status >= 400 && status < 500 && !String(headers['content-type'] ?? '').startsWith('application/json')) {
    // Framing errors (a repeated Authorization header, a non-form body) come before the route: JSON.
    v.push(...checkBearerError(answer, options))
  } else if (status >= 400) {
    let json: Record<string, unknown> | undefined
    try {
      const parsed: unknown = JSON.parse(body)
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>
    } catch {
      // not JSON
    }
    if (!String(headers['content-type'] ?? '').startsWith('application/json')) v.push({ rule: 'G2', detail: `content-type ${headers['content-type']}` })
    if (!json) v.push({ rule: 'G2', detail: 'body is not a JSON object' })
    else if (endpoint === 'authn') v.push(...checkOktaApiError(json))
    else if (!isOktaApiNotFound(status, json)) {
      const extra = Object.keys(json).filter((k) => k !== 'error' && k !== 'error_description')
      if (extra.length) v.push({ rule: 'G2', detail: `members ${extra.join(',')}` })
      const error = json['error']
      if (typeof error !== 'string' || !ERROR_TEXT.test(error)) v.push({ rule: 'G2', detail: 'error missing or with forbidden characters' })
      else if (!REGISTERED_ERRORS[endpoint].has(error)) v.push({ rule: 'G2', detail: `error ${error} not registered for ${endpoint}` })
      const description = json['error_description']
      if (description !== undefined && (typeof description !== 'string' || !ERROR_TEXT.test(description)))
        v.push({ rule: 'G2', detail: 'error_description with forbidden characters' })
    }
    if (/"statusCode"|FST_ERR|"stack"|\bat .*\.(ts|js):\d+/.test(body)) v.push({ rule: 'G2', detail: 'Fastify shape or stack trace' })
    for (const value of options.presented ?? []) {
      if (value.length >= 8 && windows(value).some((w) => body.includes(w) && !VOCABULARY.includes(w))) v.push({ rule: 'G3', detail: `echoes part of ${value.slice(0, 4)}…` })
    }
  } else {
    for (const value of options.presented ?? []) if (value.length >= 12 && body.includes(value)) v.push({ rule: 'G3', detail: `echoes ${value.slice(0, 4)}…` })
  }
  if (
    (endpoint === 'token' || endpoint === 'introspect' || endpoint === 'userinfo' || endpoint === 'device_authorize' || endpoint === 'par') &&
    status !== 404 &&
    status !== 405 &&
    status < 500
  ) {
    if (!String(headers['cache-control'] ?? '').includes('no-store')) v.push({ rule: 'G4', detail: 'no Cache-Control: no-store' })
    if (headers['pragma'] !== 'no-cache') v.push({ rule: 'G4', detail: 'no Pragma: no-cache' })
  }
  // RFC 6750 §3: a protected resource's 401 always carries a Bearer challenge.
  if (status === 401 && endpoint === 'userinfo' && !/^(Bearer|DPoP) /.test(String(headers['www-authenticate'] ?? '')))
    v.push({ rule: 'G4', detail: 'a /userinfo 401 without WWW-Authenticate: Bearer (or DPoP)' })
  if (
    status === 401 &&
    endpoint !== 'userinfo' &&
    !BROWSER.has(endpoint) &&
    options.sentAuthorization &&
    !/^Basic realm="[^"]+"$/.test(String(headers['www-authenticate'] ?? ''))
  ) {
    v.push({ rule: 'G4', detail: 'a 401 after an Authorization header without WWW-Authenticate: Basic' })
  }
  if (options.ms !== undefined && options.ms > HANG_GUARD_MS) v.push({ rule: 'G8', detail: `${Math.round(options.ms)} ms` })
  return v
}

/** The fixed text of mockta's pages: a window of a presented value found there is the page, not an echo. */
const STATIC_PAGES = [
  page('Error', ''),
  page('Signing in', ''),
  signInPage({ appName: '', transactionId: '', username: '', failed: true, users: [] }),
  userCodePage({ failed: true, userCode: '' }),
].join('\n')

const isFixedText = (w: string) => VOCABULARY.includes(w) || STATIC_PAGES.includes(w)

/** docs/reliability.md § G3 over some texts: no 8-character window of a presented value that is not fixed vocabulary. */
function echoes(texts: readonly string[], values: readonly string[]): Violation[] {
  const v: Violation[] = []
  for (const value of values) {
    if (value.length >= 8 && windows(value).some((w) => texts.some((text) => text.includes(w)) && !isFixedText(w)))
      v.push({ rule: 'G3', detail: `echoes part of ${value.slice(0, 4)}…` })
  }
  return v
}

/** docs/reliability.md § G2 for an error carried as parameters (redirect, form_post, page, Bearer challenge). */
function checkErrorParams(endpoint: Endpoint, error: string | null | undefined, description: string | null | undefined): Violation[] {
  const v: Violation[] = []
  if (typeof error !== 'string' || !ERROR_TEXT.test(error)) v.push({ rule: 'G2', detail: 'error missing or with forbidden characters' })
  else if (!REGISTERED_ERRORS[endpoint].has(error)) v.push({ rule: 'G2', detail: `error ${error} not registered for ${endpoint}` })
  if (description !== null && description !== undefined && !ERROR_TEXT.test(description)) v.push({ rule: 'G2', detail: 'error_description with forbidden characters' })
  return v
}

const UNESCAPE: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" }
const unescapeHtml = (text: string) => text.replace(/&(amp|lt|gt|quot|#39);/g, (e) => UNESCAPE[e]!)

/** The error and description of mockta's error page (src/http/html.ts sendErrorPage). */
function pageError(body: string): { error: string; description: string } | undefined {
  const m = /<div class="alert" role="alert">\n<p><strong>([^<]*)<\/strong><\/p>\n<p>([^<]*)<\/p>/.exec(body)
  return m ? { error: unescapeHtml(m[1]!), description: unescapeHtml(m[2]!) } : undefined
}

/** The hidden inputs of a form_post page. */
function hiddenInputs(body: string): Map<string, string> {
  const inputs = new Map<string, string>()
  for (const m of body.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) inputs.set(unescapeHtml(m[1]!), unescapeHtml(m[2]!))
  return inputs
}

/**
 * /authorize, /logout and the sign-in form: before the client and its redirect URI are proven, an
 * HTML error page (status 400); after, the error travels on the redirect (or form_post) as `error`
 * and `error_description` (RFC 6749 §4.1.2.1). Pages are never cached; nothing presented comes back,
 * and a rejected redirect URI is not shown.
 */
function checkBrowserAnswer(endpoint: Endpoint, answer: Answer, options: CheckOptions): Violation[] {
  const v: Violation[] = []
  const { status, headers, body } = answer
  const presented = options.presented ?? []
  // A registered redirect URI is not a rejected one (a form_post page rightly posts to it).
  const rejected = (options.rejected ?? []).filter((r) => !options.redirectTargets?.includes(r))
  if (status === 302 || status === 303) {
    const location = String(headers['location'] ?? '')
    let url: URL
    try {
      url = new URL(location)
    } catch {
      return [{ rule: 'G2', detail: 'a redirect without an absolute Location' }]
    }
    const target = location.split(/[?#]/, 1)[0]
    if (options.redirectTargets && !options.redirectTargets.some((t) => t.split(/[?#]/, 1)[0] === target)) v.push({ rule: 'G2', detail: 'a redirect to an unregistered URI' })
    const params = new URLSearchParams(url.search)
    for (const [k, value] of new URLSearchParams(url.hash.slice(1))) params.append(k, value)
    if (params.has('error')) {
      v.push(...checkErrorParams(endpoint, params.get('error'), params.get('error_description')))
      v.push(...echoes([params.get('error') ?? '', params.get('error_description') ?? ''], [...presented, ...rejected]))
    }
    for (const value of presented) if (value.length >= 12 && location.includes(value)) v.push({ rule: 'G3', detail: `the redirect carries ${value.slice(0, 4)}…` })
    return v
  }
  if (!String(headers['cache-control'] ?? '').includes('no-store')) v.push({ rule: 'G4', detail: 'a page without Cache-Control: no-store' })
  const shown = pageError(body)
  const hidden = hiddenInputs(body)
  let isError = status >= 400
  if (shown) {
    isError = true
    if (status !== 400) v.push({ rule: 'G2', detail: `an error page with status ${status}` })
    v.push(...checkErrorParams(endpoint, shown.error, shown.description))
  } else if (hidden.has('error')) {
    isError = true
    v.push(...checkErrorParams(endpoint, hidden.get('error'), hidden.get('error_description')))
  } else if (status >= 400 && !(endpoint === 'sign-in' && status === 401) && !(endpoint === 'activate' && (status === 400 || status === 401) && /role="alert"/.test(body))) {
    // The error pages without an OAuth error: the sign-in form saying the password was wrong, and the
    // activation page asking for the code again (docs/device-exchange-par.md).
    v.push({ rule: 'G2', detail: `a ${status} page without an error` })
  }
  v.push(...echoes([body], isError ? [...presented, ...rejected] : presented))
  return v
}

/** /userinfo errors (RFC 6750 §3, RFC 9449 §7.1, Okta): an empty body and a Bearer (or, for the DPoP scheme, DPoP) challenge carrying the error. */
function checkBearerError(answer: Answer, options: CheckOptions): Violation[] {
  const v: Violation[] = []
  if (answer.body !== '') v.push({ rule: 'G2', detail: 'a /userinfo error with a body' })
  const challenge = String(answer.headers['www-authenticate'] ?? '')
  if (!/^(Bearer|DPoP) /.test(challenge)) v.push({ rule: 'G2', detail: 'a /userinfo error without a Bearer (or DPoP) challenge' })
  const error = /(?:^|[ ,])error="([^"]*)"/.exec(challenge)?.[1]
  const description = /error_description="([^"]*)"/.exec(challenge)?.[1]
  v.push(...checkErrorParams('userinfo', error, description))
  v.push(...echoes([challenge, answer.body], options.presented ?? []))
  return v
}

/** A canonical dump of a MemoryStore's records, for docs/reliability.md § G5 (the same before and after a rejected request). */
export function snapshotStore(store: Store): string {
  const s = store as MemoryStore
  const families = [...s['families'].values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map((f) => f.toRecord())
  const revoked = [...s['revokedAccessTokens'].entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  // Codes (with their redeemed and replayed marks), sessions and sign-in transactions (docs/sign-in.md).
  const signIn = s['authorization'] as unknown as Record<'codes' | 'sessions' | 'transactions', Map<string, unknown>>
  const sorted = (m: Map<string, unknown>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  // Device authorizations (with their polls and answers) and pushed requests (docs/device-exchange-par.md).
  const grants = s['grantRecords'].held
  return JSON.stringify([
    families,
    revoked,
    sorted(signIn.codes),
    sorted(signIn.sessions),
    sorted(signIn.transactions),
    sorted(grants.devices),
    sorted(grants.userCodes),
    sorted(grants.pushed),
  ])
}

/**
 * A cheap docs/reliability.md § G5 fingerprint for fuzz runs (a full dump per run would grow with the run): how many
 * families, rotations, revocations, codes (redeemed, replayed), sessions and transactions, device
 * authorizations (answered or not) and pushed requests.
 */
export function storeFingerprint(store: Store): Record<string, number> {
  const s = store as MemoryStore
  let generations = 0
  let revokedFamilies = 0
  for (const f of s['families'].values()) {
    generations += f.generation
    if (f.revokedAtMs !== null) revokedFamilies++
  }
  const signIn = s['authorization'] as unknown as {
    codes: Map<string, { redeemed: boolean; replayed: boolean }>
    sessions: Map<string, unknown>
    transactions: Map<string, unknown>
  }
  let redeemed = 0
  let replayed = 0
  for (const e of signIn.codes.values()) {
    if (e.redeemed) redeemed++
    if (e.replayed) replayed++
  }
  const grants = s['grantRecords'].held
  let decided = 0
  for (const d of grants.devices.values()) if (d.status !== 'pending') decided++
  return {
    devices: grants.devices.size,
    decided,
    pushed: grants.pushed.size,
    families: s['families'].size,
    generations,
    revokedFamilies,
    revokedAccessTokens: s['revokedAccessTokens'].size,
    codes: signIn.codes.size,
    redeemed,
    replayed,
    sessions: signIn.sessions.size,
    transactions: signIn.transactions.size,
  }
}

/** The `error` and `error_description` of any answer: JSON body, redirect, error page, form_post or Bearer challenge. */
export function answerError(answer: Answer): { error?: string | undefined; description?: string | undefined } {
  const { headers, body } = answer
  const location = headers['location']
  if (typeof location === 'string') {
    try {
      const url = new URL(location)
      const params = new URLSearchParams(url.search)
      for (const [k, value] of new URLSearchParams(url.hash.slice(1))) params.append(k, value)
      return { error: params.get('error') ?? undefined, description: params.get('error_description') ?? undefined }
    } catch {
      return {}
    }
  }
  const challenge = headers['www-authenticate']
  if (typeof challenge === 'string' && challenge.startsWith('Bearer ')) {
    return { error: /(?:^|[ ,])error="([^"]*)"/.exec(challenge)?.[1], description: /error_description="([^"]*)"/.exec(challenge)?.[1] }
  }
  if (headers['content-type'] === ION_JSON) {
    try {
      return { error: idxKey(JSON.parse(body) as Record<string, unknown>) }
    } catch {
      return {}
    }
  }
  if (String(headers['content-type'] ?? '').startsWith('text/html') && body.includes(EXPIRED_LINK_TEXT)) return { error: 'idx.return.link.expired' }
  if (String(headers['content-type'] ?? '').startsWith('text/html')) {
    const shown = pageError(body)
    if (shown) return shown
    const hidden = hiddenInputs(body)
    return { error: hidden.get('error'), description: hidden.get('error_description') }
  }
  try {
    const json = JSON.parse(body) as Record<string, unknown>
    // Okta's API error body names its error errorCode and errorSummary (docs/authentication-api.md § 1.2).
    const error = json['error'] ?? json['errorCode']
    const description = json['error_description'] ?? json['errorSummary']
    return { error: typeof error === 'string' ? error : undefined, description: typeof description === 'string' ? description : undefined }
  } catch {
    return {}
  }
}

/** The i18n keys of an IDX body's messages: top-level first, then those on form fields, in order. */
export function idxMessageKeys(json: Record<string, unknown>): string[] {
  const keys: string[] = []
  const collect = (messages: unknown) => {
    for (const m of ((messages as { value?: unknown[] } | undefined)?.value ?? []) as Array<{ i18n?: { key?: unknown } }>)
      if (typeof m?.i18n?.key === 'string') keys.push(m.i18n.key)
  }
  collect(json['messages'])
  const walk = (fields: unknown): void => {
    for (const f of (Array.isArray(fields) ? fields : []) as Array<Record<string, unknown>>) {
      collect(f['messages'])
      walk((f['form'] as { value?: unknown } | undefined)?.value)
    }
  }
  for (const r of ((json['remediation'] as { value?: unknown[] } | undefined)?.value ?? []) as Array<Record<string, unknown>>) walk(r['value'])
  return keys
}

/**
 * An IDX answer (docs/identity-engine.md, "Errors"): Okta's media type, a JSON object with
 * `version: "1.0.0"`, an error's reason as i18n-keyed messages, and nothing presented repeated.
 */
function checkIdxAnswer(answer: Answer, options: CheckOptions): Violation[] {
  const v: Violation[] = []
  const { status, headers, body } = answer
  if (headers['content-type'] !== ION_JSON) v.push({ rule: 'G2', detail: `content-type ${headers['content-type']}` })
  let json: Record<string, unknown> | undefined
  try {
    const parsed: unknown = JSON.parse(body)
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>
  } catch {
    // not JSON
  }
  if (json?.['version'] !== '1.0.0') v.push({ rule: 'G2', detail: 'not an IDX body' })
  else if (status >= 400) {
    const key = idxKey(json)
    if (key === undefined) v.push({ rule: 'G2', detail: 'an IDX error without a message' })
    else if (!REGISTERED_ERRORS.idx.has(key)) v.push({ rule: 'G2', detail: `i18n key ${key} not registered for idx` })
  }
  if (/"statusCode"|FST_ERR|"stack"|\bat .*\.(ts|js):\d+/.test(body)) v.push({ rule: 'G2', detail: 'Fastify shape or stack trace' })
  for (const value of options.presented ?? []) if (value.length >= 8 && body.includes(value)) v.push({ rule: 'G3', detail: `echoes ${value.slice(0, 4)}…` })
  return v
}

/** Every redirect URI a configuration registers (login and logout), for CheckOptions.redirectTargets. */
export const registeredRedirects = (clients: ReadonlyArray<{ redirectUris?: readonly string[]; postLogoutRedirectUris?: readonly string[] }>): string[] =>
  clients.flatMap((c) => [...(c.redirectUris ?? []), ...(c.postLogoutRedirectUris ?? [])])

/** Values a request offered as redirect targets: never shown back in an error (docs/reliability.md § G3). */
export function offeredRedirects(query: URLSearchParams, body: URLSearchParams | undefined): string[] {
  const names = ['redirect_uri', 'post_logout_redirect_uri']
  return [...query, ...(body ?? [])].filter(([k]) => names.includes(k)).map(([, v]) => v)
}
