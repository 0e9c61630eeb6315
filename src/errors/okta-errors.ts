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
  multiple_client_credentials: {
    status: 401,
    error: 'invalid_request',
    description:
      'Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.',
  },
  client_credentials_in_query: { status: 400, error: 'invalid_request', description: 'Client credentials cannot be supplied via query parameters.' },
  illegal_duplicated_parameters: { status: 400, error: 'invalid_request', description: 'Duplicate parameter provided in request. Duplicated parameters: [{0}].' },
  token_request_missing_grant_type: { status: 400, error: 'invalid_request', description: "The token request must specify a 'grant_type'. Valid values: [{0}]" },
  missing_token_request_parameter: { status: 400, error: 'invalid_request', description: "The required parameter '{0}' is missing." },
  request_missing_token: { status: 400, error: 'invalid_request', description: "The 'token' parameter is required." },
  unsupported_grant_type: {
    status: 400,
    error: 'unsupported_grant_type',
    description: 'The authorization grant type is not supported by the authorization server. Configured grant types: [{0}].',
  },
  unsupported_grant_type_client_creds_org_as: {
    status: 400,
    error: 'unsupported_grant_type',
    description: "'client_credentials' grant type can only be used with a custom authorization server.",
  },
  unauthorized_client: { status: 400, error: 'unauthorized_client', description: 'The client is not authorized to use the provided grant type. Configured grant types: [{0}].' },
  invalid_refresh_token: { status: 400, error: 'invalid_grant', description: 'The refresh token is invalid or expired.' },
  invalid_password_credentials: { status: 400, error: 'invalid_grant', description: 'The credentials provided were invalid.' },
  invalid_scope: { status: 400, error: 'invalid_scope', description: 'The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.' },
  missing_scopes: { status: 400, error: 'invalid_scope', description: 'No scopes were requested.' },
  openid_not_allowed_client_creds: { status: 400, error: 'invalid_scope', description: "Cannot request 'openid' scopes using client credentials." },
  refresh_scopes_denied: {
    status: 400,
    error: 'access_denied',
    description: 'Some of the scopes requested for the refresh request were not granted in the original authorize request. Denied scopes: {0}.',
  },
  invalid_authorization_code: { status: 400, error: 'invalid_grant', description: 'The authorization code is invalid or has expired.' },
  mismatched_client: {
    status: 400,
    error: 'invalid_grant',
    description: "The grant was issued to another client. Please make sure the 'client_id' matches the one used at the authorize request.",
  },
  mismatched_redirect_uri: { status: 400, error: 'invalid_grant', description: "The 'redirect_uri' does not match the redirection URI used in the authorization request." },
  mismatched_authorization_server: { status: 400, error: 'invalid_request', description: 'The grant was issued for another authorization server.' },
  pkce_verification_failed: { status: 400, error: 'invalid_grant', description: 'PKCE verification failed.' },
  pkce_missing_verifier: { status: 400, error: 'invalid_request', description: 'PKCE code verifier is required by the application.' },
  pkce_missing_challenge_verifier_present: {
    status: 400,
    error: 'invalid_request',
    description: 'PKCE code challenge should be specified in the authorize request for code verification.',
  },
  pkce_missing_challenge: { status: 400, error: 'invalid_request', description: 'PKCE code challenge is required by the application.' },
  pkce_unsupported_code_challenge_method: { status: 400, error: 'invalid_request', description: 'PKCE code challenge method is not supported. Valid values: [{0}]' },
  pkce_invalid_challenge: { status: 400, error: 'invalid_request', description: 'PKCE code challenge contains illegal characters.' },
  invalid_client_id: { status: 401, error: 'invalid_client', description: "Invalid value for 'client_id' parameter." },
  missing_redirect_uri: { status: 400, error: 'missing_redirect_uri', description: 'redirect_uri is missing.' },
  illegal_redirect_uri: { status: 400, error: 'invalid_request', description: "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings." },
  invalid_state: { status: 400, error: 'invalid_request', description: "The authentication request has an invalid 'state' parameter." },
  unsupported_response_type: {
    status: 400,
    error: 'unsupported_response_type',
    description: 'The response type is not supported by the authorization server. Configured response types: [{0}].',
  },
  unsupported_response_mode: {
    status: 400,
    error: 'unsupported_response_mode',
    description: 'The response mode is not supported by the authorization server. Valid response modes: [query, fragment, form_post, okta_post_message].',
  },
  unsupported_response_mode_okta_post_message_with_code: {
    status: 400,
    error: 'unsupported_response_mode',
    description: "'okta_post_message' response mode cannot be used with the 'code' response type.",
  },
  unsupported_response_mode_query_with_tokens: {
    status: 400,
    error: 'unsupported_response_mode',
    description: "'query' response mode cannot be used with either the 'id_token' or 'token' response types.",
  },
  openid_scope_required: { status: 400, error: 'invalid_scope', description: "Requests for ID tokens or access tokens with OpenID scopes require the 'openid' scope." },
  invalid_nonce: {
    status: 400,
    error: 'invalid_request',
    description: "The 'nonce' parameter is required for authorize requests with either the 'id_token' or 'token' response types..",
  },
  no_existing_session: { status: 400, error: 'login_required', description: "A 'prompt' value of 'none' requires an existing session to successfully authorize." },
  login_required: { status: 400, error: 'login_required', description: 'The client specified not to prompt, but the user is not logged in.' },
  invalid_prompt: { status: 400, error: 'invalid_request', description: "Invalid value for 'prompt' parameter. Supported values: [{0}]" },
  invalid_max_age: { status: 400, error: 'invalid_request', description: "Invalid value for 'max_age' parameter. It should be within range 0 - 2^31-1." },
  invalid_prompt_for_zero_max_age: { status: 400, error: 'invalid_request', description: "'prompt' parameter must not have the value 'none' for request with 'zero' as max_age." },
  access_token_invalid: { status: 401, error: 'invalid_token', description: 'The access token is invalid.' },
  access_token_duplicate: { status: 400, error: 'invalid_request', description: 'The access token cannot be specified in both the Authorization header and the request-body.' },
  access_token_missing: { status: 401, error: 'invalid_request', description: 'The access token is missing.' },
  access_token_in_query: { status: 400, error: 'invalid_request', description: 'The access token cannot be presented in a query string.' },
  access_token_insufficient_scopes: { status: 403, error: 'insufficient_scope', description: 'The access token provided does not contain the required scopes.' },
  illegal_post_logout_redirect_uri: {
    status: 400,
    error: 'invalid_request',
    description: "The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings.",
  },
  illegal_origin_browser_request: {
    status: 400,
    error: 'invalid_request',
    description: 'Browser requests to the token endpoint must be part of at least one whitelisted redirect_uri.',
  },
  // The Interaction Code flow (/v1/interact and the interaction_code grant, docs/identity-engine.md).
  pkce_challenge_required: { status: 400, error: 'invalid_request', description: 'PKCE code challenge is required to use the interaction code flow.' },
  oie_not_enabled_for_interact: {
    status: 400,
    error: 'access_denied',
    description:
      "The requested feature (Interaction Code flow) isn't enabled in this environment. Ensure that you have Okta Identity Engine enabled and the Interaction Code flow enabled for this application and authorization server.",
  },
  invalid_activation_token: { status: 400, error: 'invalid_request', description: 'The activation token is invalid' },
  invalid_recovery_token: { status: 400, error: 'invalid_request', description: 'The recovery token is invalid' },
  invalid_interaction_code: { status: 400, error: 'invalid_grant', description: 'The interaction code is invalid or has expired.' },
  // Client assertions (RFC 7523): client_secret_jwt and private_key_jwt (docs/dpop.md § 3.1).
  client_assertion_type_invalid: { status: 400, error: 'invalid_request', description: 'The client_assertion_type is invalid.' },
  client_assertion_invalid_jwt: { status: 401, error: 'invalid_client', description: 'The parsing of the client_assertion failed.' },
  client_assertion_invalid_issuer: { status: 401, error: 'invalid_client', description: 'The issuer claim for client_assertion is not a valid client_id.' },
  client_assertion_invalid_subject: { status: 401, error: 'invalid_client', description: 'The subject claim for client_assertion is not a valid client_id.' },
  client_assertion_invalid_no_secret: {
    status: 401,
    error: 'invalid_client',
    description: 'The issuer and subject claim for client_assertion is invalid because the client does not have a client secret.',
  },
  client_assertion_invalid_audience: { status: 401, error: 'invalid_client', description: 'The audience claim for client_assertion must be the endpoint invoked for the request.' },
  client_assertion_expiration_required: { status: 401, error: 'invalid_client', description: "The client_assertion must contain the 'exp' claim as seconds since epoch." },
  client_assertion_expired_token: { status: 401, error: 'invalid_client', description: 'The client_assertion token is expired.' },
  client_assertion_expires_too_far_in_future: { status: 401, error: 'invalid_client', description: 'The client_assertion token has an expiration too far into the future.' },
  client_assertion_issued_at_in_future: { status: 401, error: 'invalid_client', description: 'The client_assertion token must be issued before the current time.' },
  client_assertion_already_used: { status: 401, error: 'invalid_client', description: 'The client_assertion token has already been used.' },
  client_assertion_invalid_signature: { status: 401, error: 'invalid_client', description: 'The client_assertion signature is invalid.' },
  client_assertion_invalid_jwks: { status: 401, error: 'invalid_client', description: 'The client JWKSet is invalid.' },
  client_assertion_invalid_kid: { status: 401, error: 'invalid_client', description: 'The client_assertion JWT kid is invalid.' },
  client_assertion_invalid_signature_algorithm: { status: 401, error: 'invalid_client', description: 'The client_assertion JWT signature algorithm is invalid.' },
  client_assertion_invalid_secret_length: { status: 401, error: 'invalid_client', description: 'The client secret is too short to verify a JWT HMAC.' },
  client_assertion_jwks_not_configured: {
    status: 401,
    error: 'invalid_client',
    description: 'The client does not have a JWKSet configured, but the client_assertion requires one.',
  },
  client_assertion_invalid_key_use: {
    status: 401,
    error: 'invalid_client',
    description: "The public key being used for client assertion has an invalid 'use' parameter. Valid values for the 'use' parameter are {0}.",
  },
  client_assertion_not_signed_with_signing_key: { status: 401, error: 'invalid_client', description: 'The client_assertion JWT needs to be signed using a signing key.' },
  unsupported_auth_method_client_creds: {
    status: 401,
    error: 'invalid_client',
    description: 'Client Credentials requests to the Org Authorization Server must use the private_key_jwt token_endpoint_auth_method.',
  },
  // DPoP (RFC 9449) at /token and at resources (docs/dpop.md).
  use_dpop_nonce: { status: 400, error: 'use_dpop_nonce', description: 'Authorization server requires nonce in DPoP proof.' },
  invalid_dpop_proof: { status: 400, error: 'invalid_dpop_proof', description: 'The DPoP proof JWT is invalid.' },
  invalid_dpop_proof_missing_header: { status: 400, error: 'invalid_dpop_proof', description: 'The DPoP proof JWT header is missing.' },
  invalid_dpop_proof_multiple_headers_not_allowed: { status: 400, error: 'invalid_dpop_proof', description: 'Multiple DPoP proof JWT headers are not allowed.' },
  invalid_dpop_proof_invalid_type: { status: 400, error: 'invalid_dpop_proof', description: "'typ' must be 'dpop+jwt' in the DPoP proof JWT." },
  invalid_dpop_proof_invalid_signature_algorithm: { status: 400, error: 'invalid_dpop_proof', description: 'The DPoP proof JWT signature algorithm is invalid.' },
  invalid_dpop_proof_invalid_jwt: { status: 400, error: 'invalid_dpop_proof', description: 'The DPoP proof JWT cannot be parsed.' },
  invalid_dpop_proof_invalid_signature: { status: 400, error: 'invalid_dpop_proof', description: 'The DPoP proof JWT signature is invalid.' },
  invalid_dpop_proof_invalid_htm: { status: 400, error: 'invalid_dpop_proof', description: "'htm' claim in the DPoP proof JWT is invalid." },
  invalid_dpop_proof_invalid_htu: { status: 400, error: 'invalid_dpop_proof', description: "'htu' claim in the DPoP proof JWT is invalid." },
  invalid_dpop_proof_invalid_iat: { status: 400, error: 'invalid_dpop_proof', description: "'iat' claim in the DPoP proof JWT is invalid." },
  invalid_dpop_proof_jwt_issued_in_future: { status: 400, error: 'invalid_dpop_proof', description: 'The DPoP proof JWT is issued in the future.' },
  invalid_dpop_proof_jwt_too_old: { status: 400, error: 'invalid_dpop_proof', description: 'The DPoP proof JWT is issued more than five minutes in the past.' },
  invalid_dpop_proof_invalid_public_key_binding: { status: 400, error: 'invalid_dpop_proof', description: 'Invalid DPoP Public Key binding in refresh token' },
  invalid_dpop_proof_invalid_jti: { status: 400, error: 'invalid_dpop_proof', description: "'jti' claim in the DPoP proof JWT is invalid." },
  dpop_proof_already_used: { status: 400, error: 'invalid_dpop_proof', description: 'The DPoP proof JWT has already been used.' },
  dpop_proof_invalid_ath: { status: 400, error: 'invalid_dpop_proof', description: "'ath' claim in the DPoP proof does not match the presented access_token." },
  invalid_access_token_dpop_binding: { status: 400, error: 'invalid_dpop_proof', description: 'The access_token is not bound to the provided DPoP proof.' },
  dpop_proof_required_for_token: { status: 400, error: 'invalid_request', description: 'The resource request requires a DPoP proof.' },
  dpop_authentication_scheme_required: {
    status: 400,
    error: 'invalid_request',
    description: 'The resource request must use the DPoP authentication scheme when using a DPoP bound token.',
  },
  access_token_not_dpop_bound: { status: 401, error: 'invalid_token', description: 'The presented access_token is not DPoP bound.' },
  temporarily_unavailable: {
    status: 400,
    error: 'temporarily_unavailable',
    description: 'The authorization server is currently unable to handle the request due to a temporary overloading or maintenance of the server.',
  },
  // Device authorization grant (RFC 8628 §3.5; docs/okta-behaviour.md § 2.7).
  authorization_pending: { status: 400, error: 'authorization_pending', description: 'The device authorization is pending. Please try again later.' },
  slow_down: { status: 400, error: 'slow_down', description: 'Slow down the polling frequency. Please try again later.' },
  expired_token: { status: 400, error: 'expired_token', description: 'The device code has expired.' },
  invalid_device_code: { status: 400, error: 'invalid_grant', description: 'The device code is invalid or has expired.' },
  // Token exchange, on behalf of a user (RFC 8693; docs/okta-behaviour.md § 2.9).
  unsupported_grant_type_token_exchange: {
    status: 400,
    error: 'unsupported_grant_type',
    description: "'urn:ietf:params:oauth:grant-type:token-exchange' grant type is not supported.",
  },
  on_behalf_invalid_client_type: { status: 400, error: 'invalid_request', description: 'Only service clients may use on-behalf token exchange.' },
  invalid_subject_token: { status: 400, error: 'invalid_request', description: "'subject_token' is invalid." },
  invalid_subject_token_type: { status: 400, error: 'invalid_request', description: "'subject_token_type' is invalid or not supported." },
  invalid_actor_token: { status: 400, error: 'invalid_request', description: "'actor_token' is invalid." },
  invalid_actor_token_type: { status: 400, error: 'invalid_request', description: "'actor_token_type' is invalid or not supported." },
  token_exchange_subject_token_expired: {
    status: 400,
    error: 'invalid_grant',
    description: "The 'subject_token' either expired or the session associated with it was terminated.",
  },
  token_exchange_invalid_audience: { status: 400, error: 'invalid_target', description: 'Token Exchange requests must include a valid audience of the authorization server.' },
  token_exchange_invalid_resource: { status: 400, error: 'invalid_target', description: "'resource' is invalid or not supported." },
  openid_not_allowed_token_exchange: { status: 400, error: 'invalid_scope', description: "Can't request 'openid' scopes using the Token Exchange flow for a service app." },
  associated_server_not_trusted: { status: 403, error: 'access_denied', description: "The 'subject_token' issuer isn't a trusted authorization server." },
  // Pushed authorization requests (RFC 9126; docs/okta-behaviour.md § 2.10).
  pushed_authorization_request_uri_present: { status: 400, error: 'invalid_request', description: "The 'request_uri' parameter must not be present in the request." },
  invalid_request_uri: { status: 400, error: 'invalid_request_uri', description: 'The authorize request_uri is invalid.' },
  authorize_request_uri_mismatched_authorization_server: { status: 400, error: 'invalid_request_uri', description: 'The request_uri was issued for another authorization server.' },
  authorize_request_uri_mismatched_client: {
    status: 401,
    error: 'invalid_client',
    description: "The 'client_id' parameter does not match the expected value for the provided request_uri.",
  },
  authorize_request_object_and_request_uri_provided: {
    status: 400,
    error: 'invalid_request',
    description: 'The authorize request must not contain both a request object and a request uri.',
  },
  server_error: { status: 500, error: 'server_error', description: 'The authorization server encountered an unexpected condition that prevented it from fulfilling the request.' },
} as const satisfies Record<string, { status: number; error: string; description: string }>

