/**
 * grant_type=authorization_code (docs/okta-behaviour.md § 2.3): tokens bound to the sign-in, single use, 300 s,
 * PKCE, and every error row of the spec's table, with Okta's catalogue texts.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { ALICE, basic, buildTestApp, introspect, post, WEB } from '../helpers/app.js'
import { authorizeParams, autoSignIn, codeThroughForm, pkcePair, redeem, SPA, WEB_REDIRECT } from '../helpers/authorize.js'
import { assertTokenError, atHash, claimsOf, REFRESH_TOKEN, tokenBody } from '../helpers/token-response.js'

async function spaCode(app: FastifyInstance, overrides: Record<string, string | undefined> = {}, prefix?: string) {
  const pair = pkcePair()
  const { code } = await codeThroughForm(app, authorizeParams(pair.challenge, overrides), prefix === undefined ? {} : { prefix })
  return { code, verifier: pair.verifier }
}

t.test('a code becomes tokens: ID token with nonce, at_hash and auth_time; refresh token; scope as requested', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const signInTime = clock.nowMs() / 1000
  const { code, verifier } = await spaCode(app)
  clock.advance(10)
  const body = tokenBody(t, await redeem(app, code, verifier))
  t.equal(body.token_type, 'Bearer')
  t.equal(body.scope, 'openid profile email offline_access')
  t.match(body.refresh_token, REFRESH_TOKEN)
  const id = claimsOf(body.id_token!)
  t.match(id, { sub: ALICE.id, aud: SPA.id, nonce: 'nonce-123', auth_time: signInTime, name: 'Alice Anderson', email: ALICE.username })
  t.equal(id['at_hash'], atHash(body.access_token))
  t.match(claimsOf(body.access_token), { cid: SPA.id, uid: ALICE.id, sub: ALICE.username, scp: ['openid', 'profile', 'email', 'offline_access'] })
  const refreshed = await post(app, 'token', { grant_type: 'refresh_token', client_id: SPA.id, refresh_token: body.refresh_token! })
  const again = tokenBody(t, refreshed)
  t.equal(claimsOf(again.id_token!)['auth_time'], signInTime, 'refreshed ID tokens keep the sign-in time')
  t.equal(claimsOf(again.id_token!)['nonce'], undefined, 'and carry no nonce')
})

t.test('without offline_access there is no refresh token; without openid no ID token', async (t) => {
  const { app } = await buildTestApp(t)
  const a = await spaCode(app, { scope: 'openid profile' })
  const body = tokenBody(t, await redeem(app, a.code, a.verifier))
  t.equal(body.refresh_token, undefined)
  t.type(body.id_token, 'string')
  const b = await spaCode(app, { scope: 'api:read' })
  const plain = tokenBody(t, await redeem(app, b.code, b.verifier))
  t.equal(plain.id_token, undefined)
})

t.test('a confidential web app without PKCE, client_secret_basic; the org server', async (t) => {
  const { app } = await buildTestApp(t, { change: autoSignIn(WEB.id) })
  const res = await app.inject({
    method: 'GET',
    url: `/oauth2/default/v1/authorize?${new URLSearchParams(authorizeParams('', { client_id: WEB.id, redirect_uri: WEB_REDIRECT, code_challenge: undefined, code_challenge_method: undefined }))}`,
  })
  const code = new URL(String(res.headers['location'])).searchParams.get('code')!
  const body = tokenBody(t, await post(app, 'token', { grant_type: 'authorization_code', code, redirect_uri: WEB_REDIRECT }, { authorization: basic(WEB.id, WEB.secret) }))
  t.match(claimsOf(body.id_token!), { aud: WEB.id })

  const org = await spaCode(app, {}, '/oauth2/v1')
  const orgBody = tokenBody(t, await redeem(app, org.code, org.verifier, {}, ''))
  t.equal(claimsOf(orgBody.id_token!)['iss'], 'http://mockta.test')
})

type Case = [name: string, run: (app: FastifyInstance) => Promise<import('fastify').LightMyRequestResponse>, code: string, ...args: string[]]

/** Every row of docs/okta-behaviour.md § 2.3's error table, plus the missing-parameter errors. */
const ERRORS: Case[] = [
  ['unknown code', (app) => redeem(app, 'A'.repeat(43), pkcePair().verifier), 'invalid_authorization_code'],
  ['code missing', (app) => post(app, 'token', { grant_type: 'authorization_code', client_id: SPA.id, redirect_uri: SPA.redirectUri }), 'missing_token_request_parameter', 'code'],
  [
    'redirect_uri missing',
    async (app) => {
      const { code, verifier } = await spaCode(app)
      return post(app, 'token', { grant_type: 'authorization_code', client_id: SPA.id, code, code_verifier: verifier })
    },
    'missing_token_request_parameter',
    'redirect_uri',
  ],
  [
    'redirect_uri differs',
    async (app) => {
      const { code, verifier } = await spaCode(app)
      return redeem(app, code, verifier, { redirect_uri: 'http://localhost:5173/login/callback' })
    },
    'mismatched_redirect_uri',
  ],
  [
    'code issued to another client',
    async (app) => {
      const { code, verifier } = await spaCode(app)
      return post(app, 'token', { grant_type: 'authorization_code', client_id: 'native-app', code, redirect_uri: SPA.redirectUri, code_verifier: verifier })
    },
    'mismatched_client',
  ],
  [
    'code from another authorization server',
    async (app) => {
      const { code, verifier } = await spaCode(app, {}, '/oauth2/v1')
      return redeem(app, code, verifier)
    },
    'mismatched_authorization_server',
  ],
  [
    'wrong code_verifier',
    async (app) => {
      const { code } = await spaCode(app)
      return redeem(app, code, pkcePair().verifier)
    },
    'pkce_verification_failed',
  ],
  [
    'code_verifier too short',
    async (app) => {
      const { code, verifier } = await spaCode(app)
      return redeem(app, code, verifier.slice(0, 42))
    },
    'pkce_verification_failed',
  ],
  [
    'code_verifier missing, a challenge was sent',
    async (app) => {
      const { code } = await spaCode(app)
      return redeem(app, code, undefined)
    },
    'pkce_missing_verifier',
  ],
  [
    'code_verifier sent, no challenge at /authorize',
    async (app) => {
      const { code } = await codeThroughForm(
        app,
        authorizeParams('', { client_id: WEB.id, redirect_uri: WEB_REDIRECT, code_challenge: undefined, code_challenge_method: undefined }),
      )
      return post(
        app,
        'token',
        { grant_type: 'authorization_code', code, redirect_uri: WEB_REDIRECT, code_verifier: pkcePair().verifier },
        { authorization: basic(WEB.id, WEB.secret) },
      )
    },
    'pkce_missing_challenge_verifier_present',
  ],
]

