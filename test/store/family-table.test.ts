/** MemoryStore's compact family form: constant size, shared profiles. */
import t from 'tap'
import { MemoryStore } from '../../src/store/memory-store.js'
import { familyRecord, ref } from './store.contract.js'

t.test('a family keeps no token: its generation is all it remembers, however many rotations', async (t) => {
  const store = new MemoryStore(10)
  t.ok(await store.createFamily(familyRecord()))
  for (let g = 0; g < 50; g++) {
    await store.redeemRefreshToken({ ...ref('A', g), rotate: true, clientId: 'native-app', authServerId: 'default', nowMs: Date.UTC(2026, 0, 1) + g })
  }
  const family = store.held.families.get('oarfamilyA0000000001')!
  t.strictSame(
    Object.keys(family).sort(),
    ['authTime', 'createdAtMs', 'currentUsed', 'expiresAtMs', 'generation', 'id', 'jkt', 'lastUsedMs', 'profile', 'revokedAtMs', 'rotatedAtMs'],
    'the same fields after 50 rotations as at sign-in',
  )
  t.equal(family.generation, 50)
})

t.test('families that share client, user, scopes and policy share one profile but stay separate', async (t) => {
  const store = new MemoryStore(10)
  t.ok(await store.createFamily(familyRecord({ id: 'oarA' })))
  t.ok(await store.createFamily(familyRecord({ id: 'oarB', scopes: ['openid'] })))
  t.ok(await store.createFamily(familyRecord({ id: 'oarC' })))
  await store.revokeFamily('oarA', Date.UTC(2026, 0, 1))
  t.match(await store.getFamily('oarA'), { revokedAtMs: Date.UTC(2026, 0, 1), scopes: ['openid', 'offline_access'] })
  t.match(await store.getFamily('oarB'), { revokedAtMs: null, scopes: ['openid'] })
  t.match(await store.getFamily('oarC'), { revokedAtMs: null, scopes: ['openid', 'offline_access'] })
  t.equal(await store.sweep(Date.UTC(2026, 0, 1) + 2 * 86_400_000), 1)
  t.equal(await store.getFamily('oarA'), undefined)
  t.ok(await store.getFamily('oarC'), 'a swept family takes nothing of its profile from the others')
})
