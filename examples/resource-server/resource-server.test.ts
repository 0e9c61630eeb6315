/**
 * The resource server and the app's token client tested against mockta the way a user would: expiry
 * by moving mockta's clock instead of sleeping, a 429 and a 503 on refresh, and the journal to check
 * that the app refreshed exactly once. (In your own project: `import { startMockta } from 'mockta'`.)
 */
import t from 'tap'
import { startMockta, type MocktaHandle } from '../../src/index.js'
import { buildResourceServer } from './resource-server.js'
import { TokenClient } from './token-client.js'

async function setUp(t: { teardown(fn: () => unknown): void }) {
  const mockta = await startMockta()
  t.teardown(() => mockta.close())
  // @okta/jwt-verifier warns about the disabled HTTPS check (an http issuer); expected here.
  const warn = console.warn
  console.warn = () => {}
  const api = buildResourceServer({ issuer: mockta.issuer('default'), audience: 'api://default' })
  console.warn = warn
  await api.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => api.close())
  const address = api.server.address()
  const apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/messages`
  const delays: number[] = []
  const client = new TokenClient({ issuer: mockta.issuer('default'), clientId: 'native-app', sleep: async (ms) => void delays.push(ms) })
  return { mockta, apiUrl, client, delays }
}

/**
 * @okta/jwt-verifier checks `exp` against the machine's clock, so an expired token is one mockta
 * issued "an hour ago": move its clock back, sign in, move it back to now.
 */
async function signInAnHourAgo(mockta: MocktaHandle, client: TokenClient): Promise<void> {
  await mockta.clock.advance({ seconds: -3700 })
  await client.signIn('alice@example.com', 'alice-password')
  await mockta.clock.reset()
}

t.test('a valid token is accepted without a refresh', async (t) => {
  const { mockta, apiUrl, client } = await setUp(t)
  await client.signIn('alice@example.com', 'alice-password')
  const res = await client.get(apiUrl)
  t.equal(res.status, 200)
  t.same(await res.json(), { messages: ['hello alice@example.com'] })
  t.same(await mockta.journal.list({ grantType: 'refresh_token' }), [], 'no refresh')
})

t.test('an expired token: the API says 401, the app refreshes once through a 429 and a 503', async (t) => {
  const { mockta, apiUrl, client, delays } = await setUp(t)
  await signInAnHourAgo(mockta, client)
  await mockta.faults.add({ match: { endpoint: 'token', grantType: 'refresh_token' }, action: { type: 'rate_limit', resetSeconds: 2 }, times: 1 })
  await mockta.faults.add({ match: { endpoint: 'token', grantType: 'refresh_token' }, action: { type: 'error', status: 503, error: 'temporarily_unavailable' }, times: 1 })
  await mockta.journal.clear()

  const res = await client.get(apiUrl)
  t.equal(res.status, 200, 'the call succeeds after the refresh')
  t.equal(client.refreshes, 1)
  t.equal(delays.length, 2, 'waited twice')
  t.ok(delays[0]! > 0 && delays[0]! <= 2000, `after the 429, until X-Rate-Limit-Reset (${delays[0]} ms)`)
  t.equal(delays[1], 400, 'after the 503, exponential back-off (200 ms, then 400 ms)')

  const refreshes = await mockta.journal.list({ grantType: 'refresh_token', clientId: 'native-app' })
  t.same(
    refreshes.map((e) => e.status),
    [429, 503, 200],
    'three attempts reached mockta',
  )
  t.equal(refreshes.filter((e) => e.status === 200).length, 1, 'the app refreshed exactly once')
  t.equal(new Set(refreshes.map((e) => e.familyId)).size, 1, 'all in the one session')

  // The new token is good for another call without any refresh.
  t.equal((await client.get(apiUrl)).status, 200)
  t.equal((await mockta.journal.list({ grantType: 'refresh_token' })).length, 3)
})

t.test('the app gives up after its last attempt, and a later refresh still works', async (t) => {
  const { mockta, apiUrl, client, delays } = await setUp(t)
  await signInAnHourAgo(mockta, client)
  await mockta.faults.add({ match: { grantType: 'refresh_token' }, action: { type: 'error', status: 503, error: 'temporarily_unavailable' }, times: 4 })
  await t.rejects(client.get(apiUrl), { name: 'RefreshFailed', status: 503 })
  t.same(delays, [200, 400, 800])
  t.equal(client.refreshes, 0)
  // Faults change no state: the refresh token is still good once mockta recovers.
  t.equal((await client.get(apiUrl)).status, 200)
  t.equal(client.refreshes, 1)
})

t.test('a revoked session: the refresh fails for good and is not retried', async (t) => {
  const { mockta, apiUrl, client, delays } = await setUp(t)
  await signInAnHourAgo(mockta, client)
  const [family] = await mockta.families.list('alice@example.com')
  await mockta.families.revoke(family!.id)
  await t.rejects(client.get(apiUrl), { name: 'RefreshFailed', status: 400 })
  t.same(delays, [], 'invalid_grant is final')
})
