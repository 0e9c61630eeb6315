/**
 * The sign-in transaction of an interaction (docs/identity-engine.md, "Transaction"): found by its
 * stateHandle or interaction handle, shown as the response of its current step, and moved on by a
 * compare-and-set, so of two concurrent steps on one stateHandle exactly one wins.
 */
import { nowSeconds } from '../clock.js'
import type { AppContext } from '../context.js'
import type { AuthServer } from '../registry/auth-servers.js'
import type { Client } from '../registry/clients.js'
import type { User } from '../registry/users.js'
import type { InteractionRecord } from '../store/interaction-store.js'
import { handleKey, interactionCodeOf, MAX_HANDLE_LENGTH, stateHandleOf } from './handles.js'
import { identifierFirstFor, registrationFor } from './app-policy.js'
import { IdxError } from './idx-error.js'
import { IDX_MESSAGES, type IdxMessage } from './messages.js'
import { challengeEmailResponse, emailTargetOf, identifyRecoveryResponse, resetPasswordResponse, selectEmailResponse } from './email-response.js'
import { enrolledOf, registrationResponse } from './registration-response.js'
import { challengePasswordResponse, identifyResponse, successRedirectResponse, successResponse, type IdxBody, type ResponseContext } from './response.js'

export interface Transaction {
  record: InteractionRecord
  stateHandle: string
  server: AuthServer
  client: Client
}

/** What a remediation answers: an IDX body and its status (a failed credential keeps the form usable). */
export interface IdxAnswer {
  status: number
  body: IdxBody
  /** The user this answer signed in: the browser's session starts with it (docs/identity-engine.md, "Single sign-on"). */
  signedIn?: { user: User; authTime: number }
}

export const sessionExpired = (code = 'idx_session_expired'): IdxError => new IdxError(401, [IDX_MESSAGES.sessionExpired], code)

export async function transactionByStateHandle(ctx: AppContext, stateHandle: unknown): Promise<Transaction> {
  if (typeof stateHandle !== 'string' || stateHandle === '' || stateHandle.length > MAX_HANDLE_LENGTH) throw sessionExpired('idx_state_handle_invalid')
  const record = await ctx.store.findInteractionByStateHandle(handleKey(stateHandle), ctx.clock.nowMs())
  return transactionOf(ctx, record)
}

export async function transactionByInteractionHandle(ctx: AppContext, handle: unknown): Promise<Transaction> {
  if (typeof handle !== 'string' || handle === '' || handle.length > MAX_HANDLE_LENGTH) throw sessionExpired('idx_interaction_handle_invalid')
  return transactionOf(ctx, await ctx.store.findInteraction(handleKey(handle), ctx.clock.nowMs()))
}

/** By the interaction's key, as a magic link names it (idx/email-codes.ts). */
export async function transactionByHandleHash(ctx: AppContext, handleHash: string): Promise<Transaction> {
  return transactionOf(ctx, await ctx.store.findInteraction(handleHash, ctx.clock.nowMs()))
}

function transactionOf(ctx: AppContext, record: InteractionRecord | undefined): Transaction {
  if (!record) throw sessionExpired()
  const client = ctx.clients.get(record.clientId)
  // A client or server removed at runtime (control plane) ends its transactions.
  let server: AuthServer
  try {
    server = ctx.servers.resolve(record.authServerId ?? undefined)
  } catch {
    throw sessionExpired('idx_server_gone')
  }
  if (!client) throw sessionExpired('idx_client_gone')
  return { record, stateHandle: stateHandleOf(ctx.tokenSecret, record.handleHash, record.stateGeneration), server, client }
}

export function responseContext(ctx: AppContext, tx: Transaction, user?: User): ResponseContext {
  return {
    baseUrl: ctx.config.baseUrl,
    endpointBase: tx.server.endpointBase,
    stateHandle: tx.stateHandle,
    expiresAtMs: tx.record.expiresAtMs,
    client: tx.client,
    user,
    passwordRecovery: ctx.config.identityEngine.passwordRecovery,
  }
}

