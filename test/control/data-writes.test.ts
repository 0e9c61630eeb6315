/**
 * Users, clients and custom servers written back as they are listed, and written at their own path
 * (PUT /users/{user}, /clients/{id}, /authorization-servers/{id}): the password and the client secret
 * are write-only, `confidential` is derived and ignored on write.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { control } from '../helpers/control.js'
import { driven, eachDriver, failure } from '../helpers/control-client.js'
import { postForm } from '../helpers/oauth-fetch.js'

const serviceToken = (base: string, secret: string) => postForm(base, 'token', { grant_type: 'client_credentials', scope: 'api:read' }, { secret: { id: 'service-app', secret } })
const alicePassword = (base: string, password: string) =>
  postForm(base, 'token', { grant_type: 'password', client_id: 'native-app', username: 'alice@example.com', password, scope: 'openid' })

eachDriver('every listed client writes back unchanged, and keeps its secret', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const before = await c.clients.list()
  t.ok(before.some((client) => client.confidential) && before.some((client) => !client.confidential), 'both kinds listed')
  for (const client of before) {
    t.same(await c.clients.put(client), client, `PUT /clients ${client.id}`)
    t.same(await c.clients.put(client, client.id), client, `PUT /clients/${client.id}`)
  }
  t.same(await c.clients.list(), before, 'the listing is unchanged')
  t.equal((await serviceToken(base, 'service-app-secret')).status, 200, 'the old secret still authenticates')
  t.equal((await serviceToken(base, 'wrong')).status, 401)
})

eachDriver('the client secret: never listed, replaced when given, dropped for a public client', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const service = (await c.clients.list()).find((client) => client.id === 'service-app')!
  const answers = [JSON.stringify(await c.clients.list()), JSON.stringify(await c.clients.put(service))]
  answers.push(JSON.stringify(await c.clients.put({ ...service, secret: 'rotated-secret' }, 'service-app')))
  answers.push(JSON.stringify(await c.clients.list()))
  for (const answer of answers) {
    t.notMatch(answer, /secret"/, 'no secret member')
    t.notMatch(answer, /service-app-secret|rotated-secret|web-app-secret/, 'no secret value')
  }
  t.equal((await serviceToken(base, 'service-app-secret')).status, 401, 'a given secret replaces the old one')
  t.equal((await serviceToken(base, 'rotated-secret')).status, 200)
  await c.clients.put({ id: 'batch', type: 'service', secret: 'batch-secret' })
  const becamePublic = await c.clients.put({ id: 'batch', type: 'native', authMethods: ['none'] })
  t.match(becamePublic, { confidential: false, authMethods: ['none'] }, 'authMethods ["none"] asks for a public client: the secret goes')
  t.match(
    await failure(() => c.clients.put({ id: 'new-web', type: 'web', authMethods: ['client_secret_basic'] })),
    { statusCode: 400, message: /need a "secret"/ },
    'a new client has no secret to keep',
  )
  t.match(await failure(() => c.clients.put({ id: 'other', type: 'service', secret: 's' }, 'service-app')), { statusCode: 400, message: /"other" is not the one in the path/ })
  const atPath = await c.clients.put({ type: 'service', secret: 'path-secret' } as never, 'by-path')
  t.match(atPath, { id: 'by-path', confidential: true }, 'the id may come from the path alone')
})

eachDriver('PUT /users/{user}: replace by login or id, keep the password, or add', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const before = await c.users.list()
  for (const user of before) {
    t.same(await c.users.put(user), user, `PUT /users ${user.login}`)
    t.same(await c.users.put(user, user.id), user, `PUT /users/${user.id}`)
  }
  t.same(await c.users.list(), before, 'listed users write back unchanged')
  t.equal((await alicePassword(base, 'alice-password')).status, 200, 'the password is kept')

  const alice = before.find((u) => u.login === 'alice@example.com')!
  const renamed = await c.users.put({ login: 'alice@example.com', profile: { name: 'Alice A.' }, groups: ['Everyone'] }, 'alice@example.com')
  t.same(renamed, { id: alice.id, login: 'alice@example.com', profile: { name: 'Alice A.' }, groups: ['Everyone'], status: 'ACTIVE' })
  await c.users.put({ login: 'alice@example.com', password: 'new-password' }, alice.id)
  t.equal((await alicePassword(base, 'alice-password')).status, 400, 'a given password replaces the old one')
  t.equal((await alicePassword(base, 'new-password')).status, 200)
  t.notOk(JSON.stringify(await c.users.list()).includes('password'), 'never listed')

  const carol = await c.users.put({ password: 'carol-pw' } as never, 'carol@example.com')
  t.match(carol, { login: 'carol@example.com', id: /^00u/ }, 'an unknown login is added, named by the path')
  t.notOk('password' in carol)
  t.match(
    await failure(() => c.users.put({ login: 'dave@example.com' } as never, 'dave@example.com')),
    { statusCode: 400, message: /password: is required/ },
    'a new user needs a password',
  )
  t.match(await failure(() => c.users.put({ login: 'bob@example.com', password: 'x' }, 'alice@example.com')), { statusCode: 400, message: /not the one in the path/ })
  t.match(await failure(() => c.users.put({ login: 'alice@example.com', id: '00ubob00000000000002', password: 'x' }, 'alice@example.com')), {
    statusCode: 400,
    message: /not the one in the path/,
  })
  t.match(await failure(() => c.users.put({ login: 'zed', password: 'p', colour: 'blue' } as never, 'zed')), { statusCode: 400, message: /colour/ }, 'validated like the file')
})

eachDriver('PUT /authorization-servers/{id}: the id from the path, a mismatch refused', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  t.match(await c.authServers.put({ audience: 'api://payments' } as never, 'payments'), { id: 'payments', audience: 'api://payments' })
  t.equal((await fetch(`${base}/oauth2/payments/.well-known/openid-configuration`)).status, 200)
  t.match(await failure(() => c.authServers.put({ id: 'other' }, 'payments')), { statusCode: 400, message: /not the one in the path/ })
})

t.test('an unknown control path: a JSON 404 that names the OpenAPI document', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [method, path] of [
    ['GET', '/nope'],
    ['PUT', '/users/a/b'],
    ['PUT', '/families/x'],
  ] as const) {
    const res = await control(app, method, path, method === 'PUT' ? {} : undefined)
    t.equal(res.statusCode, 404, `${method} ${path}`)
    t.match(res.headers['content-type'], /^application\/json/)
    t.same(res.json(), { error: 'not_found', message: `no control endpoint ${method} /__mockta${path}; the control API is described at GET /__mockta/openapi.json` })
  }
})

t.test('OpenAPI: the item PUTs and the write forms', async (t) => {
  const { app } = await buildTestApp(t)
  const doc = (await control(app, 'GET', '/openapi.json')).json<{
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> } }>>
    components: { schemas: Record<string, { required?: string[]; properties: Record<string, { writeOnly?: boolean; readOnly?: boolean }> }> }
  }>()
  const bodyRef = (path: string) => doc.paths[`/__mockta${path}`]?.['put']?.requestBody?.content['application/json']?.schema.$ref
  t.equal(bodyRef('/users'), '#/components/schemas/userWrite')
  t.equal(bodyRef('/users/{user}'), '#/components/schemas/userWrite')
  t.equal(bodyRef('/clients'), '#/components/schemas/clientWrite')
  t.equal(bodyRef('/clients/{id}'), '#/components/schemas/clientWrite')
  t.equal(bodyRef('/authorization-servers/{id}'), '#/components/schemas/authorizationServer')
  const { userWrite, clientWrite } = doc.components.schemas
  t.equal(userWrite?.properties['password']?.writeOnly, true)
  t.notOk(userWrite?.required?.includes('password'))
  t.equal(clientWrite?.properties['secret']?.writeOnly, true)
  t.equal(clientWrite?.properties['confidential']?.readOnly, true)
})
