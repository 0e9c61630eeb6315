/**
 * Leak canaries (reliability bar SP-2, SP-3, G3, G9), attached to every app `buildTestApp` builds.
 * Every secret, credential and token seen — configured client secrets and passwords, every
 * Authorization header, every sensitive parameter sent, every token issued — becomes a canary. At
 * teardown the app's logs (captured at `trace`) are searched for each canary raw, URL-encoded,
 * form-encoded, base64 and base64url; each response is checked when sent for the values its own
 * request presented and for the configured secrets. Any hit fails the test and the report gate.
 */
import type { FastifyInstance } from 'fastify'
import { record } from './report.js'

/** Request parameters whose values are credentials or tokens (body or query). */
const SENSITIVE = ['client_secret', 'refresh_token', 'token', 'password', 'code', 'code_verifier', 'client_assertion', 'id_token_hint', 'access_token', 'id_token']
/** Response members that carry issued tokens. */
const ISSUED = ['access_token', 'refresh_token', 'id_token', 'code'] as const
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
    values.push(header)
    const credentials = header.replace(/^\S+\s+/, '')
    values.push(credentials)
    const decoded = Buffer.from(credentials, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon !== -1) values.push(decoded.slice(colon + 1))
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
    app.addHook('onSend', async (req, _reply, payload) => {
      const presented = presentedBy(req.headers, req.body, req.query)
      for (const value of presented) this.canaries.add(value)
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
    record('canary', { canaries: this.canaries.size, logBytes: Buffer.byteLength(logs), responses: this.responses, logHits: logHits.length, responseHits: this.responseHits.length })
    return { logHits, responseHits: this.responseHits }
  }
}
