/**
 * The Okta OAuth errors mockta emits, keyed by Okta's internal error code. Texts are Okta's wire
 * behaviour (its published catalogue, oauth2-error-codes.json release 2026.08.1); a test checks this
 * table against that catalogue. `{0}` marks the catalogue's `en` placeholder.
 */
export const oktaErrors = {
  invalid_request: { status: 400, error: 'invalid_request', description: 'Invalid request' },
  invalid_client: { status: 401, error: 'invalid_client', description: 'Client authentication failed. Either the client or the client credentials are invalid.' },
  missing_client_credentials: { status: 401, error: 'invalid_client', description: 'No client credentials found.' },
  invalid_basic_auth_creds: { status: 401, error: 'invalid_client', description: 'Found Authentication header but was not valid client credentials.' },
  invalid_client_secret: { status: 401, error: 'invalid_client', description: 'The client secret supplied for a confidential client is invalid.' },
  multiple_client_credentials: { status: 401, error: 'invalid_request', description: 'Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.' },
  client_credentials_in_query: { status: 400, error: 'invalid_request', description: 'Client credentials cannot be supplied via query parameters.' },
  illegal_duplicated_parameters: { status: 400, error: 'invalid_request', description: 'Duplicate parameter provided in request. Duplicated parameters: [{0}].' },
  token_request_missing_grant_type: { status: 400, error: 'invalid_request', description: "The token request must specify a 'grant_type'. Valid values: [{0}]" },
  missing_token_request_parameter: { status: 400, error: 'invalid_request', description: "The required parameter '{0}' is missing." },
  request_missing_token: { status: 400, error: 'invalid_request', description: "The 'token' parameter is required." },
  unsupported_grant_type: { status: 400, error: 'unsupported_grant_type', description: 'The authorization grant type is not supported by the authorization server. Configured grant types: [{0}].' },
  unsupported_grant_type_client_creds_org_as: { status: 400, error: 'unsupported_grant_type', description: "'client_credentials' grant type can only be used with a custom authorization server." },
  unauthorized_client: { status: 400, error: 'unauthorized_client', description: 'The client is not authorized to use the provided grant type. Configured grant types: [{0}].' },
  invalid_refresh_token: { status: 400, error: 'invalid_grant', description: 'The refresh token is invalid or expired.' },
  invalid_password_credentials: { status: 400, error: 'invalid_grant', description: 'The credentials provided were invalid.' },
  invalid_scope: { status: 400, error: 'invalid_scope', description: 'The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.' },
  missing_scopes: { status: 400, error: 'invalid_scope', description: 'No scopes were requested.' },
  openid_not_allowed_client_creds: { status: 400, error: 'invalid_scope', description: "Cannot request 'openid' scopes using client credentials." },
  refresh_scopes_denied: { status: 400, error: 'access_denied', description: 'Some of the scopes requested for the refresh request were not granted in the original authorize request. Denied scopes: {0}.' },
  temporarily_unavailable: { status: 400, error: 'temporarily_unavailable', description: 'The authorization server is currently unable to handle the request due to a temporary overloading or maintenance of the server.' },
  server_error: { status: 500, error: 'server_error', description: 'The authorization server encountered an unexpected condition that prevented it from fulfilling the request.' },
} as const satisfies Record<string, { status: number; error: string; description: string }>

export type OktaErrorCode = keyof typeof oktaErrors

/**
 * Errors for cases Okta does not document (framework-level failures). They keep the OAuth shape with
 * Okta's generic `invalid_request`; the README lists them as departures.
 */
export const mocktaErrors = {
  unsupported_media_type: { status: 400, error: 'invalid_request', description: 'The request body must be application/x-www-form-urlencoded.' },
  malformed_body: { status: 400, error: 'invalid_request', description: 'The request body could not be parsed.' },
  body_too_large: { status: 413, error: 'invalid_request', description: 'The request body is too large.' },
  content_encoding: { status: 400, error: 'invalid_request', description: 'Compressed request bodies are not supported.' },
  duplicate_header: { status: 400, error: 'invalid_request', description: 'The request contained multiple headers with the same name.' },
  method_not_allowed: { status: 405, error: 'invalid_request', description: 'The endpoint does not support the provided HTTP method.' },
  not_found: { status: 404, error: 'invalid_request', description: 'The requested resource was not found.' },
  store_full: { status: 503, error: 'temporarily_unavailable', description: 'The authorization server cannot take new grants: its store is full.' },
  shutting_down: { status: 503, error: 'temporarily_unavailable', description: 'The authorization server is shutting down.' },
} as const satisfies Record<string, { status: number; error: string; description: string }>

export type MocktaErrorCode = keyof typeof mocktaErrors
