/** POST /v1/introspect (RFC 7662, docs/okta-behaviour.md § 6): Okta's fields for live tokens, exactly `{"active":false}` otherwise. */
import type { FastifyPluginAsync } from 'fastify'
import type { AppContext } from '../context.js'
import { oktaError } from '../errors/oauth-error.js'
import { clientAuthentication, clientAuthenticationOf } from '../http/client-auth.js'
import { formatScope } from '../oauth/scope.js'
import { lookUpToken, type LookedUp } from '../oauth/token-lookup.js'
import { familyDeadlineMs } from '../store/store.js'
import type { AuthenticatedClient } from '../registry/clients.js'
import { endpoint } from './paths.js'

const PARAMS = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type', 'token', 'token_type_hint']
const INACTIVE = { active: false } as const

export const introspectRoutes: FastifyPluginAsync<{ ctx: Pick<AppContext, 'servers' | 'clients' | 'users' | 'store' | 'clock' | 'epochSeconds' | 'tokenSecret'> }> = async (
  app,
  { ctx },
) => {
  const preHandler = clientAuthentication(app, ctx, PARAMS, true)
  endpoint(app, ['POST'], '/v1/introspect', { config: { noStore: true }, preHandler }, async (req) => {
    const { server, form, auth } = clientAuthenticationOf(req)
    const token = form['token']
    if (token === undefined) throw oktaError('request_missing_token')
    const found = await lookUpToken(token, server, ctx)
    if (!found?.active || !mayIntrospect(found, auth)) return INACTIVE
    return describe(found, ctx)
  })
}

/**
 * A confidential client (a resource server) may introspect any access or ID token of the server; a
 * public client only its own; refresh tokens only by the client they were issued to (docs/okta-behaviour.md § 6).
 */
function mayIntrospect(found: LookedUp, auth: AuthenticatedClient): boolean {
  if (found.kind === 'refresh_token') return found.found.family.clientId === auth.client.id
  if (auth.method !== 'none') return true
  const owner = found.kind === 'access_token' ? found.payload['cid'] : found.payload.aud
  return owner === auth.client.id
}

async function describe(found: LookedUp, ctx: Pick<AppContext, 'users'>): Promise<Record<string, unknown>> {
  if (found.kind === 'refresh_token') {
    const { family } = found.found
    const user = family.userId === null ? undefined : ctx.users.get(family.userId)
    const deadline = familyDeadlineMs(family)
    return {
      active: true,
      token_type: 'Bearer',
      scope: formatScope(family.scopes),
      client_id: family.clientId,
      username: user?.login,
      ...(Number.isFinite(deadline) && { exp: Math.floor(deadline / 1000) }),
      sub: user?.login,
    }
  }
  const p = found.payload
  if (found.kind === 'access_token') {
    // Field order as in Okta's introspection example (G-OIE-RT).
    return {
      active: true,
      scope: Array.isArray(p['scp']) ? formatScope(p['scp'] as string[]) : undefined,
      // A user token's `sub` is the login; client_credentials tokens have no user to name.
      username: p['uid'] === undefined ? undefined : p.sub,
      exp: p.exp,
      iat: p.iat,
      sub: p.sub,
      aud: p.aud,
      iss: p.iss,
      jti: p.jti,
      // RFC 9449 §6.2: a DPoP-bound token says so, with its key's thumbprint (docs/dpop.md § 2.5).
      token_type: p['cnf'] === undefined ? 'Bearer' : 'DPoP',
      client_id: p['cid'],
      uid: p['uid'],
      cnf: p['cnf'],
    }
  }
  const user = typeof p.sub === 'string' ? ctx.users.get(p.sub) : undefined
  return { active: true, ...p, token_type: 'Bearer', client_id: p.aud, username: user?.login }
}
