/**
 * `response_type` values (OAuth 2.0 Multiple Response Type Encoding Practices §3, OIDC Core §3):
 * `code`, and Okta's implicit and hybrid combinations of `code`, `token` and `id_token`.
 */
import type { Client } from '../registry/clients.js'
import type { ResponseType } from '../store/authorization-request.js'

const ALL: readonly string[] = ['code', 'token', 'id_token']

/** The distinct parts of a `response_type` (order does not matter, RFC 6749 §3.1.1), or undefined when malformed. */
export function parseResponseType(value: string | undefined): ResponseType[] | undefined {
  if (value === undefined) return undefined
  const parts = value.split(' ')
  if (parts.some((p) => !ALL.includes(p)) || new Set(parts).size !== parts.length) return undefined
  return parts as ResponseType[]
}

/** Returns tokens from the authorization endpoint itself (implicit or hybrid). */
export const isFrontChannel = (types: readonly ResponseType[] | undefined): boolean => types?.some((t) => t !== 'code') ?? false

/**
 * What a client may ask for, as Okta derives it from the app's grant types: `code` with the
 * authorization_code grant, `token`/`id_token` combinations with implicit, hybrid ones with both.
 */
export function configuredResponseTypes(client: Client): string[] {
  const code = client.grantTypes.includes('authorization_code')
  const implicit = client.grantTypes.includes('implicit')
  return [
    ...(code ? ['code'] : []),
    ...(implicit ? ['token', 'id_token', 'id_token token'] : []),
    ...(code && implicit ? ['code id_token', 'code token', 'code id_token token'] : []),
  ]
}

/** Whether `types` (parsed) is one of the client's configured response types, in any order. */
export function isConfigured(types: readonly ResponseType[], client: Client): boolean {
  const key = [...types].sort().join(' ')
  return configuredResponseTypes(client).some((c) => c.split(' ').sort().join(' ') === key)
}
