/**
 * The Store contract (src/store/store.ts), run against every implementation: MemoryStore now, a Redis
 * store later. It speaks only through the Store interface; hashes are opaque strings, a refresh token is
 * its family and generation (store.ts `TokenRef`), and time is the
 * `nowMs` each call passes, so no implementation detail leaks in.
 */
import type { Test } from 'tap'
import type { FamilyRecord, RefreshRequest, Store, TokenRef } from '../../src/store/store.js'
import { authorizationStoreContract } from './authorization-store.contract.js'
import { grantRecordsContract } from './grant-records.contract.js'
import { interactionStoreContract } from './interaction-store.contract.js'
import { outboxContract } from './outbox.contract.js'

export interface StoreOptions {
  /** Live families at most (config `store.maxFamilies`). */
  maxFamilies: number
}

export type MakeStore = (options: StoreOptions) => Store | Promise<Store>

export interface ContractOptions {
  /**
   * How long an ended family is kept: as long as one of its access tokens may be unexpired, so
   * introspection keeps answering `active:false` for them (Okta caps access tokens at 24 h).
   */
  retentionMs?: number
}

const T0 = Date.UTC(2026, 0, 1)
const SECOND = 1000
const DAY = 86_400 * SECOND
const ROOMY: StoreOptions = { maxFamilies: 1000 }

export function familyRecord(overrides: Partial<FamilyRecord> = {}): FamilyRecord {
  return {
    id: 'oarfamilyA0000000001',
    clientId: 'native-app',
    authServerId: 'default',
    userId: '00ualice000000000001',
    scopes: ['openid', 'offline_access'],
    authTime: T0 / 1000,
    createdAtMs: T0,
    expiresAtMs: null,
    idleSeconds: 7 * 86_400,
    rotation: 'rotate',
    graceSeconds: 30,
    generation: 0,
    lastUsedMs: T0,
    currentUsed: false,
    rotatedAtMs: null,
    revokedAtMs: null,
    ...overrides,
  }
}

/** Generation `generation` of family `letter` (`oarfamilyA0000000001` for A). */
export const ref = (letter: string, generation: number): TokenRef => ({ familyId: `oarfamily${letter}0000000001`, generation })
const UNKNOWN: TokenRef = { familyId: 'oarunknown0000000000', generation: 0 }

/** A refresh as the family's own client at its own server, rotating or not. */
function redeem(store: Store, token: TokenRef, nowMs: number, rotate: boolean, other: Partial<RefreshRequest> = {}) {
  return store.redeemRefreshToken({ ...token, rotate, clientId: 'native-app', authServerId: 'default', nowMs, ...other })
}

