/**
 * Leak canaries (docs/reliability.md § SP-2, SP-3, G3, G9), attached to every app `buildTestApp` builds.
 * Every secret, credential and token seen — configured client secrets, passwords and the control
 * plane's admin token, every Authorization header, every sensitive parameter sent (passwords typed
 * into the sign-in form, codes, PKCE verifiers), every token issued, every authorization code on a
 * redirect, every cookie value (sign-in session, browser binding) and sign-in transaction id — becomes a canary. At
 * teardown the app's logs (captured at `trace`) are searched for each canary raw, URL-encoded,
 * form-encoded, base64 and base64url; each response is checked when sent for the values its own
 * request presented and for the configured secrets. Any hit fails the test and the report gate.
 */
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../src/config/types.js'
import { record } from './report.js'

/** Request parameters whose values are credentials or tokens (body or query). */
const SENSITIVE = [
  'client_secret',
  'refresh_token',
  'token',
  'password',
  'code',
  'code_verifier',
  'client_assertion',
  'id_token_hint',
  'access_token',
  'id_token',
  'device_code',
  'subject_token',
  'actor_token',
]
/** Response members that carry issued tokens (a device code is the device's bearer credential until it polls, RFC 8628 §5.2). */
const ISSUED = ['access_token', 'refresh_token', 'id_token', 'code', 'device_code'] as const
/** Shorter or low-entropy values would match log text by chance; tokens and secrets are far longer. */
const MIN_LENGTH = 12

export const isCanaryWorthy = (value: string): boolean => value.length >= MIN_LENGTH && new Set(value).size >= 4

/** The forms a value could take in a log line. */
export const encodingsOf = (value: string): string[] => [
  ...new Set([
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    Buffer.from(value).toString('base64'),
    Buffer.from(value).toString('base64url'),
  ]),
]

/** Every canary found in `text`, by one pass over the text with an index of 12-character prefixes. */
export function findCanaries(text: string, canaries: Iterable<string>): string[] {
  const byPrefix = new Map<string, Array<{ canary: string; form: string }>>()
  for (const canary of canaries) {
    for (const form of encodingsOf(canary)) {
      const key = form.slice(0, MIN_LENGTH)
      const list = byPrefix.get(key)
      if (list) list.push({ canary, form })
      else byPrefix.set(key, [{ canary, form }])
    }
  }
  const hits = new Set<string>()
  for (let i = 0; i + MIN_LENGTH <= text.length; i++) {
    const candidates = byPrefix.get(text.slice(i, i + MIN_LENGTH))
    if (!candidates) continue
    for (const { canary, form } of candidates) if (text.startsWith(form, i)) hits.add(canary)
  }
  return [...hits]
}

function stringsOf(source: unknown, names: readonly string[]): string[] {
  if (source === null || typeof source !== 'object') return []
  const values: string[] = []
  for (const name of names) {
    const value = (source as Record<string, unknown>)[name]
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') values.push(v)
  }
  return values
}

/** What a request presented: its Authorization header (whole, base64 part, decoded secret) and sensitive parameters. */
export function presentedBy(headers: Record<string, unknown>, body: unknown, query: unknown): string[] {
  const values = [...stringsOf(body, SENSITIVE), ...stringsOf(query, SENSITIVE)]
  const auth = headers['authorization']
  for (const header of Array.isArray(auth) ? auth : [auth]) {
    if (typeof header !== 'string') continue
    // The credentials, not the whole header: the scheme ("Bearer ") rightly comes back in a challenge,
    // and any window of the header that holds a secret holds a part of the credentials.
    const credentials = header.replace(/^\S+\s+/, '')
    values.push(credentials)
    const decoded = Buffer.from(credentials, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon !== -1) values.push(decoded.slice(colon + 1))
  }
  return values.filter(isCanaryWorthy)
}

/** Secrets that rightly come back to their holder (the sign-in form's transaction id, cookies): searched for in the logs only. */
export function loggedOnlyBy(headers: Record<string, unknown>, body: unknown): string[] {
  const values = stringsOf(body, ['tx'])
  const cookie = headers['cookie']
  for (const header of Array.isArray(cookie) ? cookie : [cookie]) {
    if (typeof header !== 'string') continue
    values.push(header)
    for (const part of header.split(';')) values.push(part.slice(part.indexOf('=') + 1).trim())
  }
  return values.filter(isCanaryWorthy)
}

/** Redirect and form_post parameters that carry codes or tokens (RFC 6749 §4.1.2, §4.2.2). */
const FRONT_CHANNEL = new Set(['code', 'access_token', 'id_token', 'refresh_token', 'tx'])
const HTML_ESCAPES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" }

/**
 * Secrets an answer hands out outside a JSON body: codes and tokens on a redirect (query or fragment),
 * cookie values (the session and the browser binding), and hidden form inputs (the sign-in form's
 * transaction id, form_post codes and tokens).
 */