export type OktaErrorCode = keyof typeof oktaErrors

/**
 * Errors for cases Okta does not document (framework-level failures). They keep the OAuth shape with
 * Okta's generic `invalid_request`; docs/departures.md lists them.
 */
export const mocktaErrors = {
  unsupported_media_type: { status: 400, error: 'invalid_request', description: 'The request body must be application/x-www-form-urlencoded.' },
  malformed_body: { status: 400, error: 'invalid_request', description: 'The request body could not be parsed.' },
  body_too_large: { status: 413, error: 'invalid_request', description: 'The request body is too large.' },
  // RFC 9110 §15.5.9: the client took too long to send its request (limits.headersTimeoutSeconds, bodyTimeoutSeconds).
  request_timeout: { status: 408, error: 'invalid_request', description: 'The request did not arrive in time.' },
  content_encoding: { status: 400, error: 'invalid_request', description: 'Compressed request bodies are not supported.' },
  duplicate_header: { status: 400, error: 'invalid_request', description: 'The request contained multiple headers with the same name.' },
  method_not_allowed: { status: 405, error: 'invalid_request', description: 'The endpoint does not support the provided HTTP method.' },
  not_found: { status: 404, error: 'invalid_request', description: 'The requested resource was not found.' },
  store_full: { status: 503, error: 'temporarily_unavailable', description: 'The authorization server cannot take new grants: its store is full.' },
  sign_in_transaction_invalid: {
    status: 400,
    error: 'invalid_request',
    description: 'This sign-in form has expired or was not opened in this browser. Start the sign-in again from the application.',
  },
  id_token_hint_missing: { status: 400, error: 'invalid_request', description: "The 'id_token_hint' parameter is required." },
  id_token_hint_invalid: { status: 400, error: 'invalid_request', description: "The 'id_token_hint' parameter is not a valid ID token of this authorization server." },
  // Okta's own text for temporarily_unavailable, with 503 as RFC 6749 §4.1.2.1 maps it to HTTP.
  store_unavailable: {
    status: 503,
    error: 'temporarily_unavailable',
    description: 'The authorization server is currently unable to handle the request due to a temporary overloading or maintenance of the server.',
  },
  // RFC 8628 §3.5 names the error, Okta's catalogue has no text for a denied device (docs/departures.md).
  device_access_denied: { status: 400, error: 'access_denied', description: 'The user denied the device authorization request.' },
  // Okta's "Require PAR" has no catalogued error for a request sent without one (docs/departures.md).
  par_required: { status: 400, error: 'invalid_request', description: 'This client must push its authorization request to /v1/par first and send its request_uri.' },
  shutting_down: { status: 503, error: 'temporarily_unavailable', description: 'The authorization server is shutting down.' },
} as const satisfies Record<string, { status: number; error: string; description: string }>

export type MocktaErrorCode = keyof typeof mocktaErrors
