/** MemoryStore's compact family form: real (base64url SHA-256) hashes round-trip and never collide. */
import { createHash } from 'node:crypto'
import t from 'tap'
import { hashKey } from '../../src/store/hash-key.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import { familyRecord } from './store.contract.js'

const sha = (s: string) => createHash('sha256').update(s).digest('base64url')

t.test('a real hash is kept in 32 bytes and comes back as the same string', async (t) => {
  const current = sha('token-1')
  t.equal(current.length, 43)
  t.equal(hashKey(current).length, 32, 'binary form')
  const store = new MemoryStore(10)
  t.ok(await store.createFamily(familyRecord({ currentHash: current })))
  const next = sha('token-2')
  const outcome = await store.redeemRefreshToken({ hash: current, successorHash: next, clientId: 'native-app', authServerId: 'default', nowMs: Date.UTC(2026, 0, 1) + 1000 })
  t.match(outcome, { kind: 'rotated', family: { currentHash: next, previousHash: current } })
  t.equal((await store.findRefreshToken(current))?.position, 'previous')
  t.equal((await store.findRefreshToken(next))?.position, 'current')
})

t.test('strings that are not canonical base64url hashes keep their own keys', async (t) => {
  const canonical = sha('token-3')
  // Same 32 bytes when decoded, but a different last character: the unused low bits are set.
  const last = canonical.at(-1)!
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const twin = canonical.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1]!
  t.equal(Buffer.from(twin, 'base64url').equals(Buffer.from(canonical, 'base64url')), true, 'decodes to the same bytes')
  t.not(hashKey(twin), hashKey(canonical))
  for (const other of ['hash-A1', '', 'x'.repeat(32), Buffer.from(canonical, 'base64url').toString('latin1'), 'ĀĀ']) {
    t.not(hashKey(other), hashKey(canonical), JSON.stringify(other).slice(0, 20))
  }
  const store = new MemoryStore(10)
  t.ok(await store.createFamily(familyRecord({ currentHash: canonical })))
  t.equal(await store.findRefreshToken(twin), undefined, 'the twin is not the token')
  t.equal(await store.findRefreshToken(Buffer.from(canonical, 'base64url').toString('latin1')), undefined)
})

t.test('families that share client, user, scopes and policy share one profile but stay separate', async (t) => {
  const store = new MemoryStore(10)
  t.ok(await store.createFamily(familyRecord({ id: 'oarA', currentHash: sha('a') })))
  t.ok(await store.createFamily(familyRecord({ id: 'oarB', currentHash: sha('b'), scopes: ['openid'] })))
  t.ok(await store.createFamily(familyRecord({ id: 'oarC', currentHash: sha('c') })))
  await store.revokeFamily('oarA', Date.UTC(2026, 0, 1))
  t.match(await store.getFamily('oarA'), { revokedAtMs: Date.UTC(2026, 0, 1), scopes: ['openid', 'offline_access'] })
  t.match(await store.getFamily('oarB'), { revokedAtMs: null, scopes: ['openid'] })
  t.match(await store.getFamily('oarC'), { revokedAtMs: null, scopes: ['openid', 'offline_access'] })
  t.equal(await store.sweep(Date.UTC(2026, 0, 1) + 2 * 86_400_000), 1)
  t.equal(await store.getFamily('oarA'), undefined)
  t.ok(await store.getFamily('oarC'), 'a swept family takes nothing of its profile from the others')
})
