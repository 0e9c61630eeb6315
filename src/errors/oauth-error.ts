/** The one error type of the OAuth endpoints; the error handler turns it into HTTP. */
import { AnswerError } from './answer-error.js'
import { mocktaErrors, oktaErrors, type MocktaErrorCode, type OktaErrorCode } from './okta-errors.js'

export class OAuthError extends AnswerError {
  readonly error: string
  readonly statusCode: number
  readonly headers: Readonly<Record<string, string>>
  /** Okta's internal code (or mockta's own), for logs and the journal; never sent. */
  readonly code: string

  constructor(code: string, status: number, error: string, description: string, headers: Record<string, string> = {}) {
    super(description)
    this.name = 'OAuthError'
    this.code = code
    this.statusCode = status
    this.error = error
    this.headers = headers
  }

  withHeaders(headers: Record<string, string>): OAuthError {
    return new OAuthError(this.code, this.statusCode, this.error, this.message, { ...this.headers, ...headers })
  }
}

/** An Okta catalogue error; `args` fill the catalogue's placeholder. */
export function oktaError(code: OktaErrorCode, ...args: string[]): OAuthError {
  const entry = oktaErrors[code]
  const description = args.reduce<string>((text, arg, i) => text.replace(`{${i}}`, arg), entry.description)
  return new OAuthError(code, entry.status, entry.error, description)
}

export function mocktaError(code: MocktaErrorCode): OAuthError {
  const entry = mocktaErrors[code]
  return new OAuthError(code, entry.status, entry.error, entry.description)
}

/**
 * Okta's management-API error body, used where Okta answers outside OAuth (unknown authorization
 * server: docs/okta-behaviour.md § 1.1, E0000007).
 */
export class OktaApiError extends AnswerError {
  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    readonly summary: string,
    /** `errorCauses`' summaries (Okta lists the field problems of a bad request there). */
    readonly causes: readonly string[] = [],
  ) {
    super(summary)
    this.name = 'OktaApiError'
  }
}

export const authServerNotFound = (id: string): OktaApiError => new OktaApiError(404, 'E0000007', `Not found: Resource not found: ${id} (AuthorizationServer)`)

/** The Authentication API's answers (docs/authentication-api.md § 1.2): Okta's codes and texts. */
export const authenticationFailed = (): OktaApiError => new OktaApiError(401, 'E0000004', 'Authentication failed')
export const invalidStateToken = (): OktaApiError => new OktaApiError(401, 'E0000011', 'Invalid token provided')
export const malformedBody = (): OktaApiError => new OktaApiError(400, 'E0000003', 'The request body was not well-formed.')
export const sessionNotFound = (): OktaApiError => new OktaApiError(404, 'E0000007', 'Not found: Resource not found: me (Session)')
/** Okta's factor and password answers (docs/authentication-api.md § 1.6). */
export const invalidPasscode = (): OktaApiError => new OktaApiError(403, 'E0000068', 'Invalid Passcode/Answer', ["Your passcode doesn't match our records. Please try again."])
export const passcodeReplayed = (): OktaApiError => new OktaApiError(403, 'E0000082', 'Each code can only be used once. Please wait for a new code and try again.')
const ILLEGAL_AUTH_STATE = 'This operation is not allowed in the current authentication state.'
export const illegalAuthState = (): OktaApiError => new OktaApiError(403, 'E0000079', ILLEGAL_AUTH_STATE, [ILLEGAL_AUTH_STATE])
export const factorNotFound = (): OktaApiError => new OktaApiError(404, 'E0000007', 'Not found: Resource not found: factor (UserFactor)')
export const credentialsUpdateFailed = (cause: string): OktaApiError => new OktaApiError(403, 'E0000014', 'Update of credentials failed', [cause])
export const passwordPolicyViolation = (cause: string): OktaApiError =>
  new OktaApiError(403, 'E0000080', 'The password does not meet the complexity requirements of the current password policy.', [cause])
/** E0000001 with the field problems as causes, as Okta reports a request that fails validation. */
export const apiValidationFailed = (causes: string[]): OktaApiError => new OktaApiError(400, 'E0000001', 'Api validation failed: authRequest', causes)
