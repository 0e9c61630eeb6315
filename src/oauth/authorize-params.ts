/**
 * Validation of /authorize parameters in two phases (RFC 6749 §4.1.2.1): first the client and its
 * redirect URI, whose failures are shown to the user and never redirected; then everything else,
 * whose failures go back to the proven redirect URI.
 */
import { type OAuthError, oktaError } from '../errors/oauth-error.js'
import { readForm, type Form } from './form.js'
import type { AuthServer } from '../registry/auth-servers.js'
import type { Client, Clients } from '../registry/clients.js'
import type { AuthorizationRequest, Prompt, ResponseMode } from '../store/authorization-request.js'
import { isS256Challenge, PKCE_METHODS } from './pkce.js'
import { configuredResponseTypes, isConfigured, isFrontChannel, parseResponseType } from './response-type.js'
import { checkScopes, parseScope } from './scope.js'

export const AUTHORIZE_PARAMS = [
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'login_hint',
  'max_age',
  'dpop_jkt',
  'sessionToken',
] as const

const RESPONSE_MODES: readonly string[] = ['query', 'fragment', 'form_post', 'okta_post_message']
const PROMPTS: readonly string[] = ['none', 'login', 'consent']
// Okta: max_age "should be within range 0 - 2^31-1" (ERR invalid_max_age).
const MAX_AGE_LIMIT = 2 ** 31 - 1

/** Where an /authorize result goes: the proven redirect URI, in the response mode asked for. */
export interface ResponseTarget {
  redirectUri: string
  responseMode: ResponseMode
}

export interface ProvenClient {
  form: Form
  client: Client
  /** Where errors may now be sent; `state` goes with them when the request had one. */
  target: ResponseTarget
  state: string | undefined
}

/** Phase 1: errors here are OAuthErrors for the error page. */
export function proveClient(params: unknown, clients: Clients): ProvenClient {
  const form = readForm(params, AUTHORIZE_PARAMS)
  const clientId = form['client_id']
  const client = clientId === undefined ? undefined : clients.get(clientId)
  if (!client) throw oktaError('invalid_client_id')
  const redirectUri = form['redirect_uri']
  if (redirectUri === undefined) throw oktaError('missing_redirect_uri')
  // Exact string match against the registered list (RFC 9700 §4.1.3; Okta "Login redirect URIs").
  if (!client.redirectUris.includes(redirectUri)) throw oktaError('illegal_redirect_uri')
  const mode = form['response_mode']
  // An unknown response mode cannot carry its own error: the response type's default mode carries it
  // (query for code, fragment when tokens are returned: Multiple Response Types §2.1, §5).
  const fallback: ResponseMode = isFrontChannel(parseResponseType(form['response_type'])) ? 'fragment' : 'query'
  const responseMode: ResponseMode = mode !== undefined && RESPONSE_MODES.includes(mode) ? (mode as ResponseMode) : fallback
  return { form, client, target: { redirectUri, responseMode }, state: form['state'] }
}

/** Phase 2: errors here are redirected to the proven target. */
export function validateRequest(proven: ProvenClient, server: AuthServer): AuthorizationRequest {
  const { form, client } = proven
  const responseTypes = parseResponseType(form['response_type'])
  // Okta derives the response types a client may use from its grant types.
  if (!responseTypes || !isConfigured(responseTypes, client)) {
    if (responseTypes?.length === 1 && responseTypes[0] === 'code') throw oktaError('unauthorized_client', client.grantTypes.join(', '))
    throw oktaError('unsupported_response_type', configuredResponseTypes(client).join(', '))
  }
  const frontChannel = isFrontChannel(responseTypes)
  const mode = form['response_mode']
  if (mode !== undefined && !RESPONSE_MODES.includes(mode)) throw oktaError('unsupported_response_mode')
  // Multiple Response Types §5: tokens must not travel in a query string.
  if (frontChannel && mode === 'query') throw oktaError('unsupported_response_mode_query_with_tokens')
  const state = form['state']
  if (state === undefined) throw oktaError('invalid_state')
  if (form['scope'] === undefined) throw oktaError('missing_scopes')
  const scopes = parseScope(form['scope'])
  checkScopes(scopes, server.scopes, client.scopes)
  if (responseTypes.includes('id_token') && !scopes.includes('openid')) throw oktaError('openid_scope_required')
  // OIDC Core §3.2.2.1: a nonce is required whenever tokens come from the authorization endpoint.
  if (frontChannel && form['nonce'] === undefined) throw oktaError('invalid_nonce')

  const challenge = form['code_challenge']
  const method = form['code_challenge_method']
  if (method !== undefined && !(PKCE_METHODS as readonly string[]).includes(method)) {
    throw oktaError('pkce_unsupported_code_challenge_method', PKCE_METHODS.join(', '))
  }
  // RFC 7636 §4.3: without a method the default is `plain`, which Okta does not support.
  if (challenge !== undefined && method === undefined) throw oktaError('pkce_unsupported_code_challenge_method', PKCE_METHODS.join(', '))
  // PKCE protects the code; a pure implicit request has none to protect.
  if (challenge === undefined && client.pkceRequired && responseTypes.includes('code')) throw oktaError('pkce_missing_challenge')
  if (challenge !== undefined && !isS256Challenge(challenge)) throw oktaError('pkce_invalid_challenge')
  // okta-auth-js posts codes this way with PKCE (getWithoutPrompt, getWithPopup); a code without PKCE
  // keeps Okta's refusal (docs/authentication-api.md § 3).
  if (mode === 'okta_post_message' && responseTypes.includes('code') && challenge === undefined) throw oktaError('unsupported_response_mode_okta_post_message_with_code')

  const prompt = parsePrompt(form['prompt'])
  const maxAge = parseMaxAge(form['max_age'])
  if (prompt.includes('none') && maxAge === 0) throw oktaError('invalid_prompt_for_zero_max_age')

  return {
    clientId: client.id,
    authServerId: server.id,
    redirectUri: proven.target.redirectUri,
    responseTypes,
    responseMode: proven.target.responseMode,
    scopes,
    state,
    nonce: form['nonce'] ?? null,
    codeChallenge: challenge ?? null,
    prompt,
    loginHint: form['login_hint'] ?? null,
    maxAge,
    // RFC 9449 §10: binds the code to a DPoP key, for clients that require DPoP (for others DPoP is ignored, docs/dpop.md).
    ...(form['dpop_jkt'] !== undefined && client.dpopBoundAccessTokens === true && { dpopJkt: form['dpop_jkt'] }),
  }
}

function parsePrompt(value: string | undefined): Prompt[] {
  if (value === undefined) return []
  const prompts = [...new Set(value.split(' ').filter((p) => p !== ''))]
  const invalid = () => oktaError('invalid_prompt', PROMPTS.join(', '))
  if (!prompts.every((p) => PROMPTS.includes(p))) throw invalid()
  // OIDC Core §3.1.2.1: `none` with any other value is an error.
  if (prompts.includes('none') && prompts.length > 1) throw invalid()
  return prompts as Prompt[]
}

function parseMaxAge(value: string | undefined): number | null {
  if (value === undefined) return null
  if (!/^\d{1,10}$/.test(value) || Number(value) > MAX_AGE_LIMIT) throw oktaError('invalid_max_age')
  return Number(value)
}

/** The parameters of an error redirect: error, description, and the request's state (RFC 6749 §4.1.2.1). */
export function errorParams(err: OAuthError, state: string | undefined): Record<string, string> {
  const params: Record<string, string> = { error: err.error, error_description: err.message }
  if (state !== undefined) params['state'] = state
  return params
}
