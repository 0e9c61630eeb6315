/** Resource owner password grant (RFC 6749 §4.3): how a test gets its first refresh token without a browser. */
import { nowSeconds } from '../clock.js'
import { oktaError } from '../errors/oauth-error.js'
import { checkScopes, parseScope } from '../oauth/scope.js'
import { dpopBinding, issueForAuthentication } from './authentication-tokens.js'
import type { GrantHandler } from './types.js'

export const passwordGrant: GrantHandler = {
  grantType: 'password',
  parameters: ['username', 'password', 'scope'],
  async handle({ form, server, auth, dpop }, ctx) {
    const username = form['username']
    const password = form['password']
    if (username === undefined) throw oktaError('missing_token_request_parameter', 'username')
    if (password === undefined) throw oktaError('missing_token_request_parameter', 'password')
    // Okta's OpenAPI TokenRequestPassword (docs/okta-behaviour.md § 2.6): `scope` is required.
    if (form['scope'] === undefined) throw oktaError('missing_scopes')
    const scopes = parseScope(form['scope'])
    checkScopes(scopes, server.scopes, auth.client.scopes)
    const user = ctx.users.authenticate(username, password)
    if (!user) throw oktaError('invalid_password_credentials')
    return issueForAuthentication({ server, client: auth.client, user, scopes, authTime: nowSeconds(ctx.clock) }, ctx, undefined, dpopBinding(dpop, auth))
  },
}
