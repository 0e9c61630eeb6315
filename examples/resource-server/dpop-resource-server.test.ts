/**
 * DPoP end to end with openid-client v6 (`getDPoPHandle`) against mockta, and a resource server that
 * checks the token's `cnf.jkt` (dpop-resource-server.ts): the nonce dance is done once and the nonce
 * cached, the refresh keeps the key, and a token presented with another key's proof is refused.
 * (In your own project: `import { startMockta } from 'mockta'`.)
 */
import t from 'tap'
import * as client from 'openid-client'
import { startMockta } from '../../src/index.js'
import { buildDpopResourceServer } from './dpop-resource-server.js'

t.test('openid-client with a DPoP key: tokens bound to it, accepted by the resource server', async (t) => {
  const mockta = await startMockta()
  t.teardown(() => mockta.close())
  // A public native app that requires DPoP, as Okta's "Require DPoP header in token requests".
  await mockta.clients.put({ id: 'dpop-app', type: 'native', grantTypes: ['password', 'refresh_token'], redirectUris: ['com.example:/cb'], dpopBoundAccessTokens: true })

  let origin = ''
  const warn = console.warn
  console.warn = () => {}
  const api = buildDpopResourceServer({ issuer: mockta.issuer('default'), audience: 'api://default', origin: () => origin })
  console.warn = warn
  await api.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => api.close())
  const address = api.server.address()
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`

  const config = await client.discovery(new URL(mockta.issuer('default')), 'dpop-app', undefined, client.None(), { execute: [client.allowInsecureRequests] })
  const keyPair = await client.randomDPoPKeyPair('ES256')
  const DPoP = client.getDPoPHandle(config, keyPair)
  await mockta.journal.clear()

  const tokens = await client.genericGrantRequest(config, 'password', { username: 'alice@example.com', password: 'alice-password', scope: 'openid offline_access' }, { DPoP })
  t.equal(tokens.token_type, 'dpop', 'openid-client lower-cases token_type')
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP })
  t.not(refreshed.refresh_token, tokens.refresh_token, 'rotated')
  const entries = await mockta.journal.list({ endpoint: 'token' })
  t.same(
    entries.map((e) => e.error ?? e.status),
    ['use_dpop_nonce', 200, 200],
    'one nonce retry, then the cached nonce',
  )
  t.ok(
    entries.filter((e) => e.status === 200).every((e) => e.dpopJkt !== undefined && e.dpopJkt === entries[1]!.dpopJkt),
    'the journal shows one key thumbprint',
  )

  const res = await client.fetchProtectedResource(config, refreshed.access_token, new URL(`${origin}/api/messages`), 'GET', undefined, undefined, { DPoP })
  t.equal(res.status, 200)
  t.same(await res.json(), { messages: ['hello alice@example.com'] })

  const stranger = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'))
  const refused = await client
    .fetchProtectedResource(config, refreshed.access_token, new URL(`${origin}/api/messages`), 'GET', undefined, undefined, { DPoP: stranger })
    .catch((err: unknown) => err)
  t.match(refused, { status: 401 }, 'a proof of another key is refused')

  const userinfo = await client.fetchUserInfo(config, refreshed.access_token, client.skipSubjectCheck, { DPoP })
  t.equal(userinfo.sub, refreshed.claims()?.sub, 'userinfo with the DPoP scheme')
})
