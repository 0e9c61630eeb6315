/** The one error type of the OAuth endpoints; the error handler turns it into HTTP. */
import { mocktaErrors, oktaErrors, type MocktaErrorCode, type OktaErrorCode } from './okta-errors.js'

export class OAuthError extends Error {
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
export class OktaApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    readonly summary: string,
  ) {
    super(summary)
    this.name = 'OktaApiError'
  }
}

export const authServerNotFound = (id: string): OktaApiError =>
  new OktaApiError(404, 'E0000007', `Not found: Resource not found: ${id} (AuthorizationServer)`)
