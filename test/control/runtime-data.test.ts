import { decodeJwt } from 'jose'
import { passwordGrant } from '../helpers/listening-app.js'
import { driven, eachDriver, failure } from '../helpers/control-client.js'
import { clientCredentialsOver, postForm } from '../helpers/oauth-fetch.js'

const carolGrant = (base: string, scope = 'openid profile') =>
  postForm(base, 'token', { grant_type: 'password', client_id: 'native-app', username: 'carol@example.com', password: 'carol-pw', scope })

eachDriver('users: add, change claims, remove', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  t.equal((await carolGrant(base)).status, 400, 'unknown before')
  const carol = await c.users.put({ login: 'carol@example.com', password: 'carol-pw', profile: { name: 'Carol' }, groups: ['Everyone', 'QA'] })
  t.match(carol, { id: /^00u/, login: 'carol@example.com', groups: ['Everyone', 'QA'] })
  t.notOk('password' in carol, 'passwords are never shown')
  const first = await carolGrant(base)
  t.equal(first.status, 200)
  t.match(decodeJwt(first.body['id_token'] as string), { name: 'Carol' })
  t.match(decodeJwt(first.body['access_token'] as string), { groups: ['Everyone', 'QA'] })
  await c.users.put({ login: 'Carol@Example.com', password: 'carol-pw', profile: { name: 'Carol C.' }, groups: ['Admins'] })
  const changed = await carolGrant(base)
  t.match(decodeJwt(changed.body['id_token'] as string), { name: 'Carol C.', sub: carol.id })
  t.match(decodeJwt(changed.body['access_token'] as string), { groups: ['Admins'] })
  t.equal((await c.users.list()).filter((u) => u.login.toLowerCase() === 'carol@example.com').length, 1, 'replaced, not added')
  await c.users.remove('carol@example.com')
  t.equal((await carolGrant(base)).status, 400)
  t.match(await failure(() => c.users.remove('carol@example.com')), { statusCode: 404 })
  t.match(await failure(() => c.users.put({ login: 'x' } as never)), { statusCode: 400, message: /password: is required/ })
  t.match(await failure(() => c.users.put({ login: 'dave', password: 'p', id: '00ualice000000000001' })), { statusCode: 409, message: /alice@example.com/ })
})

eachDriver('clients: add, replace, remove; secrets never shown', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const added = await c.clients.put({ id: 'batch-job', type: 'service', secret: 'batch-secret', scopes: ['api:write'] })
  t.match(added, { id: 'batch-job', confidential: true, grantTypes: ['client_credentials'] })
  t.notOk('secret' in added)
  t.notOk(JSON.stringify(await c.clients.list()).includes('secret"'), 'no client secret in the listing')
  const got = await postForm(base, 'token', { grant_type: 'client_credentials', scope: 'api:write' }, { secret: { id: 'batch-job', secret: 'batch-secret' } })
  t.equal(got.status, 200)
  await c.clients.put({ id: 'batch-job', type: 'service', secret: 'rotated-secret', scopes: ['api:write'] })
  t.equal(
    (await postForm(base, 'token', { grant_type: 'client_credentials', scope: 'api:write' }, { secret: { id: 'batch-job', secret: 'batch-secret' } })).status,
    401,
    'old secret refused',
  )
  await c.clients.remove('batch-job')
  t.equal((await postForm(base, 'token', { grant_type: 'client_credentials', scope: 'api:write' }, { secret: { id: 'batch-job', secret: 'rotated-secret' } })).status, 401)
  t.match(await failure(() => c.clients.put({ id: 'x', type: 'web', authMethods: ['client_secret_basic'] })), { statusCode: 400, message: /need a "secret"/ })
  t.match(await failure(() => c.clients.put({ id: 'x', type: 'robot' } as never)), { statusCode: 400, message: /type/ })
})

