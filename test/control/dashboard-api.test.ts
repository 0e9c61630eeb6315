/**
 * The control endpoints the dashboard uses (docs/dashboard.md): browser sessions, "expire every access
 * token" (of everyone, a client or a user) with refresh tokens kept, token inspection without client
 * authentication, journal events with System Log names, issuers, and fault rules that end after seconds.
 */
import t from 'tap'
import { buildTestApp, introspect, refresh, signIn, ALICE, BOB } from '../helpers/app.js'
import { authorizeParams, codeThroughForm, pkcePair } from '../helpers/authorize.js'
import { control } from '../helpers/control.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import { restoreMemoryStore, snapshotMemoryStore } from '../../src/store/memory-snapshot.js'

t.test('browser sessions: listed per user by a hash prefix, ended one by one or all at once', async (t) => {
  const { app } = await buildTestApp(t)
  const { challenge } = pkcePair()
  const first = await codeThroughForm(app, authorizeParams(challenge))
  await codeThroughForm(app, authorizeParams(challenge))
  const listed = (await control(app, 'GET', `/users/${ALICE.username}/sessions`)).json() as Array<{ id: string; userId: string; expiresAt: string }>
  t.equal(listed.length, 2, 'two browsers signed in')
  t.match(listed[0], { id: /^[\w-]{16}$/, userId: ALICE.id })
  t.notOk(JSON.stringify(listed).includes(first.cookies.header()['cookie']!.split('mockta_sid=')[1]!.split(';')[0]!), 'the cookie value is not shown')
  t.same((await control(app, 'GET', '/users/bob@example.com/sessions')).json(), [])
  const one = await control(app, 'DELETE', `/users/${ALICE.username}/sessions/${listed[0]!.id}`)
  t.equal(one.statusCode, 200)
  t.equal((one.json() as unknown[]).length, 1)
  t.equal(((await control(app, 'GET', `/users/${ALICE.id}/sessions`)).json() as unknown[]).length, 1, 'by id too')
  // The ended browser is asked to sign in again: its cookie no longer names a session.
  const again = await app.inject({
    method: 'GET',
    url: `/oauth2/default/v1/authorize?${new URLSearchParams(authorizeParams(challenge, { prompt: 'none' }))}`,
    headers: first.cookies.header(),
  })
  t.match(again.headers['location'], /error=login_required/, 'prompt=none now needs a sign-in')
  t.equal((await control(app, 'DELETE', `/users/${ALICE.username}/sessions/${listed[0]!.id}`)).statusCode, 404)
  t.equal(((await control(app, 'DELETE', `/users/${ALICE.username}/sessions`)).json() as unknown[]).length, 1)
  t.same((await control(app, 'GET', `/users/${ALICE.username}/sessions`)).json(), [])
  t.equal((await control(app, 'GET', '/users/nobody/sessions')).statusCode, 404)
})

t.test('expire access tokens of a user, a client or everyone: refresh tokens keep working', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const alice = await signIn(app)
  const bob = await signIn(app, { user: BOB })
  const web = await signIn(app, { client: 'web-app' })
  // Introspection answers only the token's own client; /userinfo answers any holder.
  const live = async (token: string) => (await app.inject({ method: 'GET', url: '/oauth2/default/v1/userinfo', headers: { authorization: `Bearer ${token}` } })).statusCode === 200
  const before = clock.nowMs()
  const byUser = await control(app, 'POST', '/access-tokens/expire', { user: ALICE.username })
  t.equal(byUser.statusCode, 200)
  t.match(byUser.json(), { scope: `user:${ALICE.id}`, endedBefore: new Date((Math.floor(before / 1000) + 1) * 1000).toISOString() })
  t.ok(clock.nowMs() >= Math.floor(before / 1000) * 1000 + 1000, 'the clock moved to the next whole second')
  t.equal((await introspect(app, alice.access_token)).active, false, "alice's access token is ended")
  t.equal(await live(web.access_token), false, 'with every client')
  t.equal((await introspect(app, bob.access_token)).active, true, "bob's is not")
  const renewed = await refresh(app, alice.refresh_token)
  t.equal(renewed.statusCode, 200, 'the refresh token still works')
  t.equal((await introspect(app, renewed.json().access_token)).active, true, 'and its new access token is live')
  const userinfo = await app.inject({ method: 'GET', url: '/oauth2/default/v1/userinfo', headers: { authorization: `Bearer ${alice.access_token}` } })
  t.equal(userinfo.statusCode, 401, '/userinfo refuses the ended token')

  t.match((await control(app, 'POST', '/access-tokens/expire', { clientId: 'native-app' })).json(), { scope: 'client:native-app' })
  t.equal((await introspect(app, bob.access_token)).active, false, "bob's native-app token is ended by the client's expiry")
  const web2 = await signIn(app, { client: 'web-app' })
  t.equal(await live(web2.access_token), true, "web-app's token is not")
  t.match((await control(app, 'POST', '/access-tokens/expire', {})).json(), { scope: '*' })
  t.equal(await live(web2.access_token), false, 'everyone')
  const after = await signIn(app)
  t.equal((await introspect(app, after.access_token)).active, true, 'tokens issued afterwards are live')

  t.equal((await control(app, 'POST', '/access-tokens/expire', { clientId: 'nope' })).statusCode, 404)
  t.equal((await control(app, 'POST', '/access-tokens/expire', { user: 'nobody' })).statusCode, 404)
  t.equal((await control(app, 'POST', '/access-tokens/expire', { user: ALICE.username, clientId: 'web-app' })).statusCode, 400)
  t.equal((await control(app, 'POST', '/access-tokens/expire', { everyone: true })).statusCode, 400)
  t.equal((await control(app, 'POST', '/reset')).statusCode, 204)
})