/** The response of the transaction's current step: what introspect shows on every call. */
export function currentResponse(ctx: AppContext, tx: Transaction, messages: readonly IdxMessage[] = []): IdxBody {
  const { record } = tx
  switch (record.step) {
    case 'IDENTIFY':
      return identifyResponse(responseContext(ctx, tx), identifierFirstFor(ctx, tx.client), messages, registrationFor(ctx, tx.client))
    case 'CHALLENGE_PASSWORD':
      return challengePasswordResponse(responseContext(ctx, tx), messages)
    case 'SELECT_EMAIL':
    case 'CHALLENGE_EMAIL': {
      const user = userOf(ctx, tx)
      const target = emailTargetOf(user, record.identifier)
      const rc = responseContext(ctx, tx, user)
      return record.step === 'SELECT_EMAIL' ? selectEmailResponse(rc, target, messages) : challengeEmailResponse(rc, target, messages)
    }
    case 'IDENTIFY_RECOVERY':
      return identifyRecoveryResponse(responseContext(ctx, tx), messages)
    case 'RESET_PASSWORD':
      return resetPasswordResponse(responseContext(ctx, tx, userOf(ctx, tx)), messages)
    case 'SUCCESS': {
      const user = record.userId === null ? undefined : ctx.users.get(record.userId)
      if (record.hosted) return successRedirectResponse(responseContext(ctx, tx, user), tokenRedirectUrl(ctx.config.baseUrl, tx.stateHandle))
      return successResponse(responseContext(ctx, tx, user), interactionCodeOf(ctx.tokenSecret, record.handleHash, record.stateGeneration))
    }
    case 'ENROLL_PROFILE':
    case 'ENROLL_SELECT':
    case 'ENROLL_PASSWORD':
    case 'ENROLL_EMAIL':
      return registrationResponse(responseContext(ctx, tx, userOf(ctx, tx)), record.step, enrolledOf(record.amr), messages)
  }
}

/** The user identified so far, if any (and still configured). */
export const userOf = (ctx: AppContext, tx: Transaction): User | undefined => (tx.record.userId === null ? undefined : ctx.users.get(tx.record.userId))

/** Where a hosted sign-in ends (docs/sign-in-widget.md § hosted), as Okta names it. */
export const TOKEN_REDIRECT_PATH = '/login/token/redirect'
export const tokenRedirectUrl = (baseUrl: string, stateHandle: string): string => `${baseUrl}${TOKEN_REDIRECT_PATH}?stateToken=${encodeURIComponent(stateHandle)}`

/** A remediation the current step does not offer: the current response again, with Okta's bad-request message. */
export const notAvailable = (ctx: AppContext, tx: Transaction): IdxAnswer => ({ status: 400, body: currentResponse(ctx, tx, [IDX_MESSAGES.notAvailable]) })

type Changeable =
  | 'step'
  | 'userId'
  | 'amr'
  | 'authTime'
  | 'codeHash'
  | 'codeExpiresAtMs'
  | 'stateGeneration'
  | 'recovery'
  | 'emailGeneration'
  | 'emailCodeExpiresAtMs'
  | 'identifier'
/** What a step changes; `undefined` removes an optional member (`recovery`, `identifier`). */
export type Change = { [K in Changeable]?: InteractionRecord[K] | undefined }

/**
 * Applies a change if nothing else changed the transaction since it was read; the loser of a race gets
 * Okta's bad-request answer for a stale step. Every step slides the transaction's expiry.
 */
export async function advance(ctx: AppContext, tx: Transaction, change: Change): Promise<Transaction> {
  const nowMs = ctx.clock.nowMs()
  const generation = change.stateGeneration ?? tx.record.stateGeneration
  const next = {
    ...tx.record,
    ...change,
    version: tx.record.version + 1,
    stateHandleHash: handleKey(stateHandleOf(ctx.tokenSecret, tx.record.handleHash, generation)),
    expiresAtMs: nowMs + ctx.config.identityEngine.transactionLifetimeSeconds * 1000,
  } as InteractionRecord
  for (const key of Object.keys(change) as Changeable[]) if (change[key] === undefined) delete next[key]
  const outcome = await ctx.store.advanceInteraction(next, tx.record.version)
  if (outcome.kind === 'conflict') throw new IdxError(400, [IDX_MESSAGES.notAvailable], 'idx_step_conflict')
  return { ...tx, record: next, stateHandle: stateHandleOf(ctx.tokenSecret, next.handleHash, next.stateGeneration) }
}

/** The user is authenticated: mint the interaction code (derived, so introspect can show it again until it is redeemed). */
export async function succeed(ctx: AppContext, tx: Transaction, user: User, amr: string[]): Promise<IdxAnswer> {
  const code = interactionCodeOf(ctx.tokenSecret, tx.record.handleHash, tx.record.stateGeneration)
  const authTime = nowSeconds(ctx.clock)
  const done = await advance(ctx, tx, {
    step: 'SUCCESS',
    userId: user.id,
    amr,
    authTime,
    codeHash: handleKey(code),
    codeExpiresAtMs: ctx.clock.nowMs() + ctx.config.identityEngine.interactionCodeLifetimeSeconds * 1000,
  })
  return { status: 200, body: currentResponse(ctx, done), signedIn: { user, authTime } }
}
