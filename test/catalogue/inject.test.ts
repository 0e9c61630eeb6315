/**
 * The bad-input catalogue (docs/reliability.md § 1, rows #12–#117, with the sign-in flows' rows from
 * sign-in-rows.ts and the device, exchange and PAR rows from grant-rows.ts) through `app.inject`, one test per
 * variant: its expected status and `error`, then every rule G1–G9 (helpers/g-rules.ts) — no 5xx,
 * OAuth shape, no echo, cache and challenge headers, no state change, healthy afterwards,
 * deterministic (a second run on fresh fixtures gives the same answer), a hang guard (times are
 * measured and reported, not asserted), and nothing of the request in the logs.
 */
import { performance } from 'node:perf_hooks'
import t from 'tap'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { SERVICE, basic, buildTestApp, post, signIn, type TestApp } from '../helpers/app.js'
import { findCanaries, loggedOnlyBy, presentedBy } from '../helpers/canary.js'
import { answerError, checkAnswer, endpointOf, offeredRedirects, registeredRedirects, snapshotStore, type Violation } from '../helpers/g-rules.js'
import { record } from '../helpers/report.js'
import { CONFIGS, catalogueRows, type Fixture, type Row } from './rows.js'
import { signInRows } from './sign-in-rows.js'
import { grantRows } from './grant-rows.js'
import { dpopRows } from './dpop-rows.js'
import { authnRows } from './authn-rows.js'
import { idxEmailRows } from './idx-email-rows.js'
import { idxRows } from './idx-rows.js'

const apps = new Map<string, Promise<TestApp>>()
function appFor(name: keyof typeof CONFIGS): Promise<TestApp> {
  let app = apps.get(name)
  if (!app) {
    app = buildTestApp(t, {
      change: (c) => {
        CONFIGS[name](c)
        // No background sweep between the before and after snapshots of docs/reliability.md § G5.
        c.store.sweepIntervalSeconds = 86_400
      },
    })
    apps.set(name, app)
  }
  return app
}

async function fixture(app: TestApp): Promise<Fixture> {
  const [native, web] = await Promise.all([signIn(app.app), signIn(app.app, { client: 'web-app' })])
  return { t: app, native, web }
}

/** What a request presented (docs/reliability.md § G3, G9), what it may see again (G9 only), and the redirect targets it offered. */
function presentedIn(options: InjectOptions): { presented: string[]; loggedOnly: string[]; rejected: string[] } {
  const url = new URL(String(options.url), 'http://x')
  const query: Record<string, string[]> = Object.create(null)
  for (const [k, v] of url.searchParams) (query[k] ??= []).push(v)
  const body: Record<string, string[]> = Object.create(null)
  const text = typeof options.payload === 'string' || Buffer.isBuffer(options.payload) ? String(options.payload) : undefined
  const json = text?.startsWith('{') ? jsonObject(text) : undefined
  const form = text !== undefined && !json ? new URLSearchParams(text) : undefined
  for (const [k, v] of form ?? []) (body[k] ??= []).push(v)
  if (json) {
    // The Authentication API's JSON bodies (docs/authentication-api.md § 1.4): its secrets under the names presentedBy knows.
    for (const [k, v] of Object.entries(json)) if (typeof v === 'string') (body[JSON_NAMES[k] ?? k] ??= []).push(v)
    // An IDX body's password is its credentials.passcode (docs/identity-engine.md, "Requests").
    const passcode = (json['credentials'] as { passcode?: unknown } | undefined)?.passcode
    if (typeof passcode === 'string') (body['password'] ??= []).push(passcode)
  }
  const headers = (options.headers ?? {}) as Record<string, unknown>
  return { presented: presentedBy(headers, body, query), loggedOnly: loggedOnlyBy(headers, body), rejected: offeredRedirects(url.searchParams, form) }
}

const JSON_NAMES: Record<string, string> = { stateToken: 'token', passCode: 'code', oldPassword: 'password', newPassword: 'password' }

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

interface Run {
  res: LightMyRequestResponse
  ms: number
  violations: Violation[]
  failures: string[]
}

