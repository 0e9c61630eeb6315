/**
 * The reliability bar's rules G1–G9 as one validator that returns violations instead of asserting, so
 * the catalogue, the fuzz properties and the socket cases share it and the report can count per rule.
 */
import { mocktaErrors, oktaErrors } from '../../src/errors/okta-errors.js'
import { supportedGrantTypes } from '../../src/grants/index.js'
import type { MemoryStore } from '../../src/store/memory-store.js'
import type { Store } from '../../src/store/store.js'

export type Rule = 'G1' | 'G2' | 'G3' | 'G4' | 'G5' | 'G6' | 'G7' | 'G8' | 'G9'
export interface Violation {
  rule: Rule
  detail: string
}

export type Endpoint = 'token' | 'introspect' | 'revoke' | 'keys' | 'discovery' | 'other'

/** Registered `error` codes per endpoint (RFC 6749 §5.2, 7662, 7009) plus Okta's and mockta's additions. */
export const REGISTERED_ERRORS: Record<Endpoint, ReadonlySet<string>> = {
  token: new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'access_denied', 'temporarily_unavailable', 'server_error']),
  introspect: new Set(['invalid_request', 'invalid_client', 'temporarily_unavailable', 'server_error']),
  revoke: new Set(['invalid_request', 'invalid_client', 'unsupported_token_type', 'temporarily_unavailable', 'server_error']),
  keys: new Set(['invalid_request', 'server_error']),
  discovery: new Set(['invalid_request', 'server_error']),
  other: new Set(['invalid_request', 'server_error']),
}

/** OAuth 2.1 §3.2.4: error and error_description use %x20-21 / %x23-5B / %x5D-7E only. */
const ERROR_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** Hang guard only: the bar's 1 s is measured and reported, not asserted (no timing assertions in tests). */
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
  return 'other'
}

/** Okta's management-API body for an unknown authorization server (wire spec §1.1): the one non-OAuth 4xx. */
const isOktaApiNotFound = (status: number, body: Record<string, unknown>): boolean =>
  status === 404 && typeof body['errorCode'] === 'string' && body['errorCode'] === 'E0000007'

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

/** All 8-character substrings of a value, for the no-echo rule (G3). */
function windows(value: string, size = 8): string[] {
  const out: string[] = []
  for (let i = 0; i + size <= value.length; i++) out.push(value.slice(i, i + size))
  return out
}

/**
 * G1 (status), G2 (shape), G3 (no echo of `presented`), G4 (cache and challenge headers), G8 (hang
 * guard) for one answer. `sentAuthorization`: whether the request carried an Authorization header.
 */
export function checkAnswer(
  endpoint: Endpoint,
  answer: Answer,
  options: { presented?: readonly string[]; sentAuthorization?: boolean; ms?: number; injectedFault?: boolean } = {},
): Violation[] {
  const v: Violation[] = []
  const { status, headers, body } = answer
  if (status >= 500 && !options.injectedFault) v.push({ rule: 'G1', detail: `status ${status}` })
  if (status >= 400) {
    let json: Record<string, unknown> | undefined
    try {
      const parsed: unknown = JSON.parse(body)
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>
    } catch {
      // not JSON
    }
    if (!String(headers['content-type'] ?? '').startsWith('application/json')) v.push({ rule: 'G2', detail: `content-type ${headers['content-type']}` })
    if (!json) v.push({ rule: 'G2', detail: 'body is not a JSON object' })
    else if (!isOktaApiNotFound(status, json)) {
      const extra = Object.keys(json).filter((k) => k !== 'error' && k !== 'error_description')
      if (extra.length) v.push({ rule: 'G2', detail: `members ${extra.join(',')}` })
      const error = json['error']
      if (typeof error !== 'string' || !ERROR_TEXT.test(error)) v.push({ rule: 'G2', detail: 'error missing or with forbidden characters' })
      else if (!REGISTERED_ERRORS[endpoint].has(error)) v.push({ rule: 'G2', detail: `error ${error} not registered for ${endpoint}` })
      const description = json['error_description']
      if (description !== undefined && (typeof description !== 'string' || !ERROR_TEXT.test(description))) v.push({ rule: 'G2', detail: 'error_description with forbidden characters' })
    }
    if (/"statusCode"|FST_ERR|"stack"|\bat .*\.(ts|js):\d+/.test(body)) v.push({ rule: 'G2', detail: 'Fastify shape or stack trace' })
    for (const value of options.presented ?? []) {
      if (value.length >= 8 && windows(value).some((w) => body.includes(w) && !VOCABULARY.includes(w))) v.push({ rule: 'G3', detail: `echoes part of ${value.slice(0, 4)}…` })
    }
  } else {
    for (const value of options.presented ?? []) if (value.length >= 12 && body.includes(value)) v.push({ rule: 'G3', detail: `echoes ${value.slice(0, 4)}…` })
  }
  if ((endpoint === 'token' || endpoint === 'introspect') && status !== 404 && status !== 405 && status < 500) {
    if (!String(headers['cache-control'] ?? '').includes('no-store')) v.push({ rule: 'G4', detail: 'no Cache-Control: no-store' })
    if (headers['pragma'] !== 'no-cache') v.push({ rule: 'G4', detail: 'no Pragma: no-cache' })
  }
  if (status === 401 && options.sentAuthorization && !/^Basic realm="[^"]+"$/.test(String(headers['www-authenticate'] ?? ''))) {
    v.push({ rule: 'G4', detail: 'a 401 after an Authorization header without WWW-Authenticate: Basic' })
  }
  if (options.ms !== undefined && options.ms > HANG_GUARD_MS) v.push({ rule: 'G8', detail: `${Math.round(options.ms)} ms` })
  return v
}

/** A canonical dump of a MemoryStore's records, for G5 (the same before and after a rejected request). */
export function snapshotStore(store: Store): string {
  const s = store as MemoryStore
  const families = [...s['families'].values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map((f) => [f.toRecord(), f.retired])
  const revoked = [...s['revokedAccessTokens'].entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return JSON.stringify([families, s['families'].tokenCount, revoked])
}
