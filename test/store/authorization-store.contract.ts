/**
 * The authorization part of the Store contract (src/store/authorization-store.ts): authorization codes consumed
 * exactly once, replays reported with what the first redemption issued, sessions and sign-in
 * transactions with their expiry. Run by storeContract for every implementation.
 */
import type { Test } from 'tap'
import type { AuthorizationRequest } from '../../src/store/authorization-request.js'
import type { AuthorizationCodeRecord, SessionRecord, TransactionRecord } from '../../src/store/authorization-store.js'
import type { Store } from '../../src/store/store.js'

const T0 = Date.UTC(2026, 0, 1)
const SECOND = 1000

export function codeRecord(overrides: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    hash: 'code-hash-1',
    clientId: 'spa-app',
    authServerId: 'default',
    redirectUri: 'http://localhost:3000/login/callback',
    userId: '00ualice000000000001',
    scopes: ['openid', 'offline_access'],
    nonce: 'n',
    codeChallenge: 'c'.repeat(43),
    authTime: T0 / 1000,
    expiresAtMs: T0 + 300 * SECOND,
    ...overrides,
  }
}

const request: AuthorizationRequest = {
  clientId: 'spa-app',
  authServerId: null,
  redirectUri: 'http://localhost:3000/login/callback',
  responseTypes: ['code'],
  responseMode: 'query',
  scopes: ['openid'],
  state: 's',
  nonce: null,
  codeChallenge: null,
  prompt: ['login'],
  loginHint: null,
  maxAge: null,
}
const session = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
  idHash: 'sid-hash',
  userId: '00ualice000000000001',
  authTime: T0 / 1000,
  expiresAtMs: T0 + 7200 * SECOND,
  ...overrides,
})
const transaction = (overrides: Partial<TransactionRecord> = {}): TransactionRecord => ({
  idHash: 'tx-hash',
  browserHash: 'browser-hash',
  request: structuredClone(request),
  expiresAtMs: T0 + 600 * SECOND,
  ...overrides,
})

