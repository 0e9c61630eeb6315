/**
 * Client authentication at /token, /introspect and /revoke (docs/okta-behaviour.md § 3): client_secret_basic with
 * RFC 6749 Appendix B decoding, client_secret_post, client assertions (client_secret_jwt and
 * private_key_jwt, oauth/client-assertion.ts, with the endpoint's own URL as `aud`), and public clients
 * by `client_id` in the body, in the query string (introspect, revoke) or as `Basic base64(client_id)`
 * with no colon (okta-auth-js). Every endpoint that authenticates clients uses this one preHandler.
 */
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { ClientAuthMethod } from '../config/types.js'
import type { AppContext } from '../context.js'
import { OAuthError, oktaError } from '../errors/oauth-error.js'
import type { AuthServer } from '../registry/auth-servers.js'
import type { AuthenticatedClient, Clients } from '../registry/clients.js'
import { safeEqual } from '../crypto/safe-equal.js'
import type { Presented } from '../oauth/basic-credentials.js'
import { hasQueryParam, readForm, readQuery, type Form } from '../oauth/form.js'
import { verifyClientAssertion } from '../oauth/client-assertion.js'
import { presentedBasic } from './presented-basic.js'

/** What client authentication established, for the route's handler. */
export interface ClientAuthentication {
  server: AuthServer
  /** The form's parameters the route named (client authentication's among them). */
  form: Form
  auth: AuthenticatedClient
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the route's client-authentication preHandler; null before it ran. */
    mocktaClient: ClientAuthentication | null
  }
}

/**
 * Client authentication as a route's preHandler: it runs after the faults (a fired fault answers
 * first) and before the handler, which reads the outcome with `clientAuthenticationOf`. The order of
 * checks is the token endpoint's (docs/reliability.md § 0): the server, the form, then the client.
 */
export function clientAuthentication(
  app: FastifyInstance,
  ctx: Pick<AppContext, 'servers' | 'clients' | 'store' | 'clock'>,
  params: readonly string[],
  allowQueryClientId: boolean,
): preHandlerAsyncHookHandler {
  app.decorateRequest('mocktaClient', null)
  return async (req) => {
    const server = ctx.servers.resolve((req.params as { authServerId?: string }).authServerId)
    const form = readForm(req.body, params)
    const assertion = form['client_assertion']
    const auth =
      assertion === undefined
        ? authenticateClient(req, form, ctx.clients, { allowQueryClientId, realm: server.issuer })
        : await authenticateAssertion(req, form, assertion, server, ctx)
    req.mocktaClient = { server, form, auth }
  }
}

/** The URL of the endpoint this request invoked, as Okta wants it in an assertion's `aud`: `{endpointBase}/token` etc. */
export function endpointUrl(req: FastifyRequest, server: AuthServer): string {
  const path = req.url.split('?', 1)[0]!
  const at = path.lastIndexOf('/v1/')
  return `${server.endpointBase}${path.slice(at + 3)}`
}

/** RFC 7521 §4.2 / RFC 7523 §2.2: the assertion is the only credential (a body client_id naming the same client aside). */
async function authenticateAssertion(
  req: FastifyRequest,
  form: Form,
  assertion: string,
  server: AuthServer,
  ctx: Pick<AppContext, 'clients' | 'store' | 'clock'>,
): Promise<AuthenticatedClient> {
  if (hasQueryParam(req.query, ['client_secret', 'client_assertion'])) throw oktaError('client_credentials_in_query')
  if (req.headers.authorization !== undefined || form['client_secret'] !== undefined) {
    // RFC 6749 §5.2: after an Authorization-header attempt, the 401 carries that scheme's challenge.
    const challenge = req.headers.authorization === undefined ? {} : { 'www-authenticate': `Basic realm="${server.issuer}"` }
    throw oktaError('multiple_client_credentials').withHeaders(challenge)
  }
  const presented = { assertion, type: form['client_assertion_type'], clientId: form['client_id'], endpoint: endpointUrl(req, server), issuer: server.issuer }
  return verifyClientAssertion(presented, (id) => ctx.clients.get(id), ctx)
}

export function clientAuthenticationOf(req: FastifyRequest): ClientAuthentication {
  const found = req.mocktaClient
  if (!found) throw new Error('the route has no client-authentication preHandler')
  return found
}

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
  const header = presentedBasic(req)
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
