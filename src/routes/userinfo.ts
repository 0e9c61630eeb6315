/** GET/POST /v1/userinfo (OIDC Core §5.3): the signed-in user's claims for the access token's scopes. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import { bearerError } from '../errors/bearer-error.js'
import type { OktaErrorCode } from '../errors/okta-errors.js'
import { hasQueryParam, readForm } from '../oauth/form.js'
import { userinfoClaims } from '../oauth/claims.js'
import { lookUpToken } from '../oauth/token-lookup.js'
import { endpoint, serverOf } from './paths.js'

const BEARER = /^Bearer +(\S+)$/i

export const userinfoRoutes: FastifyPluginAsync<{ ctx: Pick<AppContext, 'servers' | 'clients' | 'users' | 'store' | 'clock' | 'epochSeconds'> }> = async (app, { ctx }) => {
  endpoint(app, ['GET', 'POST'], '/v1/userinfo', { config: { noStore: true } }, async (req) => {
    const server = serverOf(req, ctx)
    const fail = (code: OktaErrorCode) => bearerError(code, server.issuer, `${server.endpointBase}/authorize`)
    const token = presentedToken(req, fail)
    const found = await lookUpToken(token, server, ctx)
    if (!found || found.kind !== 'access_token' || !found.active) throw fail('access_token_invalid')
    const scopes = Array.isArray(found.payload['scp']) ? (found.payload['scp'] as string[]) : []
    const uid = found.payload['uid']
    const user = typeof uid === 'string' ? ctx.users.get(uid) : undefined
    if (!user) throw fail('access_token_invalid')
    if (!scopes.includes('openid')) throw fail('access_token_insufficient_scopes')
    const client = ctx.clients.get(String(found.payload['cid']))
    if (!client) throw fail('access_token_invalid')
    return userinfoClaims({ server, client, user, scopes, authTime: Number(found.payload['auth_time'] ?? 0) })
  })
}

/** RFC 6750 §2.1 (header) or §2.2 (form body); never the query string (§2.3 is refused, as Okta does). */
function presentedToken(req: FastifyRequest, fail: (code: OktaErrorCode) => Error): string {
  if (hasQueryParam(req.query, ['access_token'])) throw fail('access_token_in_query')
  const header = req.headers.authorization
  const body = req.method === 'POST' ? readForm(req.body, ['access_token'])['access_token'] : undefined
  if (header !== undefined && body !== undefined) throw fail('access_token_duplicate')
  if (body !== undefined) return body
  if (header === undefined) throw fail('access_token_missing')
  const match = BEARER.exec(header)
  if (!match) throw fail('access_token_invalid')
  return match[1]!
}

