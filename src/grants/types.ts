/** The contract between the token route and the grant handlers. */
import type { FastifyBaseLogger } from 'fastify'
import type { AppContext } from '../context.js'
import type { GrantType } from '../config/types.js'
import type { AuthServer } from '../registry/auth-servers.js'
import type { AuthenticatedClient } from '../registry/clients.js'
import type { Form } from '../oauth/form.js'

/** The token response body (Okta's OpenAPI `TokenResponse`, docs/okta-behaviour.md § 2.2), in Okta's member order. */
export interface TokenResponse {
  token_type: 'Bearer'
  expires_in: number
  access_token: string
  scope: string
  refresh_token?: string
  id_token?: string
}

export interface GrantRequest {
  form: Form
  server: AuthServer
  auth: AuthenticatedClient
  log: FastifyBaseLogger
}

export interface GrantHandler {
  grantType: GrantType
  /** The form parameters this grant reads (besides client authentication). */
  parameters: readonly string[]
  handle(request: GrantRequest, ctx: AppContext): Promise<TokenResponse>
}