eachDriver('authorization servers: add one and use it at once, then remove it', async (t, driver) => {
  const { c, base, mockta } = await driven(t, driver)
  t.equal((await fetch(`${base}/oauth2/payments/.well-known/openid-configuration`)).status, 404)
  await c.authServers.put({
    id: 'payments',
    audience: 'api://payments',
    scopes: ['openid', 'payments:read'],
    claims: [{ name: 'team', value: 'pay', tokens: ['access_token'], scopes: [] }],
    accessTokenLifetimeSeconds: 300,
  })
  const doc = await (await fetch(`${base}/oauth2/payments/.well-known/openid-configuration`)).json()
  t.match(doc, { issuer: `${base}/oauth2/payments` })
  t.equal(mockta.issuer('payments'), `${base}/oauth2/payments`)
  const token = await clientCredentialsOver(base, { server: 'payments' })
  t.equal(token.status, 400, 'service-app may not have payments:read')
  await c.clients.put({ id: 'payer', type: 'service', secret: 'payer-secret' })
  const paid = await postForm(base, 'token', { grant_type: 'client_credentials', scope: 'payments:read' }, { server: 'payments', secret: { id: 'payer', secret: 'payer-secret' } })
  t.match(decodeJwt(paid.body['access_token'] as string), { iss: `${base}/oauth2/payments`, aud: 'api://payments', team: 'pay' })
  t.equal(paid.body['expires_in'], 300)
  await c.authServers.remove('payments')
  t.equal((await fetch(`${base}/oauth2/payments/.well-known/openid-configuration`)).status, 404)
  t.match(await failure(() => c.authServers.put({ id: 'v1' })), { statusCode: 400 })
  t.match(await failure(() => c.authServers.put({ id: 'org' })), { statusCode: 400, message: /org server/ })
  t.match(await failure(() => c.authServers.put({ id: 'k', signingKeys: ['nope'] })), { statusCode: 400, message: /unknown kid/ })
  t.match(await failure(() => c.authServers.put({ id: 'k', claims: [{ name: 'x', tokens: ['access_token'], scopes: [] }] })), { statusCode: 400, message: /exactly one of/ })
})

eachDriver('reset returns everything to the loaded configuration', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const tokens = await passwordGrant(base)
  await c.clock.advance({ seconds: 100 })
  await c.faults.add({ match: { endpoint: 'introspect' }, action: { type: 'drop' } })
  await c.users.put({ login: 'carol@example.com', password: 'carol-pw' })
  await c.clients.put({ id: 'batch-job', type: 'service', secret: 's' })
  await c.authServers.put({ id: 'payments' })
  await c.keys.publishNext('default')
  await c.keys.promote('default')
  await c.reset()
  t.match(await c.clock.now(), { nowMs: Date.UTC(2026, 0, 1) })
  t.same(await c.faults.list(), [])
  t.same(await c.journal.list(), [])
  t.notOk((await c.users.list()).some((u) => u.login === 'carol@example.com'))
  t.notOk((await c.clients.list()).some((x) => x.id === 'batch-job'))
  t.same(
    (await c.authServers.list()).map((a) => a.id),
    ['default'],
  )
  t.match(await c.keys.get('default'), { active: 'D55-H2FI5fjEAFcjDz5j96bLp-8OF5Ms1R7N6IrWI8I', next: null, published: ['D55-H2FI5fjEAFcjDz5j96bLp-8OF5Ms1R7N6IrWI8I'] })
  t.same(await c.families.list('alice@example.com'), [], 'the store is empty')
  t.match(await postForm(base, 'token', { grant_type: 'refresh_token', client_id: 'native-app', refresh_token: tokens.refresh_token }), { status: 400 })
  t.equal((await passwordGrant(base)).scope, 'openid profile email offline_access', 'and it serves as before')
})

eachDriver('a browser client added at runtime gets CORS at /token from its redirect origin', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const preflight = () => fetch(`${base}/oauth2/default/v1/token`, { method: 'OPTIONS', headers: { origin: 'http://localhost:4200', 'access-control-request-method': 'POST' } })
  t.equal((await preflight()).headers.get('access-control-allow-origin'), null, 'unknown origin before')
  await c.clients.put({ id: 'angular-app', type: 'browser', redirectUris: ['http://localhost:4200/callback'], grantTypes: ['authorization_code', 'refresh_token'] })
  t.equal((await preflight()).headers.get('access-control-allow-origin'), 'http://localhost:4200')
  await c.reset()
  t.equal((await preflight()).headers.get('access-control-allow-origin'), null, 'gone after reset')
})
