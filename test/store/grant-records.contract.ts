/** The grant-record half of the Store contract (store/grant-records.ts): every store answers these alike. */
import type { Test } from 'tap'
import type { Store } from '../../src/store/store.js'
import type { DeviceAuthorizationRecord, PushedRequestRecord } from '../../src/store/grant-records.js'

const T0 = 1_700_000_000_000

export const deviceRecord = (over: Partial<DeviceAuthorizationRecord> = {}): DeviceAuthorizationRecord => ({
  deviceCodeHash: 'dev-hash-1',
  userCodeHash: 'user-hash-1',
  clientId: 'native-app',
  authServerId: 'default',
  scopes: ['openid', 'offline_access'],
  expiresAtMs: T0 + 600_000,
  intervalSeconds: 5,
  lastPolledMs: null,
  status: 'pending',
  userId: null,
  authTime: null,
  ...over,
})

export const pushedRecord = (over: Partial<PushedRequestRecord> = {}): PushedRequestRecord => ({
  uriHash: 'uri-hash-1',
  clientId: 'web-app',
  authServerId: null,
  expiresAtMs: T0 + 60_000,
  request: {
    clientId: 'web-app',
    authServerId: null,
    redirectUri: 'http://localhost/cb',
    responseTypes: ['code'],
    responseMode: 'query',
    scopes: ['openid'],
    state: 's',
    nonce: null,
    codeChallenge: null,
    prompt: [],
    loginHint: null,
    maxAge: null,
  },
  ...over,
})

export function grantRecordsContract(t: Test, makeStore: () => Promise<Store> | Store): void {
  const poll = (store: Store, nowMs: number, over: Partial<Parameters<Store['pollDeviceAuthorization']>[0]> = {}) =>
    store.pollDeviceAuthorization({ deviceCodeHash: 'dev-hash-1', clientId: 'native-app', authServerId: 'default', nowMs, ...over })

  t.test('device authorization: poll, slow down, approve, one redemption', async (t) => {
    const store = await makeStore()
    t.equal(await store.createDeviceAuthorization(deviceRecord()), true)
    t.equal(await store.createDeviceAuthorization(deviceRecord({ deviceCodeHash: 'dev-hash-2' })), false, 'a live user code is not handed out twice')
    t.strictSame(await store.findDeviceAuthorization('user-hash-1', T0), deviceRecord())
    t.equal((await poll(store, T0)).kind, 'pending')
    t.equal((await poll(store, T0 + 1000)).kind, 'slow_down')
    t.equal((await poll(store, T0 + 11_000, { clientId: 'other' })).kind, 'foreign_client')
    t.equal((await poll(store, T0 + 11_000, { authServerId: null })).kind, 'foreign_server')
    t.equal((await poll(store, T0 + 11_000)).kind, 'pending', 'the interval grew to 10 s')
    const decided = await store.decideDeviceAuthorization('user-hash-1', { approve: true, userId: '00u1', authTime: 123 }, T0 + 12_000)
    t.equal(decided.kind, 'decided')
    t.equal((await store.decideDeviceAuthorization('user-hash-1', { approve: false }, T0 + 12_000)).kind, 'already_decided')
    const outcomes = await Promise.all([poll(store, T0 + 30_000), poll(store, T0 + 30_000), poll(store, T0 + 30_000)])
    t.equal(outcomes.filter((o) => o.kind === 'approved').length, 1, 'one poll wins')
    const won = outcomes.find((o) => o.kind === 'approved')
    t.match(won, { record: { userId: '00u1', authTime: 123, status: 'redeemed', scopes: ['openid', 'offline_access'] } })
    t.ok(outcomes.filter((o) => o.kind !== 'approved').every((o) => o.kind === 'redeemed'))
  })

  t.test('device authorization: denied, expired, unknown, swept', async (t) => {
    const store = await makeStore()
    await store.createDeviceAuthorization(deviceRecord())
    t.equal((await store.decideDeviceAuthorization('user-hash-x', { approve: false }, T0)).kind, 'unknown')
    t.match(await store.decideDeviceAuthorization('user-hash-1', { approve: false }, T0), { kind: 'decided', record: { status: 'denied' } })
    t.equal((await poll(store, T0)).kind, 'denied')
    t.equal((await poll(store, T0 + 600_000)).kind, 'expired')
    t.equal((await store.decideDeviceAuthorization('user-hash-1', { approve: false }, T0 + 600_000)).kind, 'unknown')
    t.equal(await store.findDeviceAuthorization('user-hash-1', T0 + 600_000), undefined)
    t.equal((await poll(store, T0, { deviceCodeHash: 'nope' })).kind, 'unknown')
    t.ok((await store.sweep(T0 + 600_000)) >= 1)
    t.equal((await poll(store, T0)).kind, 'unknown', 'swept')
  })

  t.test('pushed requests: one use, for its client and server, within its life', async (t) => {
    const store = await makeStore()
    await store.createPushedRequest(pushedRecord())
    const use = (over: Partial<Parameters<Store['takePushedRequest']>[0]> = {}) =>
      store.takePushedRequest({ uriHash: 'uri-hash-1', clientId: 'web-app', authServerId: null, nowMs: T0, ...over })
    t.equal((await use({ clientId: 'spa-app' })).kind, 'foreign_client')
    t.equal((await use({ authServerId: 'default' })).kind, 'foreign_server')
    const outcomes = await Promise.all([use(), use(), use()])
    t.equal(outcomes.filter((o) => o.kind === 'taken').length, 1, 'one use wins')
    t.strictSame(
      outcomes.find((o) => o.kind === 'taken'),
      { kind: 'taken', record: pushedRecord() },
    )
    await store.createPushedRequest(pushedRecord({ uriHash: 'uri-hash-2' }))
    t.equal((await use({ uriHash: 'uri-hash-2', nowMs: T0 + 60_000 })).kind, 'unknown', 'expired')
    await store.createPushedRequest(pushedRecord({ uriHash: 'uri-hash-3' }))
    await store.clear()
    t.equal((await use({ uriHash: 'uri-hash-3' })).kind, 'unknown', 'reset forgets it')
  })
}
