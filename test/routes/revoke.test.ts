/**
 * POST /v1/revoke (RFC 7009; docs/okta-behaviour.md § 7; docs/reliability.md § 1G, SP-12, SP-21): 200 with an empty body
 * for any well-formed request; only the caller's own, genuine tokens are revoked.
 */
import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { WEB, basic, buildTestApp, introspect, post, refresh, signIn } from '../helpers/app.js'
import { kidOf, payloadOf, signedByForeignKey, unsignedJwt } from '../helpers/forged-jwt.js'
import { assertOktaError, type Asserts } from '../helpers/oauth-assert.js'

const revoke = (app: FastifyInstance, token: string, extra: Record<string, string> = {}) => post(app, 'revoke', { token, ...extra, client_id: 'native-app' })

function assertRevokeOk(t: Asserts, res: LightMyRequestResponse, what: string): void {
  t.equal(res.statusCode, 200, `${what}: 200`)
  t.equal(res.body, '', `${what}: empty body`)
}

const isActive = async (app: FastifyInstance, token: string): Promise<boolean> => (await introspect(app, token)).active === true

t.test('200 with an empty body whatever the token (RFC 7009 §2.2: no information leak)', async (t) => {
  const { app } = await buildTestApp(t)
  const tokens = await signIn(app)
  assertRevokeOk(t, await revoke(app, tokens.access_token), 'valid access token')
  assertRevokeOk(t, await revoke(app, tokens.access_token), 'already-revoked access token')
  assertRevokeOk(t, await revoke(app, tokens.refresh_token, { token_type_hint: 'refresh_token' }), 'valid refresh token')
  assertRevokeOk(t, await revoke(app, tokens.refresh_token), 'already-revoked refresh token')
  assertRevokeOk(t, await revoke(app, 'A'.repeat(43)), 'unknown refresh-token-shaped value')
  assertRevokeOk(t, await revoke(app, 'this is not even a token'), 'garbage')
  assertRevokeOk(t, await revoke(app, 'a.b.c', { token_type_hint: 'foo' }), 'JWT-shaped junk with an unknown hint')
})

t.test('revoking a refresh token revokes its family: the refresh token and every access token', async (t) => {
  const { app } = await buildTestApp(t)
  const first = await signIn(app)
  const rotated = await refresh(app, first.refresh_token)
  t.equal(rotated.statusCode, 200)
  const second = rotated.json()
  const other = await signIn(app) // another sign-in of the same user and client: another family
  // A wrong hint is only a hint (RFC 7009 §2.1).
  assertRevokeOk(t, await revoke(app, second.refresh_token, { token_type_hint: 'access_token' }), 'current refresh token')
  t.notOk(await isActive(app, second.refresh_token), 'the refresh token is inactive')
  t.notOk(await isActive(app, first.access_token), "the family's first access token is inactive")
  t.notOk(await isActive(app, second.access_token), "the family's latest access token is inactive")
  assertOktaError(t, await refresh(app, second.refresh_token), 'invalid_refresh_token')
  t.ok(await isActive(app, other.refresh_token), 'another family is untouched')
  t.ok(await isActive(app, other.access_token), "another family's access token is untouched")
})

t.test('revoking a rotated-out refresh token revokes the whole family (SP-21)', async (t) => {
  const { app } = await buildTestApp(t)
  // previous: rotated once, still in its grace period; retired: two generations back.
  for (const generation of ['previous', 'retired'] as const) {
    const first = await signIn(app)
    const second = (await refresh(app, first.refresh_token)).json()
    const third = generation === 'retired' ? (await refresh(app, second.refresh_token)).json() : second
    assertRevokeOk(t, await revoke(app, first.refresh_token), `${generation} refresh token`)
    t.notOk(await isActive(app, third.refresh_token), `${generation}: the current refresh token is inactive`)
    t.notOk(await isActive(app, third.access_token), `${generation}: the latest access token is inactive`)
    t.notOk(await isActive(app, first.access_token), `${generation}: the first access token is inactive`)
    assertOktaError(t, await refresh(app, third.refresh_token), 'invalid_refresh_token')
  }
})

