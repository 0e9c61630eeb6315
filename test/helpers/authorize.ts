/** Driving /authorize and the sign-in page from tests: PKCE pairs, cookies, the form, code redemption. */
import { createHash, randomBytes } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Config } from '../../src/config/types.js'
import { ALICE, DEFAULT_AS, FORM, form, post } from './app.js'

export const SPA = { id: 'spa-app', redirectUri: 'http://localhost:3000/login/callback', logoutUri: 'http://localhost:3000/' }
export const WEB_REDIRECT = 'http://localhost:3000/authorization-code/callback'

/** RFC 7636 Appendix B style pair: a 43-character verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/** A valid code-flow request for the SPA, with `overrides` (a value of `undefined` drops the parameter). */
export function authorizeParams(challenge: string, overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const params: Record<string, string | undefined> = {
    client_id: SPA.id,
    response_type: 'code',
    scope: 'openid profile email offline_access',
    redirect_uri: SPA.redirectUri,
    state: 'state-123',
    nonce: 'nonce-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  }
  return Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined))
}

/** A cookie jar of one: name=value pairs from Set-Cookie, sent back as a Cookie header. */
export class Cookies {
  private readonly jar = new Map<string, string>()
  take(res: { headers: Record<string, unknown> }): void {
    const raw = res.headers['set-cookie']
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)]
    for (const line of list as string[]) {
      const [pair] = line.split(';', 1)
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq)
      const value = pair!.slice(eq + 1)
      if (value === '' || /max-age=0/i.test(line)) this.jar.delete(name)
      else this.jar.set(name, value)
    }
  }
  header(): Record<string, string> {
    return this.jar.size === 0 ? {} : { cookie: [...this.jar].map(([n, v]) => `${n}=${v}`).join('; ') }
  }
  has(name: string): boolean {
    return this.jar.has(name)
  }
}

export async function authorize(app: FastifyInstance, params: Record<string, string>, cookies = new Cookies(), prefix = DEFAULT_AS): Promise<LightMyRequestResponse> {
  const res = await app.inject({ method: 'GET', url: `${prefix}/authorize?${form(params)}`, headers: cookies.header() })
  cookies.take(res)
  return res
}

/** The hidden transaction id of a rendered sign-in page. */
export function transactionIdOf(html: string): string {
  const match = /name="tx" value="([^"]+)"/.exec(html)
  if (!match) throw new Error('no sign-in form in the page')
  return match[1]!
}

export async function submitSignIn(app: FastifyInstance, tx: string, fields: Record<string, string>, cookies: Cookies): Promise<LightMyRequestResponse> {
  const res = await app.inject({ method: 'POST', url: '/mockta/sign-in', headers: { ...FORM, ...cookies.header() }, payload: form({ tx, ...fields }) })
  cookies.take(res)
  return res
}

/** The parameters of a redirect's query (or fragment). */
export function redirectParams(res: LightMyRequestResponse, part: 'query' | 'fragment' = 'query'): Record<string, string> {
  const location = res.headers['location']
  if (res.statusCode !== 302 || typeof location !== 'string') throw new Error(`not a redirect: ${res.statusCode} ${res.body.slice(0, 300)}`)
  const url = new URL(location)
  return Object.fromEntries(new URLSearchParams(part === 'query' ? url.search : url.hash.slice(1)))
}

/** Signs in through the page as `user` and returns the code (and the browser's cookies, now signed in). */
export async function codeThroughForm(
  app: FastifyInstance,
  params: Record<string, string>,
  options: { cookies?: Cookies; user?: { username: string; password: string }; prefix?: string } = {},
): Promise<{ code: string; cookies: Cookies }> {
  const cookies = options.cookies ?? new Cookies()
  const page = await authorize(app, params, cookies, options.prefix)
  if (page.statusCode !== 200) throw new Error(`no sign-in page: ${page.statusCode} ${page.body.slice(0, 300)}`)
  const user = options.user ?? ALICE
  const done = await submitSignIn(app, transactionIdOf(page.body), { username: user.username, password: user.password }, cookies)
  const code = redirectParams(done)['code']
  if (code === undefined) throw new Error(`no code: ${String(done.headers['location'])}`)
  return { code, cookies }
}

/** Redeems a code as the SPA (public client). */
export function redeem(app: FastifyInstance, code: string, verifier: string | undefined, extra: Record<string, string> = {}, server?: string): Promise<LightMyRequestResponse> {
  const params: Record<string, string> = { grant_type: 'authorization_code', client_id: SPA.id, code, redirect_uri: SPA.redirectUri, ...extra }
  if (verifier !== undefined) params['code_verifier'] = verifier
  return post(app, 'token', params, server === undefined ? {} : { server })
}

/** A `change` that turns on sign-in without a person for `clientId`. */
export const autoSignIn =
  (clientId: string, login = ALICE.username) =>
  (c: Config): void => {
    const client = c.clients.find((x) => x.id === clientId)
    if (!client) throw new Error(`no client ${clientId}`)
    client.autoSignIn = login
  }
