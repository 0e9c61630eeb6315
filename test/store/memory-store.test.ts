import t from 'tap'
import { MemoryStore } from '../../src/store/memory-store.js'
import { RETENTION_MS } from '../../src/store/store.js'
import { MemoryAuthorizationStore } from '../../src/store/memory-authorization-store.js'
import { storeContract } from './store.contract.js'

storeContract(t, ({ maxFamilies }) => new MemoryStore(maxFamilies), { retentionMs: RETENTION_MS })

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
