/**
 * The memory store's snapshot (src/store/memory-snapshot.ts): the whole Store contract holds for a
 * store that is written out as JSON and restored into a new MemoryStore after every single call, so
 * nothing the store remembers (grace-period state, retired generations, replayed codes, sessions,
 * sign-in forms, the identity) is lost across a restart; and a snapshot that is not whole is refused.
 */
import t from 'tap'
import { MemoryStore } from '../../src/store/memory-store.js'
import { RETENTION_MS } from '../../src/store/store.js'
import { restoreMemoryStore, snapshotMemoryStore, type MemoryStoreSnapshot } from '../../src/store/memory-snapshot.js'
import type { Store } from '../../src/store/store.js'
import { codeRecord } from './authorization-store.contract.js'
import { authnTransactionRecord, interactionRecord } from './interaction-store.contract.js'
import { familyRecord, ref, storeContract } from './store.contract.js'

const T0 = Date.UTC(2026, 0, 1)

/** Through JSON text, as the state file carries it. */
const throughJson = (store: MemoryStore): unknown => JSON.parse(JSON.stringify(snapshotMemoryStore(store)))

function restored(store: MemoryStore, maxFamilies = 1000): MemoryStore {
  const fresh = new MemoryStore(maxFamilies)
  restoreMemoryStore(fresh, throughJson(store))
  return fresh
}

/** A Store whose every call runs on a MemoryStore restored from the snapshot taken after the previous call. */
function restartedAfterEveryCall(maxFamilies: number): Store {
  let current = new MemoryStore(maxFamilies)
  return new Proxy({} as Store, {
    get(_target, property) {
      const member = (current as unknown as Record<PropertyKey, unknown>)[property]
      if (typeof member !== 'function') return member
      return async (...args: unknown[]) => {
        const result: unknown = await (member as (...a: unknown[]) => unknown).apply(current, args)
        current = restored(current, maxFamilies)
        return result
      }
    },
  })
}

t.test('the Store contract, with a snapshot and restore after every call', async (t) => {
  storeContract(t, ({ maxFamilies }) => restartedAfterEveryCall(maxFamilies), { retentionMs: RETENTION_MS })
})