export function authorizationStoreContract(t: Test, makeStore: () => Store | Promise<Store>): void {
  t.test('codes: consumed once; a replay reports what the first redemption issued', async (t) => {
    const store = await makeStore()
    await store.createAuthorizationCode(codeRecord())
    t.strictSame(await store.consumeAuthorizationCode('code-hash-1', T0), { kind: 'redeemed', code: codeRecord() })
    t.strictSame(await store.consumeAuthorizationCode('code-hash-1', T0), { kind: 'replayed', code: codeRecord(), issued: null }, 'before the grant is recorded')
    const issued = { familyId: 'oarfamilyA0000000001', accessTokenJti: 'AT.x.oarfamilyA0000000001', accessTokenExpiresAtMs: T0 + 3600 * SECOND }
    t.equal(await store.recordCodeGrant('code-hash-1', issued), false, 'recording after a replay says the code was replayed')
    t.strictSame(await store.consumeAuthorizationCode('code-hash-1', T0 + SECOND), { kind: 'replayed', code: codeRecord(), issued })
    t.strictSame(await store.consumeAuthorizationCode('unknown', T0), { kind: 'invalid' })
  })

  t.test('codes: recording without a replay succeeds; expired codes are invalid, used or not', async (t) => {
    const store = await makeStore()
    await store.createAuthorizationCode(codeRecord())
    await store.createAuthorizationCode(codeRecord({ hash: 'code-hash-2' }))
    t.equal((await store.consumeAuthorizationCode('code-hash-1', T0)).kind, 'redeemed')
    t.equal(await store.recordCodeGrant('code-hash-1', { familyId: null, accessTokenJti: 'AT.y', accessTokenExpiresAtMs: T0 }), true)
    t.equal((await store.consumeAuthorizationCode('code-hash-2', T0 + 300 * SECOND)).kind, 'invalid', 'expires at expiresAtMs')
    t.equal((await store.consumeAuthorizationCode('code-hash-1', T0 + 300 * SECOND)).kind, 'invalid')
    t.equal(await store.recordCodeGrant('unknown', { familyId: null, accessTokenJti: 'AT.z', accessTokenExpiresAtMs: T0 }), false)
  })

  t.test('codes: a burst of consumers, exactly one redeems', async (t) => {
    const store = await makeStore()
    await store.createAuthorizationCode(codeRecord())
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => store.consumeAuthorizationCode('code-hash-1', T0)))
    t.equal(outcomes.filter((o) => o.kind === 'redeemed').length, 1)
    t.equal(outcomes.filter((o) => o.kind === 'replayed').length, 49)
  })

  t.test('clear forgets codes, sessions and transactions', async (t) => {
    const store = await makeStore()
    await store.createAuthorizationCode(codeRecord())
    await store.createSession(session())
    await store.createTransaction(transaction())
    await store.clear()
    t.strictSame(await store.consumeAuthorizationCode('code-hash-1', T0), { kind: 'invalid' })
    t.equal(await store.findSession('sid-hash', T0), undefined)
    t.equal(await store.findTransaction('tx-hash', T0), undefined)
  })

  t.test('sessions: found until they expire, gone once deleted', async (t) => {
    const store = await makeStore()
    await store.createSession(session())
    t.strictSame(await store.findSession('sid-hash', T0), session())
    t.equal(await store.findSession('sid-hash', T0 + 7200 * SECOND), undefined, 'expired')
    t.equal(await store.findSession('other', T0), undefined)
    await store.deleteSession('sid-hash')
    t.equal(await store.findSession('sid-hash', T0), undefined, 'deleted')
    await store.deleteSession('sid-hash')
  })

  t.test('listSessionsByUser: the live sessions of one user', async (t) => {
    const store = await makeStore()
    await store.createSession(session())
    await store.createSession(session({ idHash: 'sid-2', expiresAtMs: T0 + 60 * SECOND }))
    await store.createSession(session({ idHash: 'sid-bob', userId: '00ubob00000000000002' }))
    const ids = async (nowMs: number) => (await store.listSessionsByUser('00ualice000000000001', nowMs)).map((s) => s.idHash).sort()
    t.strictSame(await ids(T0), ['sid-2', 'sid-hash'])
    t.strictSame(await ids(T0 + 60 * SECOND), ['sid-hash'], 'an expired one is not listed')
    await store.deleteSession('sid-hash')
    t.strictSame(await ids(T0), ['sid-2'])
    t.strictSame(await store.listSessionsByUser('00unobody', T0), [])
  })

  t.test('transactions: found until taken or expired; taken once, even in a burst', async (t) => {
    const store = await makeStore()
    await store.createTransaction(transaction())
    t.strictSame(await store.findTransaction('tx-hash', T0), transaction())
    t.equal(await store.findTransaction('tx-hash', T0 + 600 * SECOND), undefined, 'expired')
    const taken = await Promise.all(Array.from({ length: 10 }, () => store.takeTransaction('tx-hash', T0)))
    t.equal(taken.filter((x) => x !== undefined).length, 1)
    t.strictSame(
      taken.find((x) => x !== undefined),
      transaction(),
    )
    t.equal(await store.findTransaction('tx-hash', T0), undefined)
    await store.createTransaction(transaction({ idHash: 'tx-2' }))
    t.equal(await store.takeTransaction('tx-2', T0 + 600 * SECOND), undefined, 'an expired one cannot be taken')
  })

  t.test('session tokens: taken once, even in a burst; expired or cleared ones are gone; sweep drops them', async (t) => {
    const store = await makeStore()
    const token = { hash: 'st-hash', userId: '00ualice000000000001', authTime: T0 / 1000, expiresAtMs: T0 + 300 * SECOND }
    await store.createSessionToken(token)
    const taken = await Promise.all(Array.from({ length: 10 }, () => store.takeSessionToken('st-hash', T0)))
    t.equal(taken.filter((x) => x !== undefined).length, 1, 'one winner')
    t.strictSame(
      taken.find((x) => x !== undefined),
      token,
    )
    t.equal(await store.takeSessionToken('st-hash', T0), undefined, 'used')
    t.equal(await store.takeSessionToken('unknown', T0), undefined, 'unknown')
    await store.createSessionToken({ ...token, hash: 'st-2' })
    t.equal(await store.takeSessionToken('st-2', T0 + 300 * SECOND), undefined, 'expired at exactly its expiry')
    await store.createSessionToken({ ...token, hash: 'st-3' })
    t.ok((await store.sweep(T0 + 301 * SECOND)) >= 1, 'swept')
    t.equal(await store.takeSessionToken('st-3', T0), undefined, 'swept away')
    await store.createSessionToken({ ...token, hash: 'st-4' })
    await store.clear()
    t.equal(await store.takeSessionToken('st-4', T0), undefined, 'cleared')
  })

  t.test('sign-in records are copies, and sweep drops the expired ones', async (t) => {
    const store = await makeStore()
    const code = codeRecord()
    await store.createAuthorizationCode(code)
    code.scopes.push('profile')
    const tx = transaction()
    await store.createTransaction(tx)
    tx.request.scopes.push('profile')
    const found = await store.findTransaction('tx-hash', T0)
    found!.request.scopes.push('email')
    t.strictSame(await store.findTransaction('tx-hash', T0), transaction())
    const redeemed = await store.consumeAuthorizationCode('code-hash-1', T0)
    t.strictSame(redeemed, { kind: 'redeemed', code: codeRecord() })
    await store.createSession(session())
    t.ok((await store.sweep(T0 + 7200 * SECOND)) >= 3, 'code, transaction and session swept')
    t.equal(await store.findSession('sid-hash', T0), undefined)
    t.equal(await store.findTransaction('tx-hash', T0), undefined)
    t.equal((await store.consumeAuthorizationCode('code-hash-1', T0)).kind, 'invalid')
  })
}
