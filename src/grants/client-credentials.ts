/** Client credentials grant (RFC 6749 §4.4): service tokens with `sub` = client id and no user. */
import { nowSeconds } from '../clock.js'
import { oktaError } from '../errors/oauth-error.js'
import { checkScopes, parseScope } from '../oauth/scope.js'
import { OKTA_API_SCOPES } from '../oauth/okta-api-scopes.js'
import { issueTokens } from './issue-tokens.js'
import type { GrantHandler } from './types.js'

// Scopes about a user make no sense without one; Okta grants only custom scopes here (docs/okta-behaviour.md § 2.5).
const USER_SCOPES = new Set(['profile', 'email', 'address', 'phone', 'offline_access', 'groups', 'device_sso'])

export const clientCredentialsGrant: GrantHandler = {
  grantType: 'client_credentials',
  parameters: ['scope'],
  async handle({ form, server, auth, dpop }, ctx) {
    // The org server serves service apps that authenticate with private_key_jwt only, for Okta's own API scopes (docs/dpop.md § 3.2).
    if (server.id === null && auth.method !== 'private_key_jwt') throw oktaError('unsupported_auth_method_client_creds')
    if (form['scope'] === undefined) throw oktaError('missing_scopes')
    const scopes = parseScope(form['scope'])
    if (scopes.includes('openid')) throw oktaError('openid_not_allowed_client_creds')
    if (scopes.some((s) => USER_SCOPES.has(s))) throw oktaError('invalid_scope')
    checkScopes(scopes, server.id === null ? OKTA_API_SCOPES : server.scopes, auth.client.scopes)
    return issueTokens({ server, client: auth.client, user: undefined, scopes, authTime: nowSeconds(ctx.clock) }, dpop ? { jkt: dpop.jkt } : {}, ctx)
  },
}
