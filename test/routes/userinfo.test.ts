/** /v1/userinfo: claims by granted scope; Okta's header-only errors in WWW-Authenticate (docs/okta-behaviour.md § 10). */
import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { ALICE, buildTestApp, DEFAULT_AS, FORM, post, signIn } from '../helpers/app.js'
import { oktaWire } from '../helpers/okta-catalogue.js'
import type { Asserts } from '../helpers/oauth-assert.js'

const ISSUER = 'http://mockta.test/oauth2/default'

function assertChallenge(t: Asserts, res: LightMyRequestResponse, code: string): void {
  const { status, body } = oktaWire(code)
  t.equal(res.statusCode, status, `${code}: status`)
  t.equal(res.body, '', `${code}: empty body`)
  t.equal(
    res.headers['www-authenticate'],
    `Bearer authorization_uri="${ISSUER}/v1/authorize", realm="${ISSUER}", scope="openid", error="${body.error}", error_description="${body.error_description}"`,
    `${code}: challenge`,
  )
}

t.test('claims follow the granted scopes; GET and POST; sub is the user id', async (t) => {
  const { app } = await buildTestApp(t)
  const all = await signIn(app, { scope: 'openid profile email' })
  const res = await app.inject({ method: 'GET', url: `${DEFAULT_AS}/userinfo`, headers: { authorization: `Bearer ${all.access_token}` } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-cache, no-store')
  t.match(res.json(), { sub: ALICE.id, name: 'Alice Anderson', given_name: 'Alice', email: ALICE.username, email_verified: true, preferred_username: ALICE.username })
  const openidOnly = await signIn(app, { scope: 'openid' })
  const minimal = await app.inject({ method: 'POST', url: `${DEFAULT_AS}/userinfo`, headers: { authorization: `bearer ${openidOnly.access_token}` } })
  t.strictSame(minimal.json(), { sub: ALICE.id })
  const body = await app.inject({ method: 'POST', url: `${DEFAULT_AS}/userinfo`, headers: FORM, payload: `access_token=${all.access_token}` })
  t.equal(body.json().email, ALICE.username, 'RFC 6750 §2.2: the token in a form body')
  const org = await signIn(app, { scope: 'openid email', server: '' })
  const orgRes = await app.inject({ method: 'GET', url: '/oauth2/v1/userinfo', headers: { authorization: `Bearer ${org.access_token}` } })
  t.strictSame(orgRes.json(), { sub: ALICE.id, email: ALICE.username, email_verified: true })
})

t.test('every userinfo error, header-only', async (t) => {
  const { app } = await buildTestApp(t)
  const good = await signIn(app, { scope: 'openid profile offline_access' })
  const noOpenid = await signIn(app, { scope: 'profile' })
  const get = (headers: Record<string, string>, query = '') => app.inject({ method: 'GET', url: `${DEFAULT_AS}/userinfo${query}`, headers })
  assertChallenge(t, await get({}), 'access_token_missing')
  assertChallenge(t, await get({ authorization: 'Bearer not-a-token' }), 'access_token_invalid')
  assertChallenge(t, await get({ authorization: `Basic ${good.access_token}` }), 'access_token_invalid')
  assertChallenge(t, await get({ authorization: `Bearer ${good.refresh_token}` }), 'access_token_invalid')
  assertChallenge(t, await get({ authorization: `Bearer ${good.id_token}` }), 'access_token_invalid')
  assertChallenge(t, await get({}, `?access_token=${good.access_token}`), 'access_token_in_query')
  assertChallenge(t, await get({ authorization: `Bearer ${noOpenid.access_token}` }), 'access_token_insufficient_scopes')
  const both = await app.inject({
    method: 'POST',
    url: `${DEFAULT_AS}/userinfo`,
    headers: { ...FORM, authorization: `Bearer ${good.access_token}` },
    payload: `access_token=${good.access_token}`,
  })
  assertChallenge(t, both, 'access_token_duplicate')
  const orgToken = await signIn(app, { scope: 'openid', server: '' })
  assertChallenge(t, await get({ authorization: `Bearer ${orgToken.access_token}` }), 'access_token_invalid')
  await post(app, 'revoke', { client_id: 'native-app', token: good.refresh_token })
  assertChallenge(t, await get({ authorization: `Bearer ${good.access_token}` }), 'access_token_invalid')
})

t.test('an expired access token is invalid', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const { access_token } = await signIn(app, { scope: 'openid' })
  clock.advance(3600)
  assertChallenge(t, await app.inject({ method: 'GET', url: `${DEFAULT_AS}/userinfo`, headers: { authorization: `Bearer ${access_token}` } }), 'access_token_invalid')
})
