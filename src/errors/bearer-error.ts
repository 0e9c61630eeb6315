/**
 * Errors of a protected resource (RFC 6750 §3): Okta's /userinfo answers them in the
 * `WWW-Authenticate` header only, with an empty body (docs/okta-behaviour.md § 10).
 */
import { OAuthError, oktaError } from './oauth-error.js'
import type { OktaErrorCode } from './okta-errors.js'

export class BearerError extends OAuthError {
  readonly challenge: string
  /** `scheme` DPoP: the challenge of a DPoP-bound token's request (RFC 9449 §7.1), as okta-auth-js reads it. */
  constructor(source: OAuthError, realm: string, authorizationUri: string, scheme: 'Bearer' | 'DPoP' = 'Bearer') {
    super(source.code, source.statusCode, source.error, source.message)
    this.name = 'BearerError'
    // RFC 6750 §3: quoted auth-params; our descriptions contain no quote or backslash except the
    // single quotes of a few DPoP texts, which a quoted-string allows.
    this.challenge = `${scheme} authorization_uri="${authorizationUri}", realm="${realm}", scope="openid", error="${source.error}", error_description="${source.message}"`
  }
}

export const bearerError = (code: OktaErrorCode, realm: string, authorizationUri: string, scheme: 'Bearer' | 'DPoP' = 'Bearer'): BearerError =>
  new BearerError(oktaError(code), realm, authorizationUri, scheme)
