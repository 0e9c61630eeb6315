/**
 * Pushed authorization requests (RFC 9126; docs/okta-behaviour.md § 2.10): a client sends its
 * /authorize parameters to /v1/par, authenticated, and gets a `request_uri` that /authorize takes
 * once, for that client at that server, within its lifetime. The request is validated when pushed,
 * as /authorize would validate it, so its errors come back to the client rather than the browser.
 */
import type { AppContext } from '../context.js'
import { oktaError } from '../errors/oauth-error.js'
import { hashToken } from '../crypto/hash-token.js'
import { requestUri } from '../ids.js'
import { AUTHORIZE_PARAMS, proveClient, validateRequest } from '../oauth/authorize-params.js'
import { readForm } from '../oauth/form.js'
import type { AuthServer } from '../registry/auth-servers.js'
import type { Client } from '../registry/clients.js'
import type { AuthorizationRequest } from '../store/authorization-request.js'

/** Okta's pushed requests last an hour (its OpenAPI example, docs/okta-behaviour.md § 2.10). */
export const PUSHED_REQUEST_LIFETIME_SECONDS = 3600

/** RFC 9126 §2.2, in Okta's member order. */
export interface PushedAuthorizationResponse {
  request_uri: string
  expires_in: number
}

export async function pushAuthorizationRequest(body: unknown, server: AuthServer, client: Client, ctx: AppContext): Promise<PushedAuthorizationResponse> {
  // RFC 9126 §2.1: a pushed request cannot itself point at another.
  const own = readForm(body, ['request_uri', 'request'])
  if (own['request_uri'] !== undefined) throw oktaError('pushed_authorization_request_uri_present')
  if (own['request'] !== undefined) throw oktaError('authorize_request_object_and_request_uri_provided')
  // The authenticated client is the request's client, whatever the body names (client auth already refused a different one).
  const params = { ...readForm(body, AUTHORIZE_PARAMS), client_id: client.id }
  const request = validateRequest(proveClient(params, ctx.clients), server)
  const uri = requestUri()
  await ctx.store.createPushedRequest({
    uriHash: hashToken(uri),
    clientId: client.id,
    authServerId: server.id,
    request,
    expiresAtMs: ctx.clock.nowMs() + PUSHED_REQUEST_LIFETIME_SECONDS * 1000,
  })
  return { request_uri: uri, expires_in: PUSHED_REQUEST_LIFETIME_SECONDS }
}

/**
 * The request a `request_uri` stands for, taken for this one use. Nothing of the request is
 * proven before this, so every refusal is for the error page, never a redirect.
 */
export async function takePushedRequest(
  uri: string,
  clientId: string | undefined,
  server: AuthServer,
  ctx: AppContext,
): Promise<{ request: AuthorizationRequest; client: Client }> {
  const client = clientId === undefined ? undefined : ctx.clients.get(clientId)
  if (!client) throw oktaError('invalid_client_id')
  const taken = await ctx.store.takePushedRequest({ uriHash: hashToken(uri), clientId: client.id, authServerId: server.id, nowMs: ctx.clock.nowMs() })
  if (taken.kind === 'unknown') throw oktaError('invalid_request_uri')
  if (taken.kind !== 'taken') throw oktaError(taken.kind === 'foreign_server' ? 'authorize_request_uri_mismatched_authorization_server' : 'authorize_request_uri_mismatched_client')
  return { request: taken.record.request, client }
}
