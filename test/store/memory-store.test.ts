import t from 'tap'
import { MemoryStore } from '../../src/store/memory-store.js'
import { MAX_RETIRED_GENERATIONS, RETENTION_MS } from '../../src/store/store.js'
import { MemoryAuthorizationStore } from '../../src/store/memory-authorization-store.js'
import { familyRecord, storeContract } from './store.contract.js'

storeContract(t, ({ maxFamilies }) => new MemoryStore(maxFamilies), { retentionMs: RETENTION_MS })

t.test('a long-lived family remembers a bounded number of retired generations', async (t) => {
  const store = new MemoryStore(10)
  const T0 = Date.UTC(2026, 0, 1)
  t.ok(await store.createFamily(familyRecord({ currentHash: 'gen-0', createdAtMs: T0, lastUsedMs: T0 })))
  const rotations = MAX_RETIRED_GENERATIONS + 3
  for (let g = 1; g <= rotations; g++) {
    const outcome = await store.redeemRefreshToken({
      hash: `gen-${g - 1}`,
      successorHash: `gen-${g}`,
      clientId: familyRecord().clientId,
      authServerId: familyRecord().authServerId,
      nowMs: T0 + g,
    })
    t.equal(outcome.kind, 'rotated', `rotation ${g}`, { bail: outcome.kind !== 'rotated' })
  }
  // current = gen-N, previous = gen-(N-1), retired = the MAX_RETIRED_GENERATIONS before that.
  const oldestKept = rotations - 1 - MAX_RETIRED_GENERATIONS
  t.equal(await store.findRefreshToken(`gen-${oldestKept - 1}`), undefined, 'older generations are forgotten')
  t.equal((await store.findRefreshToken(`gen-${oldestKept}`))?.position, 'retired')
  t.equal((await store.stats()).tokens, MAX_RETIRED_GENERATIONS + 2)
})

t.test('pending sign-in forms are bounded: beyond the cap the oldest is forgotten', async (t) => {
  const store = new MemoryAuthorizationStore(3)
  const T0 = Date.UTC(2026, 0, 1)
  const request = {
    clientId: 'spa-app',
    authServerId: null,
    redirectUri: 'x:/',
    responseTypes: ['code' as const],
    responseMode: 'query' as const,
    scopes: ['openid'],
    state: 's',
    nonce: null,
    codeChallenge: null,
    prompt: [],
    loginHint: null,
    maxAge: null,
  }
  for (let i = 0; i <= 3; i++) await store.createTransaction({ idHash: `tx-${i}`, browserHash: 'b', request, expiresAtMs: T0 + 600_000 })
  t.equal(await store.findTransaction('tx-0', T0), undefined, 'the oldest is gone')
  t.ok(await store.findTransaction('tx-1', T0), 'the next one stays')
  t.ok(await store.findTransaction('tx-3', T0), 'the newest stays')
})
