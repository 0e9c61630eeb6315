/**
 * The sign-in half of a Store, passed on to the store's own sign-in module (memory-sign-in-store.ts,
 * redis/redis-sign-in-store.ts): a Store is one interface for the app, two modules inside.
 */
import type { AuthorizationCodeRecord, CodeGrantRecord, CodeRedemption, SessionRecord, SignInStore, TransactionRecord } from './sign-in-store.js'

export abstract class SignInDelegation implements SignInStore {
  protected abstract signIn: SignInStore

  createAuthorizationCode(code: AuthorizationCodeRecord): Promise<void> {
    return this.signIn.createAuthorizationCode(code)
  }
  consumeAuthorizationCode(hash: string, nowMs: number): Promise<CodeRedemption> {
    return this.signIn.consumeAuthorizationCode(hash, nowMs)
  }
  recordCodeGrant(hash: string, issued: CodeGrantRecord): Promise<boolean> {
    return this.signIn.recordCodeGrant(hash, issued)
  }
  createSession(session: SessionRecord): Promise<void> {
    return this.signIn.createSession(session)
  }
  findSession(idHash: string, nowMs: number): Promise<SessionRecord | undefined> {
    return this.signIn.findSession(idHash, nowMs)
  }
  deleteSession(idHash: string): Promise<void> {
    return this.signIn.deleteSession(idHash)
  }
  createTransaction(transaction: TransactionRecord): Promise<void> {
    return this.signIn.createTransaction(transaction)
  }
  findTransaction(idHash: string, nowMs: number): Promise<TransactionRecord | undefined> {
    return this.signIn.findTransaction(idHash, nowMs)
  }
  takeTransaction(idHash: string, nowMs: number): Promise<TransactionRecord | undefined> {
    return this.signIn.takeTransaction(idHash, nowMs)
  }
}
