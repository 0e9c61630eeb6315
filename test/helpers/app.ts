/** Builds a mockta app for route tests: fixture config, manual clock, logs captured in memory. */
import { Writable } from 'node:stream'
import pino from 'pino'
import type { Redis } from 'ioredis'
import type { FastifyBaseLogger, FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildMockta } from '../../src/app.js'
import { ManualClock } from '../../src/clock.js'
import { loadConfigFile } from '../../src/config/load.js'
import type { Config } from '../../src/config/types.js'
import type { AppContext } from '../../src/context.js'
import type { Ids } from '../../src/ids.js'
import type { Store } from '../../src/store/store.js'
import { type CanaryWatch, watchForLeaks } from './canary.js'

export const BASE_URL = 'http://mockta.test'
export const DEFAULT_AS = '/oauth2/default/v1'

export interface TestApp {
  app: FastifyInstance
  ctx: AppContext
  clock: ManualClock
  /** Every log line written so far, as raw JSON text (the logger runs at `trace`). */
  logs: () => string
  /** The leak canaries of this app, checked against its logs at teardown (helpers/canary.ts). */
  canaries: CanaryWatch
}

/** The embedded default configuration, with `change` applied to a copy. */
export function testConfig(change: (c: Config) => void = () => {}): Config {
  const config = structuredClone(loadConfigFile(undefined, { defaultBaseUrl: BASE_URL }))
  change(config)
  return config
}

/** A pino logger at its most verbose (`trace`) writing into memory. */
export function memoryLogger(): { logger: FastifyBaseLogger; logs: () => string } {
  const chunks: string[] = []
  const sink = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk))
      done()
    },
  })
  return { logger: pino({ level: 'trace' }, sink), logs: () => chunks.join('') }
}

export async function buildTestApp(
  t: { teardown(fn: () => unknown): void },
  options: { config?: Config; change?: (c: Config) => void; store?: Store; ids?: Ids; clock?: ManualClock; redis?: Redis } = {},
): Promise<TestApp> {
  const { logger, logs } = memoryLogger()
  const clock = options.clock ?? new ManualClock()
  const config = options.config ?? testConfig(options.change)
  const { app, ctx } = await buildMockta(config, {
    clock,
    logger,
    ...(options.store && { store: options.store }),
    ...(options.ids && { ids: options.ids }),
    ...(options.redis && { redis: options.redis }),
  })
  const canaries = watchForLeaks(t, app, config, logs)
  return { app, ctx, clock, logs, canaries }
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

export const form = (params: Record<string, string>): string => new URLSearchParams(params).toString()

export const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`

export const WEB = { id: 'web-app', secret: 'web-app-secret' }
export const SERVICE = { id: 'service-app', secret: 'service-app-secret' }
export const ALICE = { username: 'alice@example.com', password: 'alice-password', id: '00ualice000000000001' }
export const BOB = { username: 'bob@example.com', password: 'bob-password' }

/** POSTs a form to an endpoint of the default server (or `server`: `''` for the org server). */
export function post(
  app: FastifyInstance,
  endpoint: 'token' | 'introspect' | 'revoke',
  params: Record<string, string>,
  options: { authorization?: string; server?: string } = {},
): Promise<LightMyRequestResponse> {
  const prefix = options.server === undefined ? DEFAULT_AS : options.server === '' ? '/oauth2/v1' : `/oauth2/${options.server}/v1`
  const headers: Record<string, string> = { ...FORM }
  if (options.authorization !== undefined) headers['authorization'] = options.authorization
  return app.inject({ method: 'POST', url: `${prefix}/${endpoint}`, headers, payload: form(params) })
}

/** Password grant for a public native client: the quickest way to a refresh token. */
export async function signIn(
  app: FastifyInstance,
  options: { scope?: string; client?: 'native-app' | 'web-app'; user?: { username: string; password: string }; server?: string } = {},
): Promise<{ access_token: string; refresh_token: string; id_token?: string; scope: string; expires_in: number }> {
  const user = options.user ?? ALICE
  const scope = options.scope ?? 'openid profile email offline_access'
  const params = { grant_type: 'password', username: user.username, password: user.password, scope }
  const res =
    options.client === 'web-app'
      ? await post(app, 'token', params, { authorization: basic(WEB.id, WEB.secret), ...(options.server !== undefined && { server: options.server }) })
      : await post(app, 'token', { ...params, client_id: 'native-app' }, options.server === undefined ? {} : { server: options.server })
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** Refreshes as the native client (public), or as `web-app` with client_secret_basic; `server` as in `post`. */
export function refresh(
  app: FastifyInstance,
  refreshToken: string,
  extra: Record<string, string> = {},
  options: { client?: 'native-app' | 'web-app'; server?: string } = {},
): Promise<LightMyRequestResponse> {
  const server = options.server === undefined ? {} : { server: options.server }
  if (options.client === 'web-app') {
    return post(app, 'token', { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, { authorization: basic(WEB.id, WEB.secret), ...server })
  }
  return post(app, 'token', { grant_type: 'refresh_token', client_id: 'native-app', refresh_token: refreshToken, ...extra }, server)
}

export async function introspect(app: FastifyInstance, token: string, client = 'native-app', server?: string): Promise<Record<string, unknown>> {
  const res = await post(app, 'introspect', { client_id: client, token }, server === undefined ? {} : { server })
  return res.json()
}
