/** Refresh-token values carry their family and generation under a MAC (docs/refresh-tokens.md, "Token form"). */
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { randomIds } from '../../src/ids.js'
import { looksLikeRefreshToken, readRefreshToken, refreshTokenFor } from '../../src/oauth/refresh-token.js'

const secret = randomBytes(32)

t.test('a token reads back as its family and generation, 43 base64url characters like Okta', async (t) => {
  for (let i = 0; i < 200; i++) {
    const ref = { familyId: randomIds.familyId(), generation: i === 0 ? 0xffffffff : i * 7919 }
    const token = refreshTokenFor(ref, secret)
    t.ok(looksLikeRefreshToken(token), token)
    t.strictSame(readRefreshToken(token, secret), ref)
  }
  const extremes = ['oar00000000000000000', 'oarZZZZZZZZZZZZZZZZZ']
  for (const familyId of extremes) t.strictSame(readRefreshToken(refreshTokenFor({ familyId, generation: 3 }, secret), secret), { familyId, generation: 3 })
})

t.test('the same family and generation give the same token; another generation, family or secret another one', async (t) => {
  const familyId = randomIds.familyId()
  const token = refreshTokenFor({ familyId, generation: 1 }, secret)
  t.equal(refreshTokenFor({ familyId, generation: 1 }, secret), token)
  t.not(refreshTokenFor({ familyId, generation: 2 }, secret), token)
  t.not(refreshTokenFor({ familyId: randomIds.familyId(), generation: 1 }, secret), token)
  t.equal(readRefreshToken(token, randomBytes(32)), undefined, 'another store cannot read it')
  t.equal(readRefreshToken(token, Buffer.alloc(0)), undefined, 'nor a store without a secret yet')
})

t.test('any change to a token, or a token not made by the store, is not a token', async (t) => {
  const token = refreshTokenFor({ familyId: randomIds.familyId(), generation: 5 }, secret)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  let refused = 0
  for (let i = 0; i < token.length; i++) {
    const changed = token.slice(0, i) + alphabet[(alphabet.indexOf(token[i]!) + 1) % 64] + token.slice(i + 1)
    if (readRefreshToken(changed, secret) === undefined) refused++
  }
  t.equal(refused, token.length, 'every one-character change is refused (the last one also by the canonical spelling)')
  t.equal(readRefreshToken(randomBytes(32).toString('base64url'), secret), undefined, 'random bytes')
  t.equal(readRefreshToken(`${token}A`, secret), undefined)
  t.equal(readRefreshToken('not a token', secret), undefined)
})

t.test('only family ids of the generated form can be carried', async (t) => {
  t.throws(() => refreshTokenFor({ familyId: 'fam-1', generation: 0 }, secret), /not a family id/)
  t.throws(() => refreshTokenFor({ familyId: 'oar0000000000000000!', generation: 0 }, secret), /not a family id/)
  t.throws(() => refreshTokenFor({ familyId: randomIds.familyId(), generation: -1 }, secret), /generation/)
})
