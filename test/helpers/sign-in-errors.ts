/**
 * Okta errors of the sign-in flows, and the test file that drives each one over the wire against the
 * catalogue. They are not JSON token errors (pages, redirects, WWW-Authenticate), so the catalogue
 * conformance test takes them from here and checks that the named test really names the code.
 */
import type { OktaErrorCode } from '../../src/errors/okta-errors.js'

const AUTHORIZE = 'test/routes/authorize.test.ts'
const CODE_GRANT = 'test/routes/token.authorization-code.test.ts'
const USERINFO = 'test/routes/userinfo.test.ts'
const LOGOUT = 'test/routes/logout.test.ts'
const CORS = 'test/routes/cors.test.ts'
const IMPLICIT = 'test/routes/authorize.implicit.test.ts'
const INTERACT = 'test/routes/interact.test.ts'
const INTERACTION_CODE = 'test/routes/token.interaction-code.test.ts'

const DEVICE = 'test/routes/device-authorization.test.ts'
const EXCHANGE_PAR = 'test/routes/token-exchange-par.test.ts'

export const SIGN_IN_ERRORS: Partial<Record<OktaErrorCode, string>> = {
  authorization_pending: DEVICE,
  slow_down: DEVICE,
  expired_token: DEVICE,
  invalid_device_code: DEVICE,
  unsupported_grant_type_token_exchange: EXCHANGE_PAR,
  on_behalf_invalid_client_type: EXCHANGE_PAR,
  invalid_subject_token: EXCHANGE_PAR,
  invalid_subject_token_type: EXCHANGE_PAR,
  invalid_actor_token: EXCHANGE_PAR,
  invalid_actor_token_type: EXCHANGE_PAR,
  token_exchange_subject_token_expired: EXCHANGE_PAR,
  token_exchange_invalid_audience: EXCHANGE_PAR,
  token_exchange_invalid_resource: EXCHANGE_PAR,
  openid_not_allowed_token_exchange: EXCHANGE_PAR,
  associated_server_not_trusted: EXCHANGE_PAR,
  pushed_authorization_request_uri_present: EXCHANGE_PAR,
  invalid_request_uri: EXCHANGE_PAR,
  authorize_request_uri_mismatched_authorization_server: EXCHANGE_PAR,
  authorize_request_uri_mismatched_client: EXCHANGE_PAR,
  authorize_request_object_and_request_uri_provided: EXCHANGE_PAR,
  pkce_challenge_required: INTERACT,
  oie_not_enabled_for_interact: INTERACT,
  invalid_activation_token: INTERACT,
  invalid_recovery_token: INTERACT,
  invalid_interaction_code: INTERACTION_CODE,
  invalid_authorization_code: CODE_GRANT,
  mismatched_client: CODE_GRANT,
  mismatched_redirect_uri: CODE_GRANT,
  mismatched_authorization_server: CODE_GRANT,
  pkce_verification_failed: CODE_GRANT,
  pkce_missing_verifier: CODE_GRANT,
  pkce_missing_challenge_verifier_present: CODE_GRANT,
  pkce_missing_challenge: AUTHORIZE,
  pkce_unsupported_code_challenge_method: AUTHORIZE,
  pkce_invalid_challenge: AUTHORIZE,
  invalid_client_id: AUTHORIZE,
  missing_redirect_uri: AUTHORIZE,
  illegal_redirect_uri: AUTHORIZE,
  invalid_state: AUTHORIZE,
  unsupported_response_type: AUTHORIZE,
  unsupported_response_mode: AUTHORIZE,
  unsupported_response_mode_okta_post_message_with_code: AUTHORIZE,
  unsupported_response_mode_query_with_tokens: IMPLICIT,
  openid_scope_required: IMPLICIT,
  invalid_nonce: IMPLICIT,
  no_existing_session: AUTHORIZE,
  login_required: AUTHORIZE,
  invalid_prompt: AUTHORIZE,
  invalid_max_age: AUTHORIZE,
  invalid_prompt_for_zero_max_age: AUTHORIZE,
  access_token_invalid: USERINFO,
  access_token_missing: USERINFO,
  access_token_in_query: USERINFO,
  access_token_duplicate: USERINFO,
  access_token_insufficient_scopes: USERINFO,
  illegal_post_logout_redirect_uri: LOGOUT,
  illegal_origin_browser_request: CORS,
}