export function storeContract(t: Test, makeStore: MakeStore, options: ContractOptions = {}): void {
  const retentionMs = options.retentionMs ?? DAY
  /** A store holding family A (generation 0 current) created at T0. */
  const withFamily = async (t: Test, overrides: Partial<FamilyRecord> = {}, storeOptions = ROOMY) => {
    const store = await makeStore(storeOptions)
    t.equal(await store.createFamily(familyRecord(overrides)), true, 'family created')
    return store
  }

  t.test('createFamily, then findRefreshToken and getFamily return it', async (t) => {
    const store = await withFamily(t)
    t.strictSame(await store.findRefreshToken(ref('A', 0)), { family: familyRecord(), position: 'current' })
    t.strictSame(await store.getFamily('oarfamilyA0000000001'), familyRecord())
    t.equal(await store.findRefreshToken(UNKNOWN), undefined)
    t.equal(await store.getFamily('oarunknown0000000000'), undefined)
  })

  t.test('positions: current, previous (just rotated away), retired (older)', async (t) => {
    const store = await withFamily(t)
    t.equal((await redeem(store, ref('A', 0), T0 + SECOND, true)).kind, 'rotated')
    t.equal((await redeem(store, ref('A', 1), T0 + 2 * SECOND, true)).kind, 'rotated')
    t.equal((await store.findRefreshToken(ref('A', 2)))?.position, 'current')
    t.equal((await store.findRefreshToken(ref('A', 1)))?.position, 'previous')
    t.equal((await store.findRefreshToken(ref('A', 0)))?.position, 'retired')
    const family = (await store.findRefreshToken(ref('A', 0)))?.family
    t.match(family, { generation: 2, rotatedAtMs: T0 + 2 * SECOND })
  })

  t.test('every earlier generation stays recognised however long the family lives (docs/refresh-tokens.md, "Token form")', async (t) => {
    const store = await withFamily(t)
    const rotations = 1200
    for (let g = 0; g < rotations; g++) await redeem(store, ref('A', g), T0 + g, true)
    t.equal((await store.findRefreshToken(ref('A', rotations)))?.position, 'current')
    t.equal((await store.findRefreshToken(ref('A', rotations - 1)))?.position, 'previous')
    t.equal((await store.findRefreshToken(ref('A', 0)))?.position, 'retired', 'the first generation, 1,200 rotations back')
    t.equal(await store.findRefreshToken(ref('A', rotations + 1)), undefined, 'a generation not reached yet')
    t.equal((await redeem(store, ref('A', 0), T0 + 60 * SECOND, true)).kind, 'reuse-detected', 'replaying it revokes the family')
    t.strictSame(await redeem(store, ref('A', rotations), T0 + 61 * SECOND, true), { kind: 'invalid' }, 'the live token with it')
  })

  t.test('rotated: the successor becomes current, the presented token previous', async (t) => {
    const store = await withFamily(t)
    const outcome = await redeem(store, ref('A', 0), T0 + SECOND, true)
    const expected = familyRecord({ generation: 1, rotatedAtMs: T0 + SECOND, lastUsedMs: T0 + SECOND })
    t.strictSame(outcome, { kind: 'rotated', family: expected })
    t.strictSame(await store.getFamily(expected.id), expected)
  })

  t.test('kept: no successor, the token stays current and is marked used', async (t) => {
    const store = await withFamily(t)
    const expected = familyRecord({ currentUsed: true, lastUsedMs: T0 + SECOND })
    t.strictSame(await redeem(store, ref('A', 0), T0 + SECOND, false), { kind: 'kept', family: expected })
    t.equal((await redeem(store, ref('A', 0), T0 + 2 * SECOND, false)).kind, 'kept', 'a kept token can be used again')
    t.equal((await store.findRefreshToken(ref('A', 0)))?.position, 'current')
  })

  t.test('reused-successor: the previous token within grace changes nothing and adds no token', async (t) => {
    const store = await withFamily(t)
    await redeem(store, ref('A', 0), T0, true)
    const before = await store.getFamily('oarfamilyA0000000001')
    const outcome = await redeem(store, ref('A', 0), T0 + 29 * SECOND, true)
    t.equal(outcome.kind, 'reused-successor')
    t.match(outcome, { family: { generation: 1, revokedAtMs: null } })
    t.match(await store.getFamily('oarfamilyA0000000001'), { ...before, lastUsedMs: T0 + 29 * SECOND })
    t.equal(await store.findRefreshToken(ref('A', 2)), undefined, 'no generation was added (I1, I5)')
    t.equal((await redeem(store, ref('A', 1), T0 + 29 * SECOND, true)).kind, 'rotated', 'the successor is still live')
  })

  t.test('grace boundary: graceSeconds − 1 ms is grace, exactly graceSeconds is reuse', async (t) => {
    const inside = await withFamily(t)
    await redeem(inside, ref('A', 0), T0, true)
    t.equal((await redeem(inside, ref('A', 0), T0 + 30 * SECOND - 1, true)).kind, 'reused-successor')
    const at = await withFamily(t)
    await redeem(at, ref('A', 0), T0, true)
    const outcome = await redeem(at, ref('A', 0), T0 + 30 * SECOND, true)
    t.equal(outcome.kind, 'reuse-detected')
    t.match(outcome, { family: { revokedAtMs: T0 + 30 * SECOND } })
  })

  t.test('a replay whose clock reading precedes the rotation by up to 5 s was in flight during it: grace (store.ts IN_FLIGHT_MS)', async (t) => {
    const store = await withFamily(t)
    await redeem(store, ref('A', 0), T0 + 10 * SECOND, true)
    t.equal((await redeem(store, ref('A', 0), T0 + 5 * SECOND, true)).kind, 'reused-successor', 'read 5 s before the rotation')
    const earlier = await withFamily(t)
    await redeem(earlier, ref('A', 0), T0 + 10 * SECOND, true)
    t.equal((await redeem(earlier, ref('A', 0), T0 + 5 * SECOND - 1, true)).kind, 'reuse-detected', 'further back is a clock moved back: no grace')
    const strict = await withFamily(t, { graceSeconds: 0 })
    await redeem(strict, ref('A', 0), T0 + 10 * SECOND, true)
    t.equal((await redeem(strict, ref('A', 0), T0 + 9 * SECOND, true)).kind, 'reuse-detected', 'and without a grace period, none')
  })

  t.test('grace 0: a replay in the same millisecond is already reuse', async (t) => {
    const store = await withFamily(t, { graceSeconds: 0 })
    await redeem(store, ref('A', 0), T0, true)
    t.equal((await redeem(store, ref('A', 0), T0, true)).kind, 'reuse-detected')
  })

  t.test('reuse-detected revokes the family: every generation is then invalid', async (t) => {
    const store = await withFamily(t)
    await redeem(store, ref('A', 0), T0, true)
    await redeem(store, ref('A', 1), T0 + SECOND, true)
    const outcome = await redeem(store, ref('A', 0), T0 + 2 * SECOND, true)
    t.equal(outcome.kind, 'reuse-detected', 'grace is one generation deep (I4)')
    t.match(await store.getFamily('oarfamilyA0000000001'), { revokedAtMs: T0 + 2 * SECOND })
    for (const generation of [2, 1, 0]) {
      t.strictSame(await redeem(store, ref('A', generation), T0 + 3 * SECOND, true), { kind: 'invalid' }, `generation ${generation} after revocation`)
    }
    t.match(await store.getFamily('oarfamilyA0000000001'), { revokedAtMs: T0 + 2 * SECOND }, 'revocation time kept')
  })

  t.test('grace ends once the successor was used, rotating or not (I4)', async (t) => {
    const kept = await withFamily(t)
    await redeem(kept, ref('A', 0), T0, true)
    await redeem(kept, ref('A', 1), T0 + SECOND, false)
    t.equal((await redeem(kept, ref('A', 0), T0 + 2 * SECOND, true)).kind, 'reuse-detected')
    const rotated = await withFamily(t)
    await redeem(rotated, ref('A', 0), T0, true)
    await redeem(rotated, ref('A', 1), T0, true)
    t.equal((await redeem(rotated, ref('A', 0), T0, true)).kind, 'reuse-detected', 'same millisecond')
  })

  t.test('invalid: unknown, foreign client or server, ended family; nothing changes', async (t) => {
    const store = await withFamily(t)
    await redeem(store, ref('A', 0), T0, true)
    const before = await store.getFamily('oarfamilyA0000000001')
    const later = T0 + 60 * SECOND
    const foreign: Array<[string, TokenRef, Partial<RefreshRequest>]> = [
      ['unknown family', UNKNOWN, {}],
      ['a generation never reached', ref('A', 2), {}],
      ['current, other client', ref('A', 1), { clientId: 'web-app' }],
      ['current, org server', ref('A', 1), { authServerId: null }],
      ['current, other server', ref('A', 1), { authServerId: 'other' }],
      // Outside grace this would be reuse for the owner; for anyone else it is nothing (SP-5, docs/reliability.md § #71).
      ['previous, other client', ref('A', 0), { clientId: 'web-app' }],
      ['previous, other server', ref('A', 0), { authServerId: null }],
    ]
    for (const [name, token, other] of foreign) {
      t.strictSame(await redeem(store, token, later, true, other), { kind: 'invalid' }, name)
    }
    t.strictSame(await store.getFamily('oarfamilyA0000000001'), before, 'family untouched')
    t.equal(await store.findRefreshToken(ref('A', 2)), undefined)
    t.equal((await redeem(store, ref('A', 1), later, true)).kind, 'rotated', 'owner still refreshes')
  })

  t.test('absolute expiry is inherited by rotated tokens; the deadline itself is expired', async (t) => {
    const store = await withFamily(t, { expiresAtMs: T0 + 3600 * SECOND })
    await redeem(store, ref('A', 0), T0 + 1000 * SECOND, true)
    await redeem(store, ref('A', 1), T0 + 2000 * SECOND, true)
    t.match(await store.getFamily('oarfamilyA0000000001'), { expiresAtMs: T0 + 3600 * SECOND })
    t.equal((await redeem(store, ref('A', 2), T0 + 3600 * SECOND - 1, false)).kind, 'kept')
    t.strictSame(await redeem(store, ref('A', 2), T0 + 3600 * SECOND, false), { kind: 'invalid' })
  })

  t.test('idle expiry restarts on each use', async (t) => {
    const store = await withFamily(t, { idleSeconds: 100 })
    t.equal((await redeem(store, ref('A', 0), T0 + 99 * SECOND, true)).kind, 'rotated')
    t.equal((await redeem(store, ref('A', 1), T0 + 198 * SECOND, false)).kind, 'kept')
    t.strictSame(await redeem(store, ref('A', 1), T0 + 298 * SECOND, false), { kind: 'invalid' }, 'idle 100 s since last use')
    t.match(await store.getFamily('oarfamilyA0000000001'), { revokedAtMs: null, lastUsedMs: T0 + 198 * SECOND })
  })

  t.test('revokeFamily: ends the family, idempotent, unknown ids ignored', async (t) => {
    const store = await withFamily(t)
    await store.revokeFamily('oarfamilyA0000000001', T0 + SECOND)
    await store.revokeFamily('oarfamilyA0000000001', T0 + 2 * SECOND)
    await store.revokeFamily('oarunknown0000000000', T0)
    t.match(await store.getFamily('oarfamilyA0000000001'), { revokedAtMs: T0 + SECOND })
    t.strictSame(await redeem(store, ref('A', 0), T0 + 3 * SECOND, true), { kind: 'invalid' })
    t.equal(await store.getFamily('oarunknown0000000000'), undefined)
  })

  t.test('revokeAccessToken / isAccessTokenRevoked', async (t) => {
    const store = await makeStore(ROOMY)
    t.equal(await store.isAccessTokenRevoked('AT.one'), false)
    await store.revokeAccessToken('AT.one', T0 + 3600 * SECOND)
    t.equal(await store.isAccessTokenRevoked('AT.one'), true)
    t.equal(await store.isAccessTokenRevoked('AT.two'), false)
  })

  t.test('endAccessTokens / accessTokensEndedAt: the latest cut-off among the scopes asked, only forward', async (t) => {
    const store = await makeStore(ROOMY)
    t.equal(await store.accessTokensEndedAt(['*', 'client:web-app']), 0, 'none yet')
    await store.endAccessTokens('client:web-app', 1000)
    await store.endAccessTokens('user:00u1', 2000)
    t.equal(await store.accessTokensEndedAt(['*', 'client:web-app']), 1000)
    t.equal(await store.accessTokensEndedAt(['*', 'client:web-app', 'user:00u1']), 2000)
    t.equal(await store.accessTokensEndedAt(['*', 'client:spa-app']), 0)
    await store.endAccessTokens('client:web-app', 500)
    t.equal(await store.accessTokensEndedAt(['client:web-app']), 1000, 'an earlier cut-off changes nothing')
    await store.endAccessTokens('*', 3000)
    t.equal(await store.accessTokensEndedAt(['*', 'client:spa-app']), 3000)
    await store.clear()
    t.equal(await store.accessTokensEndedAt(['*', 'client:web-app', 'user:00u1']), 0, 'cleared')
  })

  t.test('accessTokenState: revocation, the family and the cut-offs in one answer', async (t) => {
    const store = await withFamily(t)
    const scopes = ['*', 'client:native-app', 'user:00ualice000000000001']
    t.strictSame(await store.accessTokenState('AT.one', undefined, scopes), { revoked: false, familyLive: true, endedAt: 0 }, 'no family, nothing ended')
    t.strictSame(await store.accessTokenState('AT.one', 'oarfamilyA0000000001', scopes), { revoked: false, familyLive: true, endedAt: 0 })
    t.strictSame(await store.accessTokenState('AT.one', 'oarunknown0000000000', []), { revoked: false, familyLive: false, endedAt: 0 }, 'a family no longer known')
    await store.revokeAccessToken('AT.one', T0 + 3600 * SECOND)
    await store.endAccessTokens('client:native-app', 1000)
    await store.endAccessTokens('user:00ualice000000000001', 2000)
    await store.endAccessTokens('client:web-app', 3000)
    t.strictSame(await store.accessTokenState('AT.one', undefined, scopes), { revoked: true, familyLive: true, endedAt: 2000 })
    t.strictSame(await store.accessTokenState('AT.two', undefined, ['*', 'client:native-app']), { revoked: false, familyLive: true, endedAt: 1000 })
    await store.revokeFamily('oarfamilyA0000000001', T0 + SECOND)
    t.strictSame(await store.accessTokenState('AT.two', 'oarfamilyA0000000001', ['*']), { revoked: false, familyLive: false, endedAt: 0 }, 'the family revoked')
  })

  t.test('at capacity: createFamily is refused, existing families keep working', async (t) => {
    const store = await withFamily(t, {}, { maxFamilies: 2 })
    t.equal(await store.createFamily(familyRecord({ id: 'oarfamilyB0000000001' })), true)
    t.equal(await store.createFamily(familyRecord({ id: 'oarfamilyC0000000001', createdAtMs: T0 + SECOND })), false)
    t.equal(await store.findRefreshToken(ref('C', 0)), undefined)
    t.equal(await store.getFamily('oarfamilyC0000000001'), undefined)
    t.equal((await redeem(store, ref('A', 0), T0 + 2 * SECOND, true)).kind, 'rotated')
    t.equal((await redeem(store, ref('B', 0), T0 + 2 * SECOND, false)).kind, 'kept')
  })

  t.test('at capacity, ended families make room at once (docs/reliability.md § C-16)', async (t) => {
    const store = await withFamily(t, {}, { maxFamilies: 1 })
    await store.revokeFamily('oarfamilyA0000000001', T0 + SECOND)
    t.equal(await store.createFamily(familyRecord({ id: 'oarfamilyB0000000001', createdAtMs: T0 + 2 * SECOND })), true)
    t.equal((await redeem(store, ref('B', 0), T0 + 3 * SECOND, true)).kind, 'rotated')
    t.strictSame(await redeem(store, ref('A', 0), T0 + 3 * SECOND, true), { kind: 'invalid' })
  })

  t.test('sweep keeps live families and ended ones within the retention window', async (t) => {
    const store = await withFamily(t, { idleSeconds: 0 })
    t.equal(await store.createFamily(familyRecord({ id: 'oarfamilyB0000000001' })), true)
    await store.revokeFamily('oarfamilyB0000000001', T0 + SECOND)
    t.equal(await store.sweep(T0 + SECOND + retentionMs - SECOND), 0)
    t.ok(await store.getFamily('oarfamilyB0000000001'), 'revoked family kept for its access tokens')
    t.equal(await store.sweep(T0 + 3650 * DAY), 1, 'only the revoked family goes')
    t.ok(await store.findRefreshToken(ref('A', 0)), 'a family without deadline is never swept')
    t.equal(await store.getFamily('oarfamilyB0000000001'), undefined)
    t.equal(await store.findRefreshToken(ref('B', 0)), undefined)
  })

  t.test('sweep drops every generation of an expired family after the retention window', async (t) => {
    const store = await withFamily(t, { idleSeconds: 100 })
    await redeem(store, ref('A', 0), T0, true)
    await redeem(store, ref('A', 1), T0, true)
    const endedAt = T0 + 100 * SECOND
    t.equal(await store.sweep(endedAt + retentionMs - SECOND), 0)
    t.equal((await store.findRefreshToken(ref('A', 0)))?.position, 'retired', 'replays still recognised')
    t.equal(await store.sweep(endedAt + retentionMs + SECOND), 1)
    for (const generation of [0, 1, 2]) t.equal(await store.findRefreshToken(ref('A', generation)), undefined, `generation ${generation}`)
    t.strictSame(await store.stats(), { families: 0, revokedAccessTokens: 0 })
  })

  t.test('sweep drops revoked access tokens once they have expired', async (t) => {
    const store = await makeStore(ROOMY)
    await store.revokeAccessToken('AT.one', T0 + 3600 * SECOND)
    await store.revokeAccessToken('AT.two', T0 + 7200 * SECOND)
    t.equal(await store.sweep(T0 + 3600 * SECOND - SECOND), 0)
    t.equal(await store.isAccessTokenRevoked('AT.one'), true)
    t.equal(await store.sweep(T0 + 3600 * SECOND + SECOND), 1)
    t.equal(await store.isAccessTokenRevoked('AT.one'), false)
    t.equal(await store.isAccessTokenRevoked('AT.two'), true)
  })

  t.test('records are copies: mutating what goes in or comes out changes nothing', async (t) => {
    const store = await makeStore(ROOMY)
    const input = familyRecord()
    await store.createFamily(input)
    input.revokedAtMs = 1
    input.scopes.push('profile')
    const found = await store.findRefreshToken(ref('A', 0))
    const got = await store.getFamily('oarfamilyA0000000001')
    const outcome = await redeem(store, ref('A', 0), T0 + SECOND, true)
    for (const family of [found?.family, got, 'family' in outcome ? outcome.family : undefined]) {
      if (!family) throw new Error('record missing')
      family.revokedAtMs = 1
      family.generation = 42
      family.scopes.push('email')
    }
    const expected = familyRecord({ generation: 1, rotatedAtMs: T0 + SECOND, lastUsedMs: T0 + SECOND })
    t.strictSame(await store.getFamily('oarfamilyA0000000001'), expected)
    t.equal(await store.findRefreshToken(ref('A', 42)), undefined)
  })

  t.test('listFamiliesByUser: every family of the user, live or ended, as copies', async (t) => {
    const store = await withFamily(t)
    t.equal(await store.createFamily(familyRecord({ id: 'oarfamilyB0000000001', createdAtMs: T0 + SECOND })), true)
    t.equal(await store.createFamily(familyRecord({ id: 'oarfamilyC0000000001', userId: '00ubob00000000000002' })), true)
    await store.revokeFamily('oarfamilyB0000000001', T0 + 2 * SECOND)
    const alice = await store.listFamiliesByUser('00ualice000000000001')
    t.same(alice.map((f) => f.id).sort(), ['oarfamilyA0000000001', 'oarfamilyB0000000001'])
    t.equal(alice.find((f) => f.id === 'oarfamilyB0000000001')?.revokedAtMs, T0 + 2 * SECOND)
    alice[0]!.scopes.push('mutated')
    t.notOk((await store.getFamily(alice[0]!.id))?.scopes.includes('mutated'), 'a copy')
    t.strictSame(await store.listFamiliesByUser('00unobody0000000000'), [])
  })

  t.test('expireFamily ends the refresh tokens at the given time, never later than they would end', async (t) => {
    const store = await withFamily(t, { expiresAtMs: T0 + DAY })
    await store.expireFamily('oarfamilyA0000000001', T0 + 10 * SECOND)
    t.equal((await store.getFamily('oarfamilyA0000000001'))?.expiresAtMs, T0 + 10 * SECOND)
    t.equal((await redeem(store, ref('A', 0), T0 + 5 * SECOND, true)).kind, 'rotated', 'still live before')
    t.strictSame(await redeem(store, ref('A', 1), T0 + 10 * SECOND, true), { kind: 'invalid' }, 'dead from then on')
    await store.expireFamily('oarfamilyA0000000001', T0 + DAY)
    t.equal((await store.getFamily('oarfamilyA0000000001'))?.expiresAtMs, T0 + 10 * SECOND, 'never extended')
    await store.expireFamily('oarunknown0000000000', T0)
  })

  t.test('clear forgets families, tokens and revoked access tokens', async (t) => {
    const store = await withFamily(t)
    await store.revokeAccessToken('AT.one', T0 + 3600 * SECOND)
    await store.clear()
    t.equal(await store.findRefreshToken(ref('A', 0)), undefined)
    t.equal(await store.getFamily('oarfamilyA0000000001'), undefined)
    t.equal(await store.isAccessTokenRevoked('AT.one'), false)
    t.strictSame(await store.stats(), { families: 0, revokedAccessTokens: 0 })
    t.equal(await store.createFamily(familyRecord()), true, 'usable afterwards')
  })

  t.test('the identity: the first proposal sticks until clear, and the epoch-second jtis go with it', async (t) => {
    const store = await makeStore(ROOMY)
    const first = { epochSeconds: T0 / 1000, tokenSecret: 'secret-one' }
    t.strictSame(await store.identity(first), first, 'a new store takes the proposal')
    t.strictSame(await store.identity({ epochSeconds: T0 / 1000 + 5, tokenSecret: 'secret-two' }), first, 'later proposals do not replace it')
    await store.noteEpochSecondJti('AT.one')
    t.equal(await store.isEpochSecondJti('AT.one'), true)
    t.equal(await store.isEpochSecondJti('AT.two'), false)
    await store.clear()
    const second = { epochSeconds: T0 / 1000 + 9, tokenSecret: 'secret-three' }
    t.strictSame(await store.identity(second), second, 'after clear, a new identity')
    t.equal(await store.isEpochSecondJti('AT.one'), false, 'the old epoch second is forgotten')
  })
  t.test('spendOnce: a value is spent once per scope until it expires, by the clock each call passes', async (t) => {
    const store = await makeStore(ROOMY)
    t.equal(await store.spendOnce('assertion:a', 'jti-1', T0 + 60 * SECOND, T0), true, 'first use')
    t.equal(await store.spendOnce('assertion:a', 'jti-1', T0 + 60 * SECOND, T0 + SECOND), false, 'spent')
    t.equal(await store.spendOnce('assertion:b', 'jti-1', T0 + 60 * SECOND, T0 + SECOND), true, 'another scope is its own')
    t.equal(await store.spendOnce('assertion:a', 'jti-1', T0 + 120 * SECOND, T0 + 60 * SECOND), true, 'usable again once expired')
    const all = await Promise.all(Array.from({ length: 16 }, () => store.spendOnce('dpop:k', 'race', T0 + 60 * SECOND, T0)))
    t.equal(all.filter(Boolean).length, 1, 'sixteen at once: one winner')
    await store.clear()
    t.equal(await store.spendOnce('dpop:k', 'race', T0 + 60 * SECOND, T0), true, 'clear forgets spent values')
  })

  t.test('the DPoP nonce rotations: counted, shared, back to zero on clear', async (t) => {
    const store = await makeStore(ROOMY)
    t.equal(await store.dpopNonceRotations(), 0)
    t.equal(await store.rotateDpopNonce(), 1)
    t.equal(await store.rotateDpopNonce(), 2)
    t.equal(await store.dpopNonceRotations(), 2)
    await store.clear()
    t.equal(await store.dpopNonceRotations(), 0)
  })

  t.test("a family's DPoP binding (jkt) is kept, and absent when unbound", async (t) => {
    const store = await makeStore(ROOMY)
    await store.createFamily(familyRecord({ id: 'oarbound000000000001', jkt: 'thumbprint-of-the-key-0000000000000000000' }))
    await store.createFamily(familyRecord())
    t.equal((await store.getFamily('oarbound000000000001'))?.jkt, 'thumbprint-of-the-key-0000000000000000000')
    const rotated = await redeem(store, { familyId: 'oarbound000000000001', generation: 0 }, T0 + SECOND, true)
    t.equal(rotated.kind === 'rotated' && rotated.family.jkt, 'thumbprint-of-the-key-0000000000000000000', 'across rotation')
    t.notOk('jkt' in (await store.getFamily(familyRecord().id))!, 'no jkt member when unbound')
  })

  authorizationStoreContract(t, () => makeStore(ROOMY))
  grantRecordsContract(t, () => makeStore(ROOMY))
  interactionStoreContract(t, () => makeStore(ROOMY))
  outboxContract(t, () => makeStore(ROOMY))
}
