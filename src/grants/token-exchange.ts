/**
 * Token exchange on behalf of a user (RFC 8693; Okta's service-to-service flow, docs/okta-behaviour.md
 * § 2.9): a service client presents a user's access token from this authorization server or a
 * trusted one and gets an access token of this server for the same user, with its own scopes. No
 * ID token and no refresh token: Okta grants neither OpenID scopes nor `offline_access` here.
 */
import { nowSeconds } from '../clock.js'
import { oktaError } from '../errors/oauth-error.js'
import { checkScopes, parseScope } from '../oauth/scope.js'
import { lookUpToken } from '../oauth/token-lookup.js'
import { unverifiedIssuer, verifyJwt } from '../oauth/token-signer.js'
import { GrantRefused } from './grant-refused.js'
import { issueTokens } from './issue-tokens.js'
import type { GrantHandler } from './types.js'

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'

// Scopes about the user's own sign-in: a service's exchanged token carries API scopes only.
const REFUSED_SCOPES = new Set(['offline_access', 'device_sso'])
const OPENID_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'groups'])

export const tokenExchangeGrant: GrantHandler = {
  grantType: TOKEN_EXCHANGE_GRANT,
  // `requested_token_type` is not read: an access token is the only type this flow issues (RFC 8693 §2.1 makes it optional).
  parameters: ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'audience', 'resource', 'scope'],
  async handle({ form, server, auth, dpop }, ctx) {
    // Okta serves token exchange on custom authorization servers only.
    if (server.id === null) throw oktaError('unsupported_grant_type_token_exchange')
    if (auth.client.type !== 'service') throw oktaError('on_behalf_invalid_client_type')
    for (const name of ['subject_token', 'subject_token_type'] as const) {
      if (form[name] === undefined) throw oktaError('missing_token_request_parameter', name)
    }
    // Only access tokens are exchanged (docs/okta-behaviour.md § 2.9).
    if (form['subject_token_type'] !== ACCESS_TOKEN_TYPE) throw oktaError('invalid_subject_token_type')
    // On behalf of a user there is no actor (docs/okta-behaviour.md § 2.9); native SSO's actor tokens are not served.
    if (form['actor_token'] !== undefined) throw oktaError('invalid_actor_token')
    if (form['actor_token_type'] !== undefined) throw oktaError('invalid_actor_token_type')
    if (form['resource'] !== undefined) throw oktaError('token_exchange_invalid_resource')
    if (form['audience'] !== server.audience) throw oktaError('token_exchange_invalid_audience')
    if (form['scope'] === undefined) throw oktaError('missing_scopes')
    const scopes = parseScope(form['scope'])
    if (scopes.some((s) => OPENID_SCOPES.has(s))) throw oktaError('openid_not_allowed_token_exchange')
    if (scopes.some((s) => REFUSED_SCOPES.has(s))) throw oktaError('invalid_scope')
    checkScopes(scopes, server.scopes, auth.client.scopes)

    const token = form['subject_token']!
    const issuer = unverifiedIssuer(token)
    const subjectServer = issuer === undefined ? undefined : ctx.servers.byIssuer(issuer)
    if (!subjectServer) throw new GrantRefused(oktaError('invalid_subject_token'), 'unknown_token', undefined)
    if (!server.trustedIssuers.has(subjectServer.issuer)) throw oktaError('associated_server_not_trusted')
    const found = await lookUpToken(token, subjectServer, ctx)
    if (!found) {
      // Signed by us but past its `exp`: Okta says expired, not invalid.
      const expired = await signedButExpired(token, subjectServer, ctx.clock)
      throw new GrantRefused(oktaError(expired ? 'token_exchange_subject_token_expired' : 'invalid_subject_token'), expired ? 'family_ended' : 'unknown_token', undefined)
    }
    if (found.kind !== 'access_token') throw new GrantRefused(oktaError('invalid_subject_token'), 'unknown_token', undefined)
    // Revoked, or its sign-in's family ended: "the session associated with it was terminated".
    if (!found.active) throw new GrantRefused(oktaError('token_exchange_subject_token_expired'), 'family_ended', found.familyId)
    const uid = found.payload['uid']
    const user = typeof uid === 'string' ? ctx.users.get(uid) : undefined
    // A client-credentials token has no user to act for.
    if (typeof uid !== 'string') throw new GrantRefused(oktaError('invalid_subject_token'), 'unknown_token', found.familyId)
    if (!user) throw new GrantRefused(oktaError('token_exchange_subject_token_expired'), 'user_gone', found.familyId)
    const authTime = typeof found.payload['auth_time'] === 'number' ? found.payload['auth_time'] : nowSeconds(ctx.clock)
    const grant = await issueTokens({ server, client: auth.client, user, scopes, authTime }, dpop ? { jkt: dpop.jkt } : {}, ctx)
    return { ...grant, response: { ...grant.response, issued_token_type: ACCESS_TOKEN_TYPE } }
  },
}

/** Whether a token would verify just before its own `exp`: one of ours, only expired. */
async function signedButExpired(token: string, server: Parameters<typeof verifyJwt>[1], clock: { nowMs(): number }): Promise<boolean> {
  const exp = unverifiedExp(token)
  if (exp === undefined || exp > Math.floor(clock.nowMs() / 1000)) return false
  return (await verifyJwt(token, server, exp - 1)) !== undefined
}

function unverifiedExp(token: string): number | undefined {
  const payload = token.split('.')[1]
  if (payload === undefined || payload.length > 16384) return undefined
  try {
    const exp: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))?.exp
    return Number.isSafeInteger(exp) ? (exp as number) : undefined
  } catch {
    return undefined
  }
}
