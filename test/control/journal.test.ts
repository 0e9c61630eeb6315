/** The journal: what every OAuth request asked and got, secrets only as fingerprints, bounded, queryable. */
import { createHash } from 'node:crypto'
import t from 'tap'
import { authorizeParams, pkcePair } from '../helpers/authorize.js'
import { passwordGrant } from '../helpers/listening-app.js'
import { driven, eachDriver, failure } from '../helpers/control-client.js'
import { clientCredentialsOver, introspectOver, postForm, refreshOver } from '../helpers/oauth-fetch.js'

const fp = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8)

eachDriver('entries describe each request; tokens and secrets appear only as fingerprints', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const tokens = await passwordGrant(base)
  const refreshed = await refreshOver(base, tokens.refresh_token)
  await introspectOver(base, tokens.access_token)
  await clientCredentialsOver(base)
  await postForm(base, 'token', { grant_type: 'refresh_token', client_id: 'native-app', refresh_token: 'x'.repeat(43) })
  const entries = await c.journal.list()
  t.equal(entries.length, 5)
  const [signIn, refresh, introspect, service, bad] = entries
  t.match(signIn, {
    seq: 1,
    endpoint: 'token',
    authServer: 'default',
    grantType: 'password',
    clientId: 'native-app',
    authMethod: 'none',
    username: 'alice@example.com',
    scopesRequested: ['openid', 'profile', 'email', 'offline_access'],
    scopesGranted: ['openid', 'profile', 'email', 'offline_access'],
    status: 200,
    time: '2026-01-01T00:00:00.000Z',
    method: 'POST',
    path: '/oauth2/default/v1/token',
    familyId: /^oar/,
  })
  t.match(refresh, { grantType: 'refresh_token', familyId: signIn!.familyId, tokenFingerprint: fp(tokens.refresh_token), status: 200 })
  t.match(introspect, { endpoint: 'introspect', clientId: 'web-app', authMethod: 'client_secret_basic', active: true, tokenFingerprint: fp(tokens.access_token) })
  t.match(service, { grantType: 'client_credentials', clientId: 'service-app', scopesGranted: ['api:read'] })
  t.match(bad, { status: 400, error: 'invalid_grant', grantType: 'refresh_token' })
  t.ok(entries.every((e) => typeof e.durationMs === 'number'))
  const text = JSON.stringify(entries)
  for (const secret of [
    tokens.access_token,
    tokens.refresh_token,
    tokens.id_token,
    refreshed.body['refresh_token'] as string,
    'alice-password',
    'web-app-secret',
    'service-app-secret',
  ]) {
    t.notOk(text.includes(secret), 'no secret or token in the journal')
  }
})

eachDriver('the sign-in endpoints are journaled too: authorize, userinfo', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const page = await fetch(`${base}/oauth2/default/v1/authorize?${new URLSearchParams(authorizeParams(pkcePair().challenge))}`, { redirect: 'manual' })
  t.equal(page.status, 200, 'the sign-in page')
  const tokens = await passwordGrant(base)
  const userinfo = await fetch(`${base}/oauth2/default/v1/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
  t.equal(userinfo.status, 200)
  const [authorize, , info] = await c.journal.list()
  t.match(authorize, {
    endpoint: 'authorize',
    method: 'GET',
    clientId: 'spa-app',
    authMethod: 'none',
    scopesRequested: ['openid', 'profile', 'email', 'offline_access'],
    status: 200,
  })
  t.match(info, { endpoint: 'userinfo', status: 200, tokenFingerprint: fp(tokens.access_token) })
  t.notOk(JSON.stringify(await c.journal.list()).includes(tokens.access_token))
})

eachDriver('query by since, after, endpoint, client, grant type and limit; clear', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  await clientCredentialsOver(base)
  await c.clock.advance({ seconds: 60 })
  await passwordGrant(base)
  await introspectOver(base, 'nothing')
  t.equal((await c.journal.list({ since: '2026-01-01T00:01:00Z' })).length, 2)
  t.equal((await c.journal.list({ since: Date.UTC(2026, 0, 1, 0, 1) })).length, 2, 'epoch ms')
  t.same(
    (await c.journal.list({ after: 2 })).map((e) => e.seq),
    [3],
  )
  t.same(
    (await c.journal.list({ endpoint: 'introspect' })).map((e) => e.seq),
    [3],
  )
  t.same(
    (await c.journal.list({ clientId: 'service-app' })).map((e) => e.seq),
    [1],
  )
  t.same(
    (await c.journal.list({ grantType: 'password' })).map((e) => e.seq),
    [2],
  )
  t.same(
    (await c.journal.list({ limit: 1 })).map((e) => e.seq),
    [3],
    'the most recent',
  )
  t.match(await failure(() => c.journal.list({ since: 'yesterday' })), { statusCode: 400, message: /since/ })
  t.match(await failure(() => c.journal.list({ endpoint: 'nowhere' } as never)), { statusCode: 400, message: /endpoint/ })
  await c.journal.clear()
  t.same(await c.journal.list(), [])
})

eachDriver('bounded: the oldest entries go first', async (t, driver) => {
  const { c, base } = await driven(t, driver, { journalSize: 3 })
  for (let i = 0; i < 5; i++) await fetch(`${base}/oauth2/default/v1/keys`)
  t.same(
    (await c.journal.list()).map((e) => e.seq),
    [3, 4, 5],
  )
  t.match((await c.journal.list())[0], { endpoint: 'keys', method: 'GET', status: 200 })
})

t.test('control requests are not journaled', async (t) => {
  const { c } = await driven(t, 'http')
  await c.clock.now()
  t.same(await c.journal.list(), [])
})
