/**
 * A validated /authorize request: what a browser sign-in must remember until it ends in a code (or
 * tokens). The store keeps it in a transaction, so the store's contract owns its shape; oauth/ parses
 * and validates it (oauth/response-type.ts, oauth/authorize-params.ts).
 */

/** `response_type` parts (OAuth 2.0 Multiple Response Type Encoding Practices §3). */
export type ResponseType = 'code' | 'token' | 'id_token'
/** `okta_post_message`: Okta's own, the result posted to the opener or parent window (docs/authentication-api.md § 3). */
export type ResponseMode = 'query' | 'fragment' | 'form_post' | 'okta_post_message'
export type Prompt = 'none' | 'login' | 'consent'

export interface AuthorizationRequest {
  clientId: string
  /** `null` for the org authorization server. */
  authServerId: string | null
  redirectUri: string
  responseTypes: ResponseType[]
  responseMode: ResponseMode
  scopes: string[]
  state: string
  nonce: string | null
  codeChallenge: string | null
  prompt: Prompt[]
  loginHint: string | null
  /** Seconds; `null` when not sent. */
  maxAge: number | null
  /** RFC 9449 §10: `dpop_jkt`, the key the code is bound to; absent when not sent. */
  dpopJkt?: string
}
