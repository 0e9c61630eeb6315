import { generateKeyPair, exportJWK, SignJWT, type JWK } from 'jose'
import t from 'tap'
import { ManualClock } from '../../src/clock.js'
import { JWT_BEARER, verifyClientAssertion } from '../../src/oauth/client-assertion.js'
import type { Client } from '../../src/registry/clients.js'

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey']

// A client key is imported once and kept with its JWK object (docs/bench.md): a key changed in
// place must still be the one an assertion is checked against.
t.test('an imported client key follows a JWK changed in place', async (t) => {
  const clock = new ManualClock()
  const spent = new Set<string>()
  const ctx = { clock, store: { spendOnce: async (_s: string, v: string) => !spent.has(v) && (spent.add(v), true) } }
  const endpoint = 'https://mockta.test/oauth2/default/v1/token'
  const first = await generateKeyPair('ES256', { extractable: true })
  const second = await generateKeyPair('ES256', { extractable: true })
  const jwk: JWK = { ...(await exportJWK(first.publicKey)), kid: 'k1', use: 'sig' }
  const client = { id: 'svc', authMethods: ['private_key_jwt'], jwks: { keys: [jwk] } } as unknown as Client
  const assertion = (key: PrivateKey, jti: string) =>
    new SignJWT({ jti })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('svc')
      .setSubject('svc')
      .setAudience(endpoint)
      .setExpirationTime(Math.floor(clock.nowMs() / 1000) + 60)
      .sign(key)
  const presented = async (key: PrivateKey, jti: string) => ({
    assertion: await assertion(key, jti),
    type: JWT_BEARER,
    clientId: undefined,
    endpoint,
    issuer: 'https://mockta.test/oauth2/default',
  })

  t.equal((await verifyClientAssertion(await presented(first.privateKey, 'a'), () => client, ctx)).method, 'private_key_jwt')
  t.equal((await verifyClientAssertion(await presented(first.privateKey, 'b'), () => client, ctx)).client.id, 'svc', 'the kept key verifies again')
  Object.assign(jwk, await exportJWK(second.publicKey))
  await t.rejects(
    verifyClientAssertion(await presented(first.privateKey, 'c'), () => client, ctx),
    /signature is invalid/,
    'the old key no longer verifies',
  )
  t.equal((await verifyClientAssertion(await presented(second.privateKey, 'd'), () => client, ctx)).client.id, 'svc', 'the new key does')
})
