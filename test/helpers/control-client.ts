/**
 * The control plane driven two ways with one shape: the in-process handle of `startMockta`, and the
 * HTTP API under /__mockta/ called with fetch. Control tests run once per driver.
 */
import t, { type Test } from 'tap'
import { ManualClock } from '../../src/clock.js'
import { startMockta, type MocktaHandle, type StartMocktaOptions } from '../../src/start-mockta.js'

type Asyncify<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never
type AsyncGroup<G> = { [K in keyof G]: Asyncify<G[K]> }
type Groups = 'clock' | 'faults' | 'journal' | 'tokens' | 'families' | 'users' | 'clients' | 'authServers' | 'keys'
/** The handle's controls, every call awaited (over HTTP they all are). */
export type Controls = { [K in Groups]: AsyncGroup<MocktaHandle[K]> } & { mint: Asyncify<MocktaHandle['mint']>; reset: Asyncify<MocktaHandle['reset']> }

/** What a failed control call throws, whichever the driver. */
export interface ControlFailure {
  statusCode: number
  error: string
  message: string
}

export class HttpControlError extends Error implements ControlFailure {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
  ) {
    super(message)
  }
}

/** The handle's controls, each one an HTTP request to /__mockta/. */
export function httpControls(baseUrl: string, adminToken?: string): Controls {
  // Every write is JSON, `{}` when it has nothing to say (docs/security.md).
  const call = async <T = never>(method: string, path: string, body?: unknown): Promise<T> => {
    const payload = body === undefined && method !== 'GET' ? {} : body
    const headers: Record<string, string> = {}
    if (payload !== undefined) headers['content-type'] = 'application/json'
    if (adminToken !== undefined) headers['authorization'] = `Bearer ${adminToken}`
    const res = await fetch(`${baseUrl}/__mockta${path}`, { method, headers, ...(payload !== undefined && { body: JSON.stringify(payload) }) })
    if (res.status === 204) return undefined as T
    const json = (await res.json()) as { error: string; message: string }
    if (res.status >= 400) throw new HttpControlError(res.status, json.error, json.message)
    return json as T
  }
  const enc = encodeURIComponent
  return {
    clock: {
      now: () => call('GET', '/clock'),
      advance: (b) => call('POST', '/clock/advance', b),
      set: (b) => call('POST', '/clock/set', b),
      reset: () => call('POST', '/clock/reset'),
    },
    faults: {
      add: (b) => call('POST', '/faults', b),
      list: () => call('GET', '/faults'),
      remove: (id) => call('DELETE', `/faults/${enc(id)}`),
      clear: () => call('DELETE', '/faults'),
    },
    journal: {
      list: (q = {}) => call('GET', `/journal?${new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)]))}`),
      clear: () => call('DELETE', '/journal'),
      events: (q = {}) => call('GET', `/journal/events?${new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)]))}`),
    },
    mint: (b) => call('POST', '/tokens', b),
    tokens: { inspect: (b) => call('POST', '/tokens/inspect', b), revoke: (b) => call('POST', '/tokens/revoke', b), expire: (b) => call('POST', '/tokens/expire', b) },
    families: {
      list: (user) => call('GET', `/users/${enc(user)}/families`),
      revoke: (id) => call('POST', `/families/${enc(id)}/revoke`),
      expire: (id) => call('POST', `/families/${enc(id)}/expire`),
    },
    users: {
      list: () => call('GET', '/users'),
      put: (b, at) => call('PUT', at === undefined ? '/users' : `/users/${enc(at)}`, b),
      remove: (u) => call('DELETE', `/users/${enc(u)}`),
    },
    clients: {
      list: () => call('GET', '/clients'),
      put: (b, at) => call('PUT', at === undefined ? '/clients' : `/clients/${enc(at)}`, b),
      remove: (id) => call('DELETE', `/clients/${enc(id)}`),
    },
    authServers: {
      list: () => call('GET', '/authorization-servers'),
      put: (b, at) => call('PUT', at === undefined ? '/authorization-servers' : `/authorization-servers/${enc(at)}`, b),
      remove: (id) => call('DELETE', `/authorization-servers/${enc(id)}`),
    },
    keys: {
      get: (as) => call('GET', `/keys/${enc(as)}`),
      publishNext: (as) => call('POST', `/keys/${enc(as)}/next`),
      promote: (as) => call('POST', `/keys/${enc(as)}/promote`),
      retire: (as, b = {}) => call('POST', `/keys/${enc(as)}/retire`, b),
    },
    reset: () => call('POST', '/reset'),
  }
}

export interface Driven {
  mockta: MocktaHandle
  /** The controls through the driver under test. */
  c: Controls
  clock: ManualClock
  base: string
}

export type Driver = 'startMockta' | 'http'
export const DRIVERS: readonly Driver[] = ['startMockta', 'http']

/** A listening mockta on a ManualClock, closed at teardown, with its controls through `driver`. */
export async function driven(tt: { teardown(fn: () => unknown): void }, driver: Driver, options: StartMocktaOptions = {}): Promise<Driven> {
  const clock = new ManualClock()
  const mockta = await startMockta({ clock, ...options })
  tt.teardown(() => mockta.close())
  // The handle's controls are awaited like the HTTP ones; awaiting a plain value is harmless.
  return { mockta, c: driver === 'http' ? httpControls(mockta.baseUrl, options.adminToken) : (mockta as unknown as Controls), clock, base: mockta.baseUrl }
}

/** Runs `body` once per driver as subtests named after it. */
export function eachDriver(name: string, body: (tt: Test, driver: Driver) => Promise<void>): void {
  for (const driver of DRIVERS) t.test(`${name} (${driver})`, (tt) => body(tt, driver))
}

/** The failure a control call rejects with. */
export async function failure(promise: Promise<unknown> | (() => unknown)): Promise<ControlFailure> {
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (err) {
    return err as ControlFailure
  }
  throw new Error('expected the control call to fail')
}
