/**
 * `/v1/interact` without HTTP (docs/identity-engine.md, "Interact"): checks the request of an
 * authenticated client against its registration, then opens an interaction whose handle the client
 * introspects next. PKCE with S256 is required: the interaction code is bound to the verifier.
 */
import type { AppContext } from '../context.js'
import { oktaError } from '../errors/oauth-error.js'
import type { Form } from '../oauth/form.js'
import { isS256Challenge, PKCE_METHODS } from '../oauth/pkce.js'
import { checkScopes, parseScope } from '../oauth/scope.js'
import type { AuthServer } from '../registry/auth-servers.js'
import type { Client } from '../registry/clients.js'
import type { User } from '../registry/users.js'
import { nowSeconds } from '../clock.js'
import type { AuthorizationRequest } from '../store/authorization-request.js'
import type { InteractionRecord } from '../store/interaction-store.js'
import { handleKey, interactionCodeOf, stateHandleOf } from './handles.js'

export const INTERACT_PARAMS = [
  'client_id',
  'client_secret',
  'scope',
  'redirect_uri',
  'code_challenge',
  'code_challenge_method',
  'state',
  'nonce',
  'activation_token',
  'recovery_token',
  'max_age',
  'acr_values',
  'login_hint',
] as const

export interface InteractResponse {
  interaction_handle: string
}

/** The browser's signed-in session, when `/v1/interact` came with its cookie. */
export interface ExistingSession {
  userId: string
  /** Seconds. */
  authTime: number
}

/**
 * Single sign-on (docs/identity-engine.md, "Single sign-on"): a browser already signed in, as an ACTIVE
 * user, recently enough for `max_age`, needs no new sign-in; the interaction starts at its success.
 */
function signedInUser(ctx: AppContext, form: Form, session: ExistingSession | undefined): User | undefined {
  if (!session) return undefined
  const user = ctx.users.get(session.userId)
  if (user?.status !== 'ACTIVE') return undefined
  const maxAge = form['max_age'] === undefined ? undefined : Number(form['max_age'])
  if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge < 0)) return undefined
  if (maxAge !== undefined && (maxAge === 0 || nowSeconds(ctx.clock) - session.authTime > maxAge)) return undefined
  return user
}

export async function interact(ctx: AppContext, server: AuthServer, client: Client, form: Form, session?: ExistingSession): Promise<InteractResponse> {
  // Okta: the Interaction Code grant must be enabled for the app (its grant types) to interact at all.
  if (!client.grantTypes.includes('interaction_code')) throw oktaError('oie_not_enabled_for_interact')
  const redirectUri = form['redirect_uri']
  if (redirectUri === undefined) throw oktaError('missing_redirect_uri')
  if (!client.redirectUris.includes(redirectUri)) throw oktaError('illegal_redirect_uri')
  if (form['scope'] === undefined) throw oktaError('missing_scopes')
  const scopes = parseScope(form['scope'])
  checkScopes(scopes, server.scopes, client.scopes)
  const state = form['state']
  if (state === undefined) throw oktaError('invalid_state')

  const challenge = form['code_challenge']
  if (challenge === undefined) throw oktaError('pkce_challenge_required')
  const method = form['code_challenge_method']
  if (method === undefined || !(PKCE_METHODS as readonly string[]).includes(method)) throw oktaError('pkce_unsupported_code_challenge_method', PKCE_METHODS.join(', '))
  if (!isS256Challenge(challenge)) throw oktaError('pkce_invalid_challenge')
  // Activation and recovery tokens come from Okta's Users API, which mockta does not issue: none is valid.
  if (form['activation_token'] !== undefined) throw oktaError('invalid_activation_token')
  if (form['recovery_token'] !== undefined) throw oktaError('invalid_recovery_token')

  const handle = ctx.ids.secret()
  const record = newInteraction(ctx, handle, { clientId: client.id, authServerId: server.id, redirectUri, scopes, state, nonce: form['nonce'] ?? null, codeChallenge: challenge })
  // A live session signs the interaction in at once (docs/identity-engine.md, "Single sign-on").
  const user = signedInUser(ctx, form, session)
  if (user && session) {
    const code = interactionCodeOf(ctx.tokenSecret, record.handleHash, 0)
    Object.assign(record, {
      step: 'SUCCESS',
      userId: user.id,
      amr: ['pwd'],
      authTime: session.authTime,
      codeHash: handleKey(code),
      codeExpiresAtMs: ctx.clock.nowMs() + ctx.config.identityEngine.interactionCodeLifetimeSeconds * 1000,
    } satisfies Partial<InteractionRecord>)
  }
  await ctx.store.createInteraction(record)
  return { interaction_handle: handle }
}

/**
 * The interaction behind Okta's hosted sign-in page (docs/sign-in-widget.md § hosted): opened by
 * /authorize for its request, walked by the widget with the stateHandle the page boots it with, and
 * ended at /login/token/redirect in the browser that started it. Its interaction code is never shown
 * (the success answer points at /login/token/redirect), so nothing redeems it at /v1/token.
 */
export async function openHostedInteraction(ctx: AppContext, request: AuthorizationRequest, browserHash: string): Promise<string> {
  const handle = ctx.ids.secret()
  const record = newInteraction(ctx, handle, {
    clientId: request.clientId,
    authServerId: request.authServerId,
    redirectUri: request.redirectUri,
    scopes: [...request.scopes],
    state: request.state,
    nonce: request.nonce,
    // A challenge nobody knows the verifier of: the request's own PKCE is checked when its code is redeemed.
    codeChallenge: ctx.ids.secret(),
  })
  await ctx.store.createInteraction({ ...record, hosted: { request, browserHash } })
  return stateHandleOf(ctx.tokenSecret, record.handleHash, 0)
}

type Requested = Pick<InteractionRecord, 'clientId' | 'authServerId' | 'redirectUri' | 'scopes' | 'state' | 'nonce' | 'codeChallenge'>

function newInteraction(ctx: AppContext, handle: string, requested: Requested): InteractionRecord {
  const handleHash = handleKey(handle)
  const nowMs = ctx.clock.nowMs()
  return {
    handleHash,
    ...requested,
    step: 'IDENTIFY',
    version: 0,
    stateGeneration: 0,
    stateHandleHash: handleKey(stateHandleOf(ctx.tokenSecret, handleHash, 0)),
    userId: null,
    amr: [],
    authTime: null,
    codeHash: null,
    codeExpiresAtMs: null,
    expiresAtMs: nowMs + ctx.config.identityEngine.transactionLifetimeSeconds * 1000,
  }
}
