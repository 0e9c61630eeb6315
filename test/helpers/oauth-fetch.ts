/** OAuth requests to a listening mockta with fetch, for tests that drive it over a real socket. */
import { basic } from './app.js'

export interface FetchOptions {
  /** Custom server id; `''` for the org server. Default `default`. */
  server?: string
  /** client_secret_basic with these credentials; otherwise `client_id` goes in the body. */
  secret?: { id: string; secret: string }
}

export async function postForm(
  base: string,
  endpoint: 'token' | 'introspect' | 'revoke',
  params: Record<string, string>,
  options: FetchOptions = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown>; text: string }> {
  const prefix = options.server === '' ? '/oauth2/v1' : `/oauth2/${options.server ?? 'default'}/v1`
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  if (options.secret) headers['authorization'] = basic(options.secret.id, options.secret.secret)
  const res = await fetch(`${base}${prefix}/${endpoint}`, { method: 'POST', headers, body: new URLSearchParams(params) })
  const text = await res.text()
  let body: Record<string, unknown> = {}
  try {
    body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>)
  } catch {
    body = {}
  }
  return { status: res.status, headers: res.headers, body, text }
}

/** Introspects as the confidential web app (a resource server would). */
export async function introspectOver(base: string, token: string, server?: string): Promise<Record<string, unknown>> {
  const res = await postForm(base, 'introspect', { token }, { secret: { id: 'web-app', secret: 'web-app-secret' }, ...(server !== undefined && { server }) })
  return res.body
}

export const refreshOver = (base: string, refreshToken: string, options: FetchOptions = {}) =>
  postForm(base, 'token', { grant_type: 'refresh_token', client_id: 'native-app', refresh_token: refreshToken }, options)

export const clientCredentialsOver = (base: string, options: FetchOptions = {}) =>
  postForm(base, 'token', { grant_type: 'client_credentials', scope: 'api:read' }, { secret: { id: 'service-app', secret: 'service-app-secret' }, ...options })