async function runOnce(row: Row, app: TestApp): Promise<Run> {
  const f = await fixture(app)
  const options = await row.request(f)
  const { presented, loggedOnly, rejected } = presentedIn(options)
  const before = snapshotStore(app.ctx.store)
  const logMark = app.logs().length
  const start = performance.now()
  const res = await app.app.inject(options)
  const ms = performance.now() - start
  const endpoint = endpointOf(String(options.url))
  const headers = (options.headers ?? {}) as Record<string, unknown>
  const answer = { status: res.statusCode, headers: res.headers, body: res.body }
  const violations = checkAnswer(endpoint, answer, {
    presented,
    rejected,
    redirectTargets: registeredRedirects(app.ctx.config.clients),
    sentAuthorization: headers['authorization'] !== undefined,
    ms,
  })
  const failures: string[] = []
  const { expect } = row
  if (res.statusCode !== expect.status) failures.push(`status ${res.statusCode}, expected ${expect.status}: ${res.body.slice(0, 200)}`)
  if (expect.error !== undefined) {
    const error = answerError(answer).error
    if (error !== expect.error) failures.push(`error ${String(error)}, expected ${expect.error}`)
  }
  if (expect.body !== undefined) {
    const wanted = typeof expect.body === 'string' ? expect.body : JSON.stringify(expect.body)
    if (res.body !== wanted) failures.push(`body ${res.body.slice(0, 200)}, expected ${wanted}`)
  }
  // docs/reliability.md § G5: a rejected request leaves the store exactly as it was (deliberate side effects excepted).
  if (!row.changesState && snapshotStore(app.ctx.store) !== before) violations.push({ rule: 'G5', detail: 'the store changed' })
  const problem = await row.after?.(f, res.body)
  if (problem) failures.push(problem)
  // docs/reliability.md § G9: nothing the request presented reached the log lines it caused.
  const leaked = findCanaries(app.logs().slice(logMark), [...presented, ...loggedOnly])
  if (leaked.length) violations.push({ rule: 'G9', detail: `logged ${leaked.length} presented value(s)` })
  // docs/reliability.md § G6: healthy afterwards.
  if (!(await healthy(app))) violations.push({ rule: 'G6', detail: 'the happy path failed afterwards' })
  return { res, ms, violations, failures }
}

async function healthy(app: TestApp): Promise<boolean> {
  const cc = await post(app.app, 'token', { grant_type: 'client_credentials', scope: 'api:read' }, { authorization: basic(SERVICE.id, SERVICE.secret) })
  if (cc.statusCode !== 200) return false
  const res = await post(app.app, 'introspect', { token: cc.json<{ access_token: string }>().access_token }, { authorization: basic(SERVICE.id, SERVICE.secret) })
  return res.statusCode === 200 && res.json<{ active: boolean }>().active === true
}

function safeJson(body: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(body) as Record<string, unknown>
  } catch {
    return undefined
  }
}

/** What must repeat (docs/reliability.md § G7): status, error (or Okta's API errorCode) and description, or `active`. Okta's errorId is random. */
const outcome = (r: Run) => {
  const body = safeJson(r.res.body)
  const { error, description } = answerError({ status: r.res.statusCode, headers: r.res.headers, body: r.res.body })
  const parts = error !== undefined ? [error, description] : r.res.statusCode >= 400 ? [body?.['errorCode'], body?.['error_description']] : [body?.['active']]
  return `${r.res.statusCode} ${parts.map(String).join(' ')}`
}

for (const row of [...catalogueRows(), ...signInRows(), ...grantRows(), ...dpopRows(), ...authnRows(), ...idxEmailRows(), ...idxRows()]) {
  t.test(`${row.case} ${row.variant}`, async (t) => {
    const app = await appFor(row.config ?? 'default')
    const first = await runOnce(row, app)
    // docs/reliability.md § G7: the same input on fresh fixtures gives the same status and error.
    const second = await runOnce(row, app)
    const violations = [...first.violations, ...second.violations]
    if (outcome(first) !== outcome(second)) violations.push({ rule: 'G7', detail: `${outcome(first)} then ${outcome(second)}` })
    const failures = [...first.failures, ...second.failures]
    const ok = failures.length === 0 && violations.length === 0
    record('catalogue', {
      case: row.case,
      variant: row.variant,
      ok,
      violations: [...new Set(violations.map((v) => v.rule))],
      ms: Math.max(first.ms, second.ms),
      departure: row.departure !== undefined,
    })
    t.ok(ok, `${row.case} ${row.variant}`, { failures, violations, ...(row.departure && { departure: row.departure }) })
  })
}
