/**
 * The authorization half of a Store, passed on to the store's own authorization module
 * (memory-authorization-store.ts, redis/redis-authorization-store.ts): a Store is one interface for the app, two modules inside.
 */
import type { AuthorizationCodeRecord, CodeGrantRecord, CodeRedemption, SessionRecord, SessionTokenRecord, AuthorizationStore, TransactionRecord } from './authorization-store.js'
import type { AuthnTransactionRecord, InteractionAdvance, InteractionRecord, InteractionStore } from './interaction-store.js'

export abstract class AuthorizationDelegation implements AuthorizationStore, InteractionStore {
  protected abstract authorization: AuthorizationStore
  /** The Identity Engine's interactions (interaction-store.ts), a module of their own. */
  protected abstract interactions: InteractionStore

  createAuthorizationCode(code: AuthorizationCodeRecord): Promise<void> {
    return this.authorization.createAuthorizationCode(code)
  }
  consumeAuthorizationCode(hash: string, nowMs: number): Promise<CodeRedemption> {
    return this.authorization.consumeAuthorizationCode(hash, nowMs)
  }
  recordCodeGrant(hash: string, issued: CodeGrantRecord): Promise<boolean> {
    return this.authorization.recordCodeGrant(hash, issued)
  }
  createSession(session: SessionRecord): Promise<void> {
    return this.authorization.createSession(session)
  }
  findSession(idHash: string, nowMs: number): Promise<SessionRecord | undefined> {
    return this.authorization.findSession(idHash, nowMs)
  }
  deleteSession(idHash: string): Promise<void> {
    return this.authorization.deleteSession(idHash)
  }
  listSessionsByUser(userId: string, nowMs: number): Promise<SessionRecord[]> {
    return this.authorization.listSessionsByUser(userId, nowMs)
  }
  createSessionToken(token: SessionTokenRecord): Promise<void> {
    return this.authorization.createSessionToken(token)
  }
  takeSessionToken(hash: string, nowMs: number): Promise<SessionTokenRecord | undefined> {
    return this.authorization.takeSessionToken(hash, nowMs)
  }
  createTransaction(transaction: TransactionRecord): Promise<void> {
    return this.authorization.createTransaction(transaction)
  }
  findTransaction(idHash: string, nowMs: number): Promise<TransactionRecord | undefined> {
    return this.authorization.findTransaction(idHash, nowMs)
  }
  takeTransaction(idHash: string, nowMs: number): Promise<TransactionRecord | undefined> {
    return this.authorization.takeTransaction(idHash, nowMs)
  }
  createInteraction(interaction: InteractionRecord): Promise<void> {
    return this.interactions.createInteraction(interaction)
  }
  findInteraction(handleHash: string, nowMs: number): Promise<InteractionRecord | undefined> {
    return this.interactions.findInteraction(handleHash, nowMs)
  }
  findInteractionByStateHandle(stateHandleHash: string, nowMs: number): Promise<InteractionRecord | undefined> {
    return this.interactions.findInteractionByStateHandle(stateHandleHash, nowMs)
  }
  advanceInteraction(next: InteractionRecord, expectedVersion: number): Promise<InteractionAdvance> {
    return this.interactions.advanceInteraction(next, expectedVersion)
  }
  takeInteractionByCode(codeHash: string, nowMs: number): Promise<InteractionRecord | undefined> {
    return this.interactions.takeInteractionByCode(codeHash, nowMs)
  }
  recordSignInFailure(userId: string): Promise<number> {
    return this.interactions.recordSignInFailure(userId)
  }
  clearSignInFailures(userId: string): Promise<void> {
    return this.interactions.clearSignInFailures(userId)
  }
  signInFailures(userId: string): Promise<number> {
    return this.interactions.signInFailures(userId)
  }
  createAuthnTransaction(transaction: AuthnTransactionRecord): Promise<void> {
    return this.interactions.createAuthnTransaction(transaction)
  }
  findAuthnTransaction(stateTokenHash: string, nowMs: number): Promise<AuthnTransactionRecord | undefined> {
    return this.interactions.findAuthnTransaction(stateTokenHash, nowMs)
  }
  advanceAuthnTransaction(stateTokenHash: string, next: AuthnTransactionRecord | null, expectedVersion: number): Promise<InteractionAdvance> {
    return this.interactions.advanceAuthnTransaction(stateTokenHash, next, expectedVersion)
  }
}
