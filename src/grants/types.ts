/** The contract between the token route and the grant handlers. */
import type { FastifyBaseLogger } from 'fastify'
import type { AppContext } from '../context.js'
import type { GrantType } from '../config/types.js'
import type { AuthServer } from '../registry/auth-servers.js'
import type { AuthenticatedClient } from '../registry/clients.js'
import type { Form } from '../oauth/form.js'

/** The token response body (Okta's OpenAPI `TokenResponse`, docs/okta-behaviour.md § 2.2), in Okta's member order. */
export interface TokenResponse {
  /** `DPoP` for tokens bound to a DPoP key (RFC 9449 §5). */
  token_type: 'Bearer' | 'DPoP'
  expires_in: number
  access_token: string
  scope: string
  refresh_token?: string
  id_token?: string
  /** Token exchange only (RFC 8693 §2.2.1). */
  issued_token_type?: string
}

/** A signed JWT as its issuer knows it: no one decodes a token mockta has just signed. */
export interface IssuedJwt {
  jti: string
  expiresAtMs: number
}

/**
 * What a grant issued, besides the wire answer: the journal, the authorization-code grant's replay
 * bookkeeping and the logs read it. Never sent.
 */
export interface Issued {
  clientId: string
  /** Absent for client_credentials. */
  userId: string | undefined
  scopes: readonly string[]
  accessToken: IssuedJwt
  idToken: IssuedJwt | undefined
  /** The refresh family the tokens belong to (a sign-in with `offline_access`, a refresh). */
  familyId: string | undefined
  /** The DPoP key thumbprint the access token is bound to (`cnf.jkt`); absent for Bearer tokens. */
  jkt?: string
}

export interface Grant {
  response: TokenResponse
  issued: Issued
}

export interface GrantRequest {
  form: Form
  server: AuthServer
  auth: AuthenticatedClient
  log: FastifyBaseLogger
  /** The request's accepted DPoP proof (RFC 9449), for clients that require DPoP. */
  dpop?: { jkt: string }
}

export interface GrantHandler {
  grantType: GrantType
  /** The form parameters this grant reads (besides client authentication). */
  parameters: readonly string[]
  /** Throws an `OAuthError` (a `GrantRefused` when the grant knows more than the answer says). */
  handle(request: GrantRequest, ctx: AppContext): Promise<Grant>
}
