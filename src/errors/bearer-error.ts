/**
 * Errors of a protected resource (RFC 6750 §3): Okta's /userinfo answers them in the
 * `WWW-Authenticate` header only, with an empty body (docs/okta-behaviour.md § 10).
 */
import { OAuthError, oktaError } from './oauth-error.js'
import type { OktaErrorCode } from './okta-errors.js'

export class BearerError extends OAuthError {
  readonly challenge: string
  constructor(source: OAuthError, realm: string, authorizationUri: string) {
    super(source.code, source.statusCode, source.error, source.message)
    this.name = 'BearerError'
    // RFC 6750 §3: quoted auth-params; our descriptions contain no quote or backslash.
    this.challenge = `Bearer authorization_uri="${authorizationUri}", realm="${realm}", scope="openid", error="${source.error}", error_description="${source.message}"`
  }
}

export const bearerError = (code: OktaErrorCode, realm: string, authorizationUri: string): BearerError =>
  new BearerError(oktaError(code), realm, authorizationUri)