t.test('revoking an access token revokes only it: its refresh token keeps working (G-REV)', async (t) => {
  const { app } = await buildTestApp(t)
  const tokens = await signIn(app)
  assertRevokeOk(t, await revoke(app, tokens.access_token, { token_type_hint: 'refresh_token' }), 'access token, wrong hint')
  t.notOk(await isActive(app, tokens.access_token), 'the access token is inactive')
  t.ok(await isActive(app, tokens.refresh_token), 'the refresh token is still active')
  const res = await refresh(app, tokens.refresh_token)
  t.equal(res.statusCode, 200, 'the refresh token still refreshes')
  t.ok(await isActive(app, res.json().access_token), 'and its new access token is active')
})

t.test("another client's tokens stay active: 200, no effect", async (t) => {
  const { app } = await buildTestApp(t)
  const native = await signIn(app)
  const web = await signIn(app, { client: 'web-app' })
  const asWeb = (token: string) => post(app, 'revoke', { token }, { authorization: basic(WEB.id, WEB.secret) })
  assertRevokeOk(t, await asWeb(native.access_token), "web app revokes the native app's access token")
  assertRevokeOk(t, await asWeb(native.refresh_token), "web app revokes the native app's refresh token")
  assertRevokeOk(t, await revoke(app, web.access_token), "native app revokes the web app's access token")
  assertRevokeOk(t, await revoke(app, web.refresh_token), "native app revokes the web app's refresh token")
  t.ok(await isActive(app, native.access_token), "native app's access token")
  t.ok(await isActive(app, native.refresh_token), "native app's refresh token")
  const webSees = (token: string) => post(app, 'introspect', { token }, { authorization: basic(WEB.id, WEB.secret) })
  t.equal((await webSees(web.access_token)).json().active, true, "web app's access token")
  t.equal((await webSees(web.refresh_token)).json().active, true, "web app's refresh token")
  t.equal((await refresh(app, native.refresh_token)).statusCode, 200, "the native app's refresh token still refreshes")
})

t.test('a forged JWT carrying a real jti revokes nothing (docs/reliability.md § #112)', async (t) => {
  const { app } = await buildTestApp(t)
  const tokens = await signIn(app)
  const claims = payloadOf(tokens.access_token)
  const forgeries = {
    'alg none': unsignedJwt(claims, kidOf(tokens.access_token)),
    'a foreign RSA key under our kid': await signedByForeignKey(claims, kidOf(tokens.access_token)),
  }
  for (const [name, forged] of Object.entries(forgeries)) assertRevokeOk(t, await revoke(app, forged), name)
  t.ok(await isActive(app, tokens.access_token), 'the real access token is still active')
  t.ok(await isActive(app, tokens.refresh_token), 'its family is still active')
})

t.test('parallel revocations of one token all answer 200', async (t) => {
  const { app } = await buildTestApp(t)
  const tokens = await signIn(app)
  const answers = await Promise.all([...Array.from({ length: 8 }, () => revoke(app, tokens.refresh_token)), ...Array.from({ length: 8 }, () => revoke(app, tokens.access_token))])
  answers.forEach((res, i) => assertRevokeOk(t, res, `revocation ${i}`))
  t.notOk(await isActive(app, tokens.refresh_token))
  t.notOk(await isActive(app, tokens.access_token))
})

t.test('errors: missing token, no or bad client authentication; nothing is revoked', async (t) => {
  const { app } = await buildTestApp(t)
  const tokens = await signIn(app, { client: 'web-app' })
  assertOktaError(t, await post(app, 'revoke', {}, { authorization: basic(WEB.id, WEB.secret) }), 'request_missing_token')
  assertOktaError(t, await post(app, 'revoke', { token: '' }, { authorization: basic(WEB.id, WEB.secret) }), 'request_missing_token')
  assertOktaError(t, await post(app, 'revoke', { token: tokens.refresh_token }), 'missing_client_credentials')
  assertOktaError(t, await post(app, 'revoke', { token: tokens.refresh_token }, { authorization: basic(WEB.id, 'wrong') }), 'invalid_client')
  assertOktaError(t, await post(app, 'revoke', { token: tokens.refresh_token, client_id: WEB.id }), 'invalid_client')
  t.equal((await refresh(app, tokens.refresh_token, {}, { client: 'web-app' })).statusCode, 200, 'the refresh token survived every failed attempt')
})
