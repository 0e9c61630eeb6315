/**
 * GET/POST /v1/userinfo (OIDC Core §5.3): the signed-in user's claims for the access token's scopes.
 * A DPoP-bound token is presented with the DPoP scheme and a proof carrying `ath` (RFC 9449 §7), as at
 * Okta's resource server: no nonce is asked for (docs/dpop.md § 2.6).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import { BearerError, bearerError } from '../errors/bearer-error.js'
import { OAuthError, oktaError } from '../errors/oauth-error.js'
import type { OktaErrorCode } from '../errors/okta-errors.js'
import { presentedProof } from '../http/dpop.js'
import { acceptResourceProof } from '../oauth/dpop.js'
import { hasQueryParam, readForm } from '../oauth/form.js'
import { userinfoClaims } from '../oauth/claims.js'
import { lookUpToken } from '../oauth/token-lookup.js'
import { endpoint, serverOf } from './paths.js'

const SCHEME = /^(Bearer|DPoP) +(\S+)$/i

type Scheme = 'Bearer' | 'DPoP'

export const userinfoRoutes: FastifyPluginAsync<{ ctx: Pick<AppContext, 'servers' | 'clients' | 'users' | 'store' | 'clock' | 'epochSeconds' | 'tokenSecret'> }> = async (
  app,
  { ctx },
) => {
  endpoint(app, ['GET', 'POST'], '/v1/userinfo', { config: { noStore: true } }, async (req) => {
    const server = serverOf(req, ctx)
    const authorizationUri = `${server.endpointBase}/authorize`
    const fail = (code: OktaErrorCode, scheme: Scheme = 'Bearer') => bearerError(code, server.issuer, authorizationUri, scheme)
    const { token, scheme } = presentedToken(req, fail)
    const found = await lookUpToken(token, server, ctx)
    if (found?.kind !== 'access_token' || !found.active) throw fail('access_token_invalid', scheme)
    const cnf = found.payload['cnf'] as { jkt?: unknown } | undefined
    if (typeof cnf?.jkt === 'string') {
      // RFC 9449 §7.1: a bound token is only good with the DPoP scheme and a proof of its key.
      if (scheme !== 'DPoP') throw fail('dpop_authentication_scheme_required', 'DPoP')
      try {
        const proof = presentedProof(req)
        if (proof === undefined) throw oktaError('dpop_proof_required_for_token')
        await acceptResourceProof(proof, { htm: req.method, htu: `${server.endpointBase}/userinfo`, accessToken: token, jkt: cnf.jkt }, ctx)
      } catch (err) {
        throw err instanceof OAuthError ? new BearerError(err, server.issuer, authorizationUri, 'DPoP') : err
      }
    } else if (scheme === 'DPoP') {
      throw fail('access_token_not_dpop_bound', 'DPoP')
    }
    const scopes = Array.isArray(found.payload['scp']) ? (found.payload['scp'] as string[]) : []
    const uid = found.payload['uid']
    const user = typeof uid === 'string' ? ctx.users.get(uid) : undefined
    if (!user) throw fail('access_token_invalid', scheme)
    if (!scopes.includes('openid')) throw fail('access_token_insufficient_scopes', scheme)
    const client = ctx.clients.get(String(found.payload['cid']))
    if (!client) throw fail('access_token_invalid', scheme)
    return userinfoClaims({ server, client, user, scopes, authTime: Number(found.payload['auth_time'] ?? 0) })
  })
}

/** RFC 6750 §2.1 (header) or §2.2 (form body); never the query string (§2.3 is refused, as Okta does). */
function presentedToken(req: FastifyRequest, fail: (code: OktaErrorCode) => Error): { token: string; scheme: Scheme } {
  if (hasQueryParam(req.query, ['access_token'])) throw fail('access_token_in_query')
  const header = req.headers.authorization
  const body = req.method === 'POST' ? readForm(req.body, ['access_token'])['access_token'] : undefined
  if (header !== undefined && body !== undefined) throw fail('access_token_duplicate')
  if (body !== undefined) return { token: body, scheme: 'Bearer' }
  if (header === undefined) throw fail('access_token_missing')
  const match = SCHEME.exec(header)
  if (!match) throw fail('access_token_invalid')
  return { token: match[2]!, scheme: match[1]!.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer' }
}