/** A store holding one of every kind of record, in every state that matters after a restart. */
async function fullStore(): Promise<MemoryStore> {
  const store = new MemoryStore(1000)
  await store.identity({ epochSeconds: T0 / 1000, tokenSecret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I' })
  await store.noteEpochSecondJti('AT.epoch-second')
  await store.createFamily(familyRecord())
  const redeem = (generation: number, nowMs: number) => store.redeemRefreshToken({ ...ref('A', generation), rotate: true, clientId: 'native-app', authServerId: 'default', nowMs })
  await redeem(0, T0 + 1000)
  await redeem(1, T0 + 2000)
  await store.createFamily(familyRecord({ id: 'oarfamilyB0000000001', authServerId: null, userId: null, expiresAtMs: T0 + 86_400_000 }))
  await store.revokeFamily('oarfamilyB0000000001', T0 + 3000)
  await store.revokeAccessToken('AT.revoked', T0 + 3_600_000)
  await store.createAuthorizationCode(codeRecord({ hash: 'code-fresh' }))
  await store.createAuthorizationCode(codeRecord({ hash: 'code-replayed', nonce: null, codeChallenge: null }))
  await store.consumeAuthorizationCode('code-replayed', T0)
  await store.consumeAuthorizationCode('code-replayed', T0)
  await store.recordCodeGrant('code-replayed', { familyId: null, accessTokenJti: 'AT.x', accessTokenExpiresAtMs: T0 + 3_600_000 })
  await store.createSession({ idHash: 'sid-hash', userId: '00ualice000000000001', authTime: T0 / 1000, expiresAtMs: T0 + 7_200_000 })
  await store.createSessionToken({ hash: 'session-token-hash', userId: '00ualice000000000001', authTime: T0 / 1000, expiresAtMs: T0 + 300_000 })
  for (const idHash of ['tx-old', 'tx-new']) {
    await store.createTransaction({
      idHash,
      browserHash: 'browser-hash',
      expiresAtMs: T0 + 600_000,
      request: {
        clientId: 'spa-app',
        authServerId: 'default',
        redirectUri: 'http://localhost:3000/login/callback',
        responseTypes: ['code', 'id_token'],
        responseMode: 'form_post',
        scopes: ['openid'],
        state: '',
        nonce: 'n',
        codeChallenge: null,
        prompt: ['login', 'consent'],
        loginHint: 'alice@example.com',
        maxAge: 0,
      },
    })
  }
  await store.createInteraction(interactionRecord())
  await store.advanceInteraction(
    interactionRecord({
      handleHash: 'handle-hash-1',
      version: 1,
      step: 'SUCCESS',
      userId: '00ualice000000000001',
      amr: ['pwd'],
      authTime: T0 / 1000,
      codeHash: 'ic-hash',
      codeExpiresAtMs: T0 + 60_000,
    }),
    0,
  )
  await store.recordSignInFailure('00ubob00000000000002')
  await store.createAuthnTransaction(
    authnTransactionRecord({ status: 'MFA_CHALLENGE', factorId: 'emf0000000000000001', codeHash: 'email-code-hash', codeExpiresAtMs: T0 + 300_000 }),
  )
  return store
}

t.test('a snapshot restored is the same store: every record kind, in order, through JSON', async (t) => {
  const original = await fullStore()
  const snapshot = snapshotMemoryStore(original)
  t.strictSame(snapshotMemoryStore(restored(original)), snapshot, 'snapshot → JSON → restore → snapshot is the identity')
  t.match(snapshot.families[0], { generation: 2, rotatedAtMs: T0 + 2000 }, 'the generation and the grace state kept')
  t.strictSame(
    snapshot.transactions.map((x) => x.idHash),
    ['tx-old', 'tx-new'],
    'sign-in forms in creation order',
  )
  t.match(snapshot.codes, [
    { code: { hash: 'code-fresh' }, redeemed: false, replayed: false, issued: null },
    { code: { hash: 'code-replayed' }, redeemed: true, replayed: true, issued: { accessTokenJti: 'AT.x' } },
  ])

  const copy = restored(original)
  t.strictSame(await copy.stats(), await original.stats())
  t.strictSame(await copy.identity({ epochSeconds: 1, tokenSecret: 'other' }), await original.identity({ epochSeconds: 1, tokenSecret: 'other' }), 'the identity is not replaced')
  t.equal(await copy.isEpochSecondJti('AT.epoch-second'), true)
  t.equal(await copy.isAccessTokenRevoked('AT.revoked'), true)
  t.equal((await copy.findRefreshToken(ref('A', 0)))?.position, 'retired')
  t.equal(
    (await copy.redeemRefreshToken({ ...ref('A', 1), rotate: true, clientId: 'native-app', authServerId: 'default', nowMs: T0 + 3000 })).kind,
    'reused-successor',
    'still in its grace period',
  )
  t.match(await copy.consumeAuthorizationCode('code-replayed', T0), { kind: 'replayed', issued: { accessTokenJti: 'AT.x' } })
  t.match(await copy.consumeAuthorizationCode('code-fresh', T0), { kind: 'redeemed' })
  t.ok(await copy.findSession('sid-hash', T0))
  t.ok(await copy.takeTransaction('tx-old', T0))
  t.strictSame(snapshot.sessionTokens, [{ hash: 'session-token-hash', userId: '00ualice000000000001', authTime: T0 / 1000, expiresAtMs: T0 + 300_000 }], 'session tokens as hashes')
  t.ok(await copy.takeSessionToken('session-token-hash', T0), 'a session token survives the restart')
  t.equal(await copy.takeSessionToken('session-token-hash', T0), undefined, 'and is still single-use')
  t.equal(await copy.signInFailures('00ubob00000000000002'), 1)
  t.match(await copy.takeInteractionByCode('ic-hash', T0), { step: 'SUCCESS', amr: ['pwd'] }, 'an interaction code survives, redeemable once')
  t.equal(await copy.takeInteractionByCode('ic-hash', T0), undefined)
  t.match(snapshot.authnTransactions, [{ stateTokenHash: 'state-token-hash-1', codeHash: 'email-code-hash' }], 'authn transactions as hashes')
  t.match(await copy.findAuthnTransaction('state-token-hash-1', T0), { status: 'MFA_CHALLENGE', version: 0 }, 'an authn transaction survives the restart')
  t.strictSame(await copy.advanceAuthnTransaction('state-token-hash-1', null, 0), { kind: 'advanced' })
})

t.test('a file saved before tokens carried their generation loads: its hash lists are dropped (docs/refresh-tokens.md, "State file")', async (t) => {
  const snapshot = snapshotMemoryStore(await fullStore())
  const legacy = structuredClone(snapshot) as unknown as { families: Array<Record<string, unknown>> }
  legacy.families[0] = { ...legacy.families[0], currentHash: 'hash-A3', previousHash: 'hash-A2', retiredHashes: ['hash-A1'] }
  legacy.families[1] = { ...legacy.families[1], currentHash: 'hash-B1', previousHash: null, retiredHashes: [] }
  const store = new MemoryStore(1000)
  restoreMemoryStore(store, JSON.parse(JSON.stringify(legacy)))
  t.strictSame(snapshotMemoryStore(store), snapshot, 'the same store as the current form of the file')
  t.equal((await store.findRefreshToken(ref('A', 2)))?.position, 'current')
})

t.test('an empty store (no identity yet) round-trips too', async (t) => {
  const snapshot = snapshotMemoryStore(new MemoryStore(10))
  t.strictSame(snapshot, {
    identity: null,
    epochSecondJtis: [],
    families: [],
    revokedAccessTokens: [],
    codes: [],
    sessions: [],
    transactions: [],
    deviceAuthorizations: [],
    pushedRequests: [],
    interactions: [],
    signInFailures: [],
  })
  t.strictSame(snapshotMemoryStore(restored(new MemoryStore(10))), snapshot)
})

t.test('a state file saved before the Identity Engine (no interactions, no failure counts) still restores', async (t) => {
  const { interactions: _i, signInFailures: _f, ...older } = throughJson(await fullStore()) as MemoryStoreSnapshot
  const store = new MemoryStore(1000)
  restoreMemoryStore(store, older)
  t.equal(await store.findInteraction('handle-hash-1', T0), undefined)
  t.ok(await store.findSession('sid-hash', T0))
})

t.test('a snapshot that is not whole is refused with what is wrong, and changes nothing', async (t) => {
  const good = throughJson(await fullStore()) as MemoryStoreSnapshot
  const cases: Array<[string, (s: MemoryStoreSnapshot) => unknown, RegExp]> = [
    ['not an object', () => [], /^store must be object/],
    ['a part missing', ({ sessions: _, ...rest }) => rest, /store must have required property 'sessions'/],
    ['an unknown part', (s) => ({ ...s, extra: 1 }), /store must NOT have additional properties/],
    ['a wrong type', (s) => ({ ...s, families: [{ ...s.families[0], generation: '2' }] }), /store\/families\/0\/generation must be integer/],
    ['a bad enum', (s) => ({ ...s, families: [{ ...s.families[0], rotation: 'sometimes' }] }), /store\/families\/0\/rotation must be equal to one of the allowed values/],
    ['a missing field', (s) => ({ ...s, codes: [{ ...s.codes[0], replayed: undefined }] }), /store\/codes\/0 must have required property 'replayed'/],
    ['a hand-added field', (s) => ({ ...s, sessions: [{ ...s.sessions[0], admin: true }] }), /store\/sessions\/0 must NOT have additional properties/],
    [
      'a bad interaction step',
      (s) => ({ ...s, interactions: [{ ...s.interactions![0], step: 'DONE' }] }),
      /store\/interactions\/0\/step must be equal to one of the allowed values/,
    ],
    ['a negative time', (s) => ({ ...s, revokedAccessTokens: [{ jti: 'AT.y', expiresAtMs: -1 }] }), /store\/revokedAccessTokens\/0\/expiresAtMs must be >= 0/],
    ['a duplicated family', (s) => ({ ...s, families: [s.families[0], s.families[0]] }), /store\/families\/1\/id oarfamilyA0000000001 appears twice/],
  ]
  for (const [name, spoil, message] of cases) {
    const store = new MemoryStore(1000)
    t.throws(() => restoreMemoryStore(store, spoil(structuredClone(good))), { name: 'StateDataError', message }, name)
    t.strictSame(snapshotMemoryStore(store), snapshotMemoryStore(new MemoryStore(1000)), `${name}: nothing restored`)
  }
  const many = { ...structuredClone(good), sessions: Array.from({ length: 8 }, () => ({})) }
  t.throws(() => restoreMemoryStore(new MemoryStore(10), many), { message: /\(and \d+ more\)$/ }, 'a long list of problems is cut short')
  const inUse = await fullStore()
  t.throws(() => restoreMemoryStore(inUse, good), { message: /into a new memory store only/ }, 'never merged into a store in use')
})