export function issuedBy(headers: Record<string, unknown>, payload: string): string[] {
  const values: string[] = []
  const location = headers['location']
  if (typeof location === 'string') {
    try {
      const url = new URL(location, 'http://mockta.invalid')
      for (const [k, v] of [...new URLSearchParams(url.search), ...new URLSearchParams(url.hash.slice(1))]) if (FRONT_CHANNEL.has(k)) values.push(v)
    } catch {
      // Not a URL: nothing handed out.
    }
  }
  const setCookie = headers['set-cookie']
  for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
    if (typeof line !== 'string') continue
    const pair = line.split(';', 1)[0]!
    values.push(pair.slice(pair.indexOf('=') + 1))
  }
  if (payload.includes('<input type="hidden"')) {
    for (const m of payload.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
      if (FRONT_CHANNEL.has(m[1]!)) values.push(m[2]!.replace(/&(amp|lt|gt|quot|#39);/g, (e) => HTML_ESCAPES[e]!))
    }
  }
  return values.filter(isCanaryWorthy)
}

export class CanaryWatch {
  readonly canaries = new Set<string>()
  private readonly alwaysSecret: string[]
  responses = 0
  readonly responseHits: string[] = []

  constructor(secrets: readonly string[]) {
    this.alwaysSecret = secrets.filter(isCanaryWorthy)
    for (const s of this.alwaysSecret) this.canaries.add(s)
  }

  /** Adds a value a test sent or saw by other means (e.g. a junk token on a raw socket). */
  add(value: string): void {
    if (isCanaryWorthy(value)) this.canaries.add(value)
  }

  attach(app: FastifyInstance): void {
    app.addHook('onSend', async (req, reply, payload) => {
      const presented = presentedBy(req.headers, req.body, req.query)
      for (const value of presented) this.canaries.add(value)
      for (const value of loggedOnlyBy(req.headers, req.body)) this.canaries.add(value)
      for (const value of issuedBy(reply.getHeaders(), typeof payload === 'string' ? payload : '')) this.canaries.add(value)
      if (typeof payload !== 'string') return payload
      this.responses++
      let parsed: Record<string, unknown> | undefined
      try {
        const json: unknown = JSON.parse(payload)
        if (json !== null && typeof json === 'object') parsed = json as Record<string, unknown>
      } catch {
        // Not JSON: still searched as text.
      }
      // A refresh that does not rotate hands the presented refresh token back: that is where it belongs.
      const belongs = new Set(stringsOf(parsed, ['refresh_token']))
      for (const value of [...presented, ...this.alwaysSecret]) {
        if (!belongs.has(value) && payload.includes(value)) this.responseHits.push(`${req.method} ${req.url.split('?', 1)[0]}: ${value.slice(0, 4)}…`)
      }
      for (const issued of stringsOf(parsed, ISSUED)) this.add(issued)
      return payload
    })
  }

  /** Searches the logs, records the figures for the report, and returns every hit. */
  check(logs: string): { logHits: string[]; responseHits: string[] } {
    const logHits = findCanaries(logs, this.canaries).map((c) => `${c.slice(0, 4)}… (${c.length} chars)`)
    record('canary', {
      canaries: this.canaries.size,
      logBytes: Buffer.byteLength(logs),
      responses: this.responses,
      logHits: logHits.length,
      responseHits: this.responseHits.length,
    })
    return { logHits, responseHits: this.responseHits }
  }
}

/** Attaches a CanaryWatch whose always-secret values are the configured secrets (client secrets, user passwords, the admin token). */
export function leakWatch(app: FastifyInstance, config: Config): CanaryWatch {
  const canaries = new CanaryWatch([
    ...config.clients.flatMap((c) => (c.secret === undefined ? [] : [c.secret])),
    ...config.users.map((u) => u.password),
    ...(config.control.adminToken === undefined ? [] : [config.control.adminToken]),
  ])
  canaries.attach(app)
  return canaries
}

/** At teardown: closes the app, searches its logs, and fails the test on any hit in them or in a response. */
export function failOnLeaks(t: { teardown(fn: () => unknown): void }, app: FastifyInstance, canaries: CanaryWatch, logs: () => string): void {
  t.teardown(async () => {
    await app.close()
    const { logHits, responseHits } = canaries.check(logs())
    if (logHits.length + responseHits.length > 0) throw new Error(`leak canaries hit: logs ${JSON.stringify(logHits)} responses ${JSON.stringify(responseHits)}`)
  })
}

/** Makes `app` a leak canary run (docs/reliability.md § SP-2): leakWatch now, failOnLeaks at teardown. */
export function watchForLeaks(t: { teardown(fn: () => unknown): void }, app: FastifyInstance, config: Config, logs: () => string): CanaryWatch {
  const canaries = leakWatch(app, config)
  failOnLeaks(t, app, canaries, logs)
  return canaries
}
