/** Direct minting, ending tokens and families, and a user's families. */
import t from 'tap'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { passwordGrant } from '../helpers/listening-app.js'
import { driven, eachDriver, failure } from '../helpers/control-client.js'
import { introspectOver, refreshOver } from '../helpers/oauth-fetch.js'

const T0 = Date.UTC(2026, 0, 1) / 1000

eachDriver('mint: an Okta token response for a user, with extra claims and lifetimes', async (t, driver) => {
  const { c, base, mockta } = await driven(t, driver)
  const res = await c.mint({
    clientId: 'native-app',
    user: 'alice@example.com',
    scopes: ['openid', 'profile', 'offline_access'],
    claims: { accessToken: { tenant: 'acme', groups: ['Overridden'] }, idToken: { department: 'QA' } },
    accessTokenLifetimeSeconds: 120,
    idTokenLifetimeSeconds: 600,
    refreshTokenLifetimeSeconds: 3600,
    nonce: 'n-1',
  })
  t.strictSame(Object.keys(res), ['token_type', 'expires_in', 'access_token', 'scope', 'refresh_token', 'id_token'], 'Okta member order')
  t.match(res, { token_type: 'Bearer', expires_in: 120, scope: 'openid profile offline_access', refresh_token: /^[A-Za-z0-9_-]{43}$/ })
  const at = decodeJwt(res.access_token)
  t.match(at, {
    iss: mockta.issuer(),
    aud: 'api://default',
    cid: 'native-app',
    uid: '00ualice000000000001',
    sub: 'alice@example.com',
    iat: T0,
    exp: T0 + 120,
    tenant: 'acme',
    groups: ['Overridden'],
  })
  t.match(decodeJwt(res.id_token!), { sub: '00ualice000000000001', aud: 'native-app', exp: T0 + 600, nonce: 'n-1', department: 'QA', name: 'Alice Anderson' })
  t.notOk('tenant' in decodeJwt(res.id_token!), 'access-token claims stay in the access token')
  t.same(Object.keys(decodeProtectedHeader(res.access_token)), ['kid', 'alg'])
  t.equal((await introspectOver(base, res.access_token)).active, true)
  t.equal((await refreshOver(base, res.refresh_token!)).status, 200, 'the minted refresh token works')
  const [family] = await c.families.list('alice@example.com')
  t.match(family, { clientId: 'native-app', authServer: 'default', expiresAt: new Date((T0 + 3600) * 1000).toISOString(), generation: 1, active: true })
})

eachDriver('mint: client-style tokens, the org server, and bad requests', async (t, driver) => {
  const { c } = await driven(t, driver)
  const service = await c.mint({ clientId: 'service-app', scopes: 'api:read' })
  t.match(decodeJwt(service.access_token), { sub: 'service-app', cid: 'service-app', scp: ['api:read'] })
  t.notOk('uid' in decodeJwt(service.access_token))
  t.notOk(service.refresh_token)
  const org = await c.mint({ clientId: 'web-app', user: '00ubob00000000000002', scopes: 'openid', authServer: 'org' })
  t.match(decodeJwt(org.id_token!), { sub: '00ubob00000000000002' })
  t.match(await failure(() => c.mint({ clientId: 'nope', scopes: 'openid' })), { statusCode: 404, message: /no client nope/ })
  t.match(await failure(() => c.mint({ clientId: 'web-app', user: 'carol', scopes: 'openid' })), { statusCode: 404, message: /no user carol/ })
  t.match(await failure(() => c.mint({ clientId: 'web-app', scopes: 'openid', authServer: 'missing' })), { statusCode: 404 })
  t.match(await failure(() => c.mint({ clientId: 'web-app', scopes: 'rocket:launch' })), { statusCode: 400, message: /scopes/ })
  t.match(await failure(() => c.mint({ clientId: 'web-app' } as never)), { statusCode: 400, message: /scopes is required/ })
  t.match(await failure(() => c.mint({ clientId: 'web-app', scopes: 'openid', accessTokenLifetimeSeconds: 0 })), { statusCode: 400 })
})

eachDriver('revoke and expire a token, or a whole family', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const a = await passwordGrant(base)
  t.match(await c.tokens.revoke({ token: a.access_token }), { kind: 'access_token', familyId: /^oar/ })
  t.same(await introspectOver(base, a.access_token), { active: false })
  t.equal((await refreshOver(base, a.refresh_token)).status, 200, 'revoking an access token leaves its family alone')

  const b = await passwordGrant(base)
  t.match(await c.tokens.expire({ token: b.refresh_token }), { kind: 'refresh_token', familyId: /^oar/ })
  t.match(await refreshOver(base, b.refresh_token), { status: 400, body: { error: 'invalid_grant' } })
  t.equal((await introspectOver(base, b.access_token)).active, true, 'expiring refresh tokens keeps issued access tokens')

  const d = await passwordGrant(base)
  const families = await c.families.list('00ualice000000000001')
  const familyD = families.find((f) => f.active && f.generation === 0)!
  t.ok(familyD)
  t.match(await c.families.revoke(familyD.id), { id: familyD.id, active: false, revokedAt: '2026-01-01T00:00:00.000Z' })
  t.same(await introspectOver(base, d.access_token), { active: false }, 'its access tokens go too')
  t.equal((await refreshOver(base, d.refresh_token)).status, 400)

  const e = await passwordGrant(base)
  const live = (await c.families.list('alice@example.com')).filter((f) => f.active)
  t.equal(live.length, 2, 'the first family (refreshed once) and the last')
  const eFamily = live.find((f) => f.generation === 0)!
  t.match(await c.families.expire(eFamily.id), { active: false, revokedAt: null })
  t.equal((await refreshOver(base, e.refresh_token)).status, 400)

  t.match(await failure(() => c.tokens.revoke({ token: 'not-a-token' })), { statusCode: 404 })
  t.match(await failure(() => c.tokens.revoke({ token: a.id_token })), { statusCode: 400, message: /ID token/ })
  t.match(await failure(() => c.tokens.expire({} as never)), { statusCode: 400, message: /token is required/ })
  t.match(await failure(() => c.families.revoke('oarnope')), { statusCode: 404 })
  t.match(await failure(() => c.families.list('nobody@example.com')), { statusCode: 404 })
  t.same(await c.families.list('bob@example.com'), [])
})

t.test('minted tokens are not in the logs', async (t) => {
  const { buildTestApp } = await import('../helpers/app.js')
  const { control } = await import('../helpers/control.js')
  const { app, logs } = await buildTestApp(t)
  const res = await control(app, 'POST', '/tokens', { clientId: 'native-app', user: 'alice@example.com', scopes: 'openid offline_access' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-cache, no-store', 'minted tokens are not cached')
  const body = res.json<Record<string, string>>()
  for (const token of [body['access_token'], body['refresh_token'], body['id_token']]) t.notOk(logs().includes(token as string))
  t.match(logs(), '"path":"/__mockta/tokens"')
})
