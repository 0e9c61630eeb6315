/** Client credentials grant (RFC 6749 §4.4): service tokens with `sub` = client id and no user. */
import { nowSeconds } from '../clock.js'
import { oktaError } from '../errors/oauth-error.js'
import { checkScopes, parseScope } from '../oauth/scope.js'
import { issueTokens } from './issue-tokens.js'
import type { GrantHandler } from './types.js'

// Scopes about a user make no sense without one; Okta grants only custom scopes here (docs/okta-behaviour.md § 2.5).
const USER_SCOPES = new Set(['profile', 'email', 'address', 'phone', 'offline_access', 'groups', 'device_sso'])

export const clientCredentialsGrant: GrantHandler = {
  grantType: 'client_credentials',
  parameters: ['scope'],
  async handle({ form, server, auth }, ctx) {
    if (server.id === null) throw oktaError('unsupported_grant_type_client_creds_org_as')
    if (form['scope'] === undefined) throw oktaError('missing_scopes')
    const scopes = parseScope(form['scope'])
    if (scopes.includes('openid')) throw oktaError('openid_not_allowed_client_creds')
    if (scopes.some((s) => USER_SCOPES.has(s))) throw oktaError('invalid_scope')
    checkScopes(scopes, server.scopes, auth.client.scopes)
    return issueTokens({ server, client: auth.client, user: undefined, scopes, authTime: nowSeconds(ctx.clock) }, {}, ctx)
  },
}
