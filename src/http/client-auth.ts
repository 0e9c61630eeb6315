/**
 * Client authentication at /token, /introspect and /revoke (docs/okta-behaviour.md § 3): client_secret_basic with
 * RFC 6749 Appendix B decoding, client_secret_post, and public clients by `client_id` in the body, in
 * the query string (introspect, revoke) or as `Basic base64(client_id)` with no colon (okta-auth-js).
 */
import type { FastifyRequest } from 'fastify'
import type { ClientAuthMethod } from '../config/types.js'
import { OAuthError, oktaError } from '../errors/oauth-error.js'
import type { AuthenticatedClient, Clients } from '../registry/clients.js'
import { safeEqual } from '../crypto/safe-equal.js'
import { basicCredentials, type Presented } from '../oauth/basic-credentials.js'
import { hasQueryParam, readQuery, type Form } from '../oauth/form.js'

export interface ClientAuthOptions {
  /** Okta documents `?client_id=` for public clients at /introspect and /revoke only. */
  allowQueryClientId: boolean
  /** Realm of the `WWW-Authenticate` challenge. */
  realm: string
}

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