t.test('inspect: header, claims, signing key and status by mockta clock, no client authentication', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const tokens = await signIn(app)
  const inspect = async (token: string) => (await control(app, 'POST', '/tokens/inspect', { token })).json() as Record<string, unknown>
  const at = await inspect(tokens.access_token)
  t.match(at, {
    kind: 'access_token',
    authServer: 'default',
    signatureValid: true,
    status: 'active',
    header: { alg: 'RS256', kid: String },
    claims: { cid: 'native-app', uid: ALICE.id },
    familyId: /^oar/,
  })
  t.ok((at['secondsLeft'] as number) > 0)
  t.match(await inspect(tokens.id_token!), { kind: 'id_token', status: 'active' })
  const rt = await inspect(tokens.refresh_token)
  t.match(rt, {
    kind: 'refresh_token',
    status: 'active',
    position: 'current',
    fingerprint: /^[0-9a-f]{8}$/,
    family: { clientId: 'native-app', generation: 0, graceSeconds: Number },
  })
  t.notOk(JSON.stringify(rt).includes(tokens.refresh_token), 'the refresh token is not echoed')
  await control(app, 'POST', '/tokens/revoke', { token: tokens.access_token })
  t.match(await inspect(tokens.access_token), { status: 'revoked', signatureValid: true })
  const rotated = await refresh(app, tokens.refresh_token)
  t.equal(rotated.statusCode, 200)
  const inGrace = await inspect(tokens.refresh_token)
  t.match(inGrace, { status: 'active', position: 'previous', family: { generation: 1, graceUntil: String } }, 'in grace')
  clock.advance(((inGrace['family'] as { graceSeconds: number }).graceSeconds + 1) * 1000)
  t.match(await inspect(tokens.refresh_token), { status: 'revoked', position: 'previous', family: { graceUntil: null, active: true } }, 'rotated away, past its grace')
  clock.advance(3600_000)
  t.match(await inspect(tokens.access_token), { status: 'expired', signatureValid: true, kid: at['kid'] })
  const [h, p] = tokens.access_token.split('.')
  t.match(await inspect(`${h}.${p}.AAAA`), { status: 'bad_signature', signatureValid: false })
  t.match(await inspect('eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2Vsc2V3aGVyZSJ9.x'), { kind: 'jwt', status: 'unknown', authServer: undefined })
  t.match(await inspect('0'.repeat(43)), { kind: 'refresh_token', status: 'unknown' })
  const bad = await control(app, 'POST', '/tokens/inspect', { token: 'garbage-value' })
  t.equal(bad.statusCode, 400)
  t.notOk(bad.body.includes('garbage-value'), 'the input is not echoed')
})

t.test('journal events: newest first with Okta System Log event types; issuers', async (t) => {
  const { app } = await buildTestApp(t)
  await signIn(app)
  await app.inject({
    method: 'POST',
    url: '/oauth2/v1/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'grant_type=password&client_id=native-app&username=x&password=y&scope=openid',
  })
  await app.inject({ method: 'GET', url: '/oauth2/default/v1/keys' })
  const events = (await control(app, 'GET', '/journal/events')).json() as Array<{ seq: number; endpoint: string; eventType?: string; status: number }>
  t.same(
    events.map((e) => e.seq),
    [3, 2, 1],
    'newest first',
  )
  t.same(
    events.map((e) => e.eventType),
    [undefined, 'app.oauth2.token.grant', 'app.oauth2.as.token.grant.access_token'],
  )
  t.same(((await control(app, 'GET', '/journal/events?after=2')).json() as unknown[]).length, 1)
  const issuers = (await control(app, 'GET', '/issuers')).json() as Array<{ authServer: string; issuer: string; discovery: string; scopes: string[] }>
  t.match(issuers[0], { authServer: 'org', issuer: 'http://mockta.test', discovery: 'http://mockta.test/.well-known/openid-configuration' })
  t.match(
    issuers.find((i) => i.authServer === 'default'),
    { issuer: 'http://mockta.test/oauth2/default', scopes: Array },
  )
})

t.test('a fault rule with seconds ends by mockta clock', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const rule = (
    await control(app, 'POST', '/faults', { match: { endpoint: 'token' }, action: { type: 'error', status: 503, error: 'temporarily_unavailable' }, seconds: 30 })
  ).json() as { id: string; endsAt: string }
  t.equal(rule.endsAt, new Date(clock.nowMs() + 30_000).toISOString())
  const grant = () =>
    app.inject({
      method: 'POST',
      url: '/oauth2/default/v1/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=password&client_id=native-app&username=${ALICE.username}&password=${ALICE.password}&scope=openid`,
    })
  t.equal((await grant()).statusCode, 503)
  t.equal((await grant()).statusCode, 503, 'for every request meanwhile')
  clock.advance(30_000)
  t.equal((await grant()).statusCode, 200, 'over after 30 s')
  t.same((await control(app, 'GET', '/faults')).json(), [], 'and gone from the list')
  t.equal((await control(app, 'POST', '/faults', { action: { type: 'drop' }, seconds: 0 })).statusCode, 400)
})

t.test('access-token cut-offs survive a restart from the state file', async (t) => {
  const store = new MemoryStore(10)
  await store.endAccessTokens('client:web-app', 1234)
  const snapshot = JSON.parse(JSON.stringify(snapshotMemoryStore(store)))
  t.same(snapshot.accessTokenCutoffs, [{ scope: 'client:web-app', atSeconds: 1234 }])
  const restored = new MemoryStore(10)
  restoreMemoryStore(restored, snapshot)
  t.equal(await restored.accessTokensEndedAt(['*', 'client:web-app']), 1234)
})
