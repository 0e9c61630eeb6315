/**
 * Client authentication at /token, /introspect and /revoke (docs/okta-behaviour.md § 3): client_secret_basic with
 * RFC 6749 Appendix B decoding, client_secret_post, and public clients by `client_id` in the body, in
 * the query string (introspect, revoke) or as `Basic base64(client_id)` with no colon (okta-auth-js).
 */
import type { FastifyRequest } from 'fastify'
import type { ClientAuthMethod } from '../config/types.js'
import { OAuthError, oktaError } from '../errors/oauth-error.js'
import type { Client, Clients } from '../registry/clients.js'
import { safeEqual } from '../oauth/safe-equal.js'
import { hasQueryParam, readQuery, type Form } from './form.js'

export interface AuthenticatedClient {
  client: Client
  method: ClientAuthMethod
}

export interface ClientAuthOptions {
  /** Okta documents `?client_id=` for public clients at /introspect and /revoke only. */
  allowQueryClientId: boolean
  /** Realm of the `WWW-Authenticate` challenge. */
  realm: string
}

interface Presented {
  id: string
  secret: string | undefined
  viaHeader: boolean
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const SCHEME = /^basic +/i
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true })
const UNKNOWN_CLIENT_SECRET = '\0unknown-client'

export function authenticateClient(req: FastifyRequest, form: Form, clients: Clients, options: ClientAuthOptions): AuthenticatedClient {
  // RFC 6749 §5.2: a 401 after an Authorization-header attempt carries a challenge of that scheme.
  const challenge = req.headers.authorization === undefined ? undefined : { 'www-authenticate': `Basic realm="${options.realm}"` }
  const fail = (error: unknown): never => {
    throw challenge && error instanceof OAuthError && error.statusCode === 401 ? error.withHeaders(challenge) : error
  }
  let presented: Presented | undefined
  try {
    presented = presentedCredentials(req, form, options)
  } catch (error) {
    return fail(error)
  }
  if (!presented) return fail(oktaError('missing_client_credentials'))

  const client = clients.get(presented.id)
  if (!client) {
    // An unknown client costs the same comparison as a wrong secret (docs/reliability.md § SP-11).
    safeEqual(presented.secret, UNKNOWN_CLIENT_SECRET)
    return fail(oktaError('invalid_client'))
  }

  if (client.secret === undefined) {
    // A public client that sends a secret is using a method it does not have (docs/okta-behaviour.md § 3).
    if (presented.secret !== undefined || !client.authMethods.includes('none')) return fail(oktaError('invalid_client'))
    return { client, method: 'none' }
  }
  const method: ClientAuthMethod = presented.viaHeader ? 'client_secret_basic' : 'client_secret_post'
  if (!client.authMethods.includes(method) || !safeEqual(presented.secret, client.secret)) return fail(oktaError('invalid_client'))
  return { client, method }
}

function presentedCredentials(req: FastifyRequest, form: Form, options: ClientAuthOptions): Presented | undefined {
  if (hasQueryParam(req.query, ['client_secret', 'client_assertion'])) throw oktaError('client_credentials_in_query')
  const header = basicCredentials(req.headers.authorization)
  const bodyId = form['client_id']
  const bodySecret = form['client_secret']

  if (header) {
    // One mechanism only (OAuth 2.1 §2.4); a body client_id naming the same client is harmless.
    if (bodySecret !== undefined || form['client_assertion'] !== undefined || (bodyId !== undefined && bodyId !== header.id)) {
      throw oktaError('multiple_client_credentials')
    }
    return header
  }
  if (bodyId !== undefined) return { id: bodyId, secret: bodySecret, viaHeader: false }
  if (bodySecret !== undefined) return undefined
  const queryId = options.allowQueryClientId ? readQuery(req.query, 'client_id') : undefined
  return queryId === undefined ? undefined : { id: queryId, secret: undefined, viaHeader: false }
}

/** Parses `Authorization: Basic …` strictly; undefined when there is no Authorization header. */
export function basicCredentials(header: string | undefined): Presented | undefined {
  if (header === undefined) return undefined
  const invalid = () => oktaError('invalid_basic_auth_creds')
  const scheme = SCHEME.exec(header)
  if (!scheme) throw invalid()
  const token = header.slice(scheme[0].length)
  // Node's base64 decoder skips junk; check the alphabet and padding first (docs/reliability.md § #47).
  if (token.length % 4 !== 0 || !BASE64.test(token)) throw invalid()
  let decoded: string
  try {
    decoded = fatalUtf8.decode(Buffer.from(token, 'base64'))
  } catch {
    throw invalid()
  }
  const colon = decoded.indexOf(':')
  // okta-auth-js authenticates public clients as `Basic base64(client_id)`, without a colon.
  const rawId = colon === -1 ? decoded : decoded.slice(0, colon)
  const rawSecret = colon === -1 ? undefined : decoded.slice(colon + 1)
  const id = formDecode(rawId)
  const secret = rawSecret === undefined ? undefined : formDecode(rawSecret)
  if (!id || secret === '' || secret === null) throw invalid()
  return { id, secret, viaHeader: true }
}

/** RFC 6749 §2.3.1 / Appendix B: id and secret are form-encoded before base64. `null` when malformed. */
function formDecode(value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    return null
  }
}
