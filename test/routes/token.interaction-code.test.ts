/**
 * The interaction_code grant (docs/identity-engine.md, "Tokens"): single use, short-lived on mockta's
 * clock, bound to the client, the authorization server and the PKCE verifier; its refresh token joins
 * the usual rotation; its ID token carries the nonce and `amr`. Concurrent redemptions have one winner,
 * on the memory store and on Redis.
 */
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { basic, buildTestApp, refresh, testConfig, WEB } from '../helpers/app.js'
import { assertOktaError } from '../helpers/oauth-assert.js'
import { racingIdentifies, redeem, signedIn } from '../helpers/idx.js'
import { SPA } from '../helpers/authorize.js'
import { startRedis } from '../helpers/redis-server.js'

const claimsOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>

t.test('a code redeems once: tokens with nonce and amr, a refresh token that rotates', async (t) => {
  const { app } = await buildTestApp(t)
  const { code, verifier } = await signedIn(app)
  const res = await redeem(app, { client_id: SPA.id, interaction_code: code, code_verifier: verifier, redirect_uri: SPA.redirectUri })
  t.equal(res.statusCode, 200)
  const tokens = res.json() as Record<string, string>
  t.match(tokens, { token_type: 'Bearer', expires_in: 3600, scope: 'openid profile email offline_access' })
  t.match(claimsOf(tokens['id_token']!), { aud: SPA.id, nonce: 'nonce-1', amr: ['pwd'], sub: '00ualice000000000001' })
  t.match(claimsOf(tokens['access_token']!), { cid: SPA.id, uid: '00ualice000000000001' })
  const rotated = await refresh(app, tokens['refresh_token']!, { client_id: SPA.id })
  t.equal(rotated.statusCode, 200, 'the refresh token works with the refresh grant')
  t.not((rotated.json() as Record<string, string>)['refresh_token'], tokens['refresh_token'], 'and rotates')

  const replay = await redeem(app, { client_id: SPA.id, interaction_code: code, code_verifier: verifier })
  assertOktaError(t, replay, 'invalid_interaction_code')
})

t.test('bound to the client, the server and the verifier; expired on mockta’s clock', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const foreign = await signedIn(app)
  assertOktaError(t, await redeem(app, { client_id: 'native-app', interaction_code: foreign.code, code_verifier: foreign.verifier }), 'invalid_interaction_code')
  assertOktaError(
    t,
    await redeem(app, { client_id: SPA.id, interaction_code: foreign.code, code_verifier: foreign.verifier }),
    'invalid_interaction_code',
    'a foreign attempt used the code up',
  )

  const pkce = await signedIn(app)
  assertOktaError(t, await redeem(app, { client_id: SPA.id, interaction_code: pkce.code, code_verifier: 'x'.repeat(43) }), 'pkce_verification_failed')
  const missing = await signedIn(app)
  assertOktaError(t, await redeem(app, { client_id: SPA.id, interaction_code: missing.code }), 'pkce_missing_verifier')
  assertOktaError(t, await redeem(app, { client_id: SPA.id, code_verifier: missing.verifier }), 'missing_token_request_parameter', 'interaction_code')

  const redirect = await signedIn(app)
  assertOktaError(
    t,
    await redeem(app, { client_id: SPA.id, interaction_code: redirect.code, code_verifier: redirect.verifier, redirect_uri: 'http://localhost:5173/login/callback' }),
    'mismatched_redirect_uri',
  )

  const org = await signedIn(app, {}, { server: '' })
  assertOktaError(t, await redeem(app, { client_id: SPA.id, interaction_code: org.code, code_verifier: org.verifier }), 'mismatched_authorization_server')

  const late = await signedIn(app)
  clock.advance(60)
  assertOktaError(t, await redeem(app, { client_id: SPA.id, interaction_code: late.code, code_verifier: late.verifier }), 'invalid_interaction_code', 'after 60 s')
  assertOktaError(t, await redeem(app, { client_id: SPA.id, interaction_code: 'y'.repeat(600), code_verifier: late.verifier }), 'invalid_interaction_code', 'an oversized code')
  assertOktaError(t, await redeem(app, { client_id: SPA.id, interaction_code: 'made-up', code_verifier: late.verifier }), 'invalid_interaction_code')
})

t.test('on the org server too, and for a confidential client with its secret', async (t) => {
  const { app } = await buildTestApp(t)
  const org = await signedIn(app, {}, { server: '' })
  t.equal((await redeem(app, { client_id: SPA.id, interaction_code: org.code, code_verifier: org.verifier }, { server: '' })).statusCode, 200)
  const web = await signedIn(app, { client_id: WEB.id, client_secret: WEB.secret, redirect_uri: 'http://localhost:3000/authorization-code/callback' })
  assertOktaError(t, await redeem(app, { client_id: WEB.id, interaction_code: web.code, code_verifier: web.verifier }), 'invalid_client')
  t.equal((await redeem(app, { interaction_code: web.code, code_verifier: web.verifier }, { authorization: basic(WEB.id, WEB.secret) })).statusCode, 200)
})

t.test('a client without the grant: unauthorized_client', async (t) => {
  const { app } = await buildTestApp(t, {
    change: (c) => void c.clients.push({ ...c.clients.find((x) => x.id === 'spa-app')!, id: 'classic-spa', grantTypes: ['authorization_code'] }),
  })
  assertOktaError(t, await redeem(app, { client_id: 'classic-spa', interaction_code: 'x', code_verifier: 'y' }), 'unauthorized_client', 'authorization_code')
})

async function racingRedemptions(t: Test, app: FastifyInstance): Promise<void> {
  const { code, verifier } = await signedIn(app)
  const answers = await Promise.all(Array.from({ length: 20 }, () => redeem(app, { client_id: SPA.id, interaction_code: code, code_verifier: verifier })))
  t.equal(answers.filter((r) => r.statusCode === 200).length, 1, 'exactly one redemption wins')
  t.ok(
    answers.every((r) => r.statusCode === 200 || (r.json() as { error?: string }).error === 'invalid_grant'),
    'the others: invalid_grant',
  )
}

t.test('concurrent redemptions of one code: one winner (memory store)', async (t) => {
  const { app } = await buildTestApp(t)
  await racingRedemptions(t, app)
})

const redis = await startRedis(t)
if (redis) {
  t.test('on Redis: the whole flow, one winner of concurrent proceeds and of concurrent redemptions', async (t) => {
    const config = testConfig((c) => Object.assign(c.store, { type: 'redis', url: redis.url, keyPrefix: 'idx-grant:' }))
    const { app } = await buildTestApp(t, { config })
    t.teardown(() => app.close())
    await racingRedemptions(t, app)
    await racingIdentifies(t, app)
  })
}