t.test('every authorization_code error, with Okta’s exact body', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [name, run, code, ...args] of ERRORS) {
    await t.test(name, async (t) => assertTokenError(t, await run(app), code, ...args))
  }
})

t.test('a code expires after 300 s (by the injected clock)', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const live = await spaCode(app)
  clock.advance(299)
  tokenBody(t, await redeem(app, live.code, live.verifier))
  const dead = await spaCode(app)
  clock.advance(300)
  assertTokenError(t, await redeem(app, dead.code, dead.verifier), 'invalid_authorization_code')
})

t.test('a failed redemption uses the code up (it is consumed before it is checked)', async (t) => {
  const { app } = await buildTestApp(t)
  const { code, verifier } = await spaCode(app)
  assertTokenError(t, await redeem(app, code, pkcePair().verifier), 'pkce_verification_failed')
  assertTokenError(t, await redeem(app, code, verifier), 'invalid_authorization_code')
})

t.test('a second redemption fails and revokes what the first issued: the refresh family and its access tokens', async (t) => {
  const { app, logs } = await buildTestApp(t)
  const { code, verifier } = await spaCode(app)
  const first = tokenBody(t, await redeem(app, code, verifier))
  const refreshed = tokenBody(t, await post(app, 'token', { grant_type: 'refresh_token', client_id: SPA.id, refresh_token: first.refresh_token! }))
  t.ok(refreshed, 'the family is in use')
  assertTokenError(t, await redeem(app, code, verifier), 'invalid_authorization_code')
  t.strictSame(await introspect(app, first.access_token, SPA.id), { active: false }, 'the first access token is revoked')
  t.strictSame(await introspect(app, refreshed.refresh_token!, SPA.id), { active: false }, 'the family is revoked, rotated tokens included')
  t.notMatch(logs(), code, 'the code is never logged')
  t.match(logs(), 'authorization_code_replayed')
})

t.test('a code without offline_access: the replay revokes the access token', async (t) => {
  const { app } = await buildTestApp(t)
  const { code, verifier } = await spaCode(app, { scope: 'openid' })
  const first = tokenBody(t, await redeem(app, code, verifier))
  assertTokenError(t, await redeem(app, code, verifier), 'invalid_authorization_code')
  t.strictSame(await introspect(app, first.access_token, SPA.id), { active: false })
})
