/**
 * The IDX API (docs/identity-engine.md): introspect showing the transaction's current state, identify
 * with the password on one form or identifier first, the password challenge, cancel, the policies
 * (lock-out, user status, expiry on mockta's clock), and bad input answered with an IDX body,
 * never a 5xx and never repeating what was sent.
 */
import t from 'tap'
import { ALICE, BOB, buildTestApp } from '../helpers/app.js'
import { idxCall, identifyWithPassword, interactionCodeOf, ION, messageKeys, racingIdentifies, startInteraction } from '../helpers/idx.js'

type Body = Record<string, any>
const remediationNames = (body: Body): string[] => (body['remediation']?.value ?? []).map((r: Body) => r['name'])

const oneStep = () => ({ change: () => {} })
const identifierFirst = () => ({ change: (c: { identityEngine: { identifierFirst: boolean } }) => void (c.identityEngine.identifierFirst = true) })

t.test('introspect: the current state, by interaction handle or stateHandle, in ion+json with absolute hrefs', async (t) => {
  const { app, ctx } = await buildTestApp(t, oneStep())
  const { handle, stateHandle, body } = await startInteraction(app)
  t.match(stateHandle, /^02[A-Za-z0-9_-]{40}$/)
  t.strictSame(remediationNames(body), ['identify', 'select-enroll-profile'], 'spa-app offers sign-up (docs/identity-engine.md, "Registration")')
  const identify = (body as Body)['remediation'].value[0] as Body
  t.match(identify, { rel: ['create-form'], name: 'identify', href: `${ctx.config.baseUrl}/idp/idx/identify`, method: 'POST', accepts: 'application/json; okta-version=1.0.0' })
  t.strictSame(
    (identify['value'] as Body[]).map((f: Body) => f['name']),
    ['identifier', 'credentials', 'rememberMe', 'stateHandle'],
  )
  t.match(body, { version: '1.0.0', intent: 'LOGIN', cancel: { name: 'cancel', href: `${ctx.config.baseUrl}/idp/idx/cancel` }, app: { value: { id: 'spa-app' } } })

  const byHandle = await idxCall(app, 'introspect', { interactionHandle: handle })
  t.equal(byHandle.headers['content-type'], ION)
  t.equal(byHandle.headers['cache-control'], 'no-cache, no-store')
  const byState = await idxCall(app, 'introspect', { stateToken: stateHandle }, 'application/json')
  t.strictSame(byState.json(), byHandle.json(), 'stateToken (as okta-auth-js sends it) and plain JSON: the same answer')
  t.strictSame((await idxCall(app, 'introspect', { stateHandle })).json(), byHandle.json())

  // A failed step leaves no message behind; success is shown again, with the same code, until redeemed.
  await identifyWithPassword(app, stateHandle, 'wrong')
  t.strictSame((await idxCall(app, 'introspect', { interactionHandle: handle })).json(), byHandle.json(), 'no stale error message')
  const success = (await identifyWithPassword(app, stateHandle)).json() as Body
  const again = (await idxCall(app, 'introspect', { interactionHandle: handle })).json() as Body
  t.equal(interactionCodeOf(again), interactionCodeOf(success))
  t.notOk(again['remediation'], 'success has no remediation')
  t.match(again['successWithInteractionCode'], { name: 'issue', href: `${ctx.config.baseUrl}/oauth2/default/v1/token`, accepts: 'application/x-www-form-urlencoded' })
  t.match(again['user'], { value: { id: ALICE.id, identifier: ALICE.username } })
})

t.test('one-step form: a wrong password and an unknown user get the same 401 answer', async (t) => {
  const { app } = await buildTestApp(t, oneStep())
  const { stateHandle } = await startInteraction(app)
  const wrong = await identifyWithPassword(app, stateHandle, 'not-alice-password')
  const unknown = await identifyWithPassword(app, stateHandle, 'whatever', 'nobody@example.com')
  t.equal(wrong.statusCode, 401)
  t.strictSame(messageKeys(wrong), ['errors.E0000004'])
  t.match((wrong.json() as Body)['messages'].value[0], { message: 'Authentication failed', class: 'ERROR' })
  t.strictSame(unknown.json(), wrong.json(), 'byte for byte the same body')
  t.notMatch(wrong.body, 'not-alice-password', 'the password is not repeated')
  t.strictSame(remediationNames(wrong.json() as Body), ['identify', 'select-enroll-profile'], 'the form stays usable')
  t.equal((await identifyWithPassword(app, stateHandle)).statusCode, 200)
})

t.test('identifier first: identify, then the password challenge; unknown users are challenged alike', async (t) => {
  const { app } = await buildTestApp(t, identifierFirst())
  const { stateHandle, body } = await startInteraction(app)
  t.strictSame(
    (body as Body)['remediation'].value[0].value.map((f: Body) => f['name']),
    ['identifier', 'rememberMe', 'stateHandle'],
    'no password field',
  )

  const other = await startInteraction(app)
  const known = await idxCall(app, 'identify', { identifier: ALICE.username, stateHandle })
  const unknown = await idxCall(app, 'identify', { identifier: 'nobody@example.com', stateHandle: other.stateHandle })
  t.equal(known.statusCode, 200)
  t.strictSame(remediationNames(known.json() as Body), ['challenge-authenticator', 'select-authenticator-authenticate'])
  const strip = (b: Body) => JSON.parse(JSON.stringify(b).replaceAll(stateHandle, 'S').replaceAll(other.stateHandle, 'S')) as Body
  t.strictSame(strip(unknown.json() as Body), strip(known.json() as Body), 'the same challenge for an unknown user')
  t.match((known.json() as Body)['currentAuthenticatorEnrollment'], { value: { key: 'okta_password', type: 'password' } })

  t.equal((await idxCall(app, 'challenge', { authenticator: { id: 'autpassword000000001' }, stateHandle })).statusCode, 200, 'select the password')
  t.equal((await idxCall(app, 'challenge', { authenticator: { id: 'autnope' }, stateHandle })).statusCode, 400, 'an authenticator not offered')
  const wrong = await idxCall(app, 'challenge/answer', { credentials: { passcode: 'wrong' }, stateHandle })
  t.equal(wrong.statusCode, 401)
  t.strictSame(messageKeys(wrong), ['incorrectPassword'])
  const unknownAnswer = await idxCall(app, 'challenge/answer', { credentials: { passcode: 'wrong' }, stateHandle: other.stateHandle })
  t.strictSame(messageKeys(unknownAnswer), ['incorrectPassword'], 'an unknown user fails the same way')
  const ok = await idxCall(app, 'challenge/answer', { credentials: { passcode: ALICE.password }, stateHandle })
  t.equal(ok.statusCode, 200)
  t.type(interactionCodeOf(ok.json() as Body), 'string')
})

t.test('lock-out after the configured wrong passwords; LOCKED_OUT and inactive users from the configuration', async (t) => {
  const { app } = await buildTestApp(t, {
    change: (c) => {
      c.identityEngine.lockoutThreshold = 3
      c.users.push({ ...c.users[0]!, id: '00ucarol000000000003', login: 'carol@example.com', status: 'LOCKED_OUT' })
      c.users.push({ ...c.users[0]!, id: '00udave0000000000004', login: 'dave@example.com', status: 'SUSPENDED' })
    },
  })
  const { stateHandle } = await startInteraction(app)
  for (let i = 0; i < 3; i++) t.strictSame(messageKeys(await identifyWithPassword(app, stateHandle, 'wrong')), ['errors.E0000004'])
  const locked = await identifyWithPassword(app, stateHandle)
  t.equal(locked.statusCode, 401)
  t.strictSame(messageKeys(locked), ['errors.E0000119'], 'locked: even the right password is refused')
  t.match((locked.json() as Body)['messages'].value[0].message, 'Your account is locked')
  t.equal((await identifyWithPassword(app, stateHandle, BOB.password, BOB.username)).statusCode, 200, 'other users are not affected')

  const next = await startInteraction(app)
  t.strictSame(messageKeys(await identifyWithPassword(app, next.stateHandle, ALICE.password, 'carol@example.com')), ['errors.E0000119'], 'LOCKED_OUT in the configuration')
  t.strictSame(messageKeys(await identifyWithPassword(app, next.stateHandle, ALICE.password, 'dave@example.com')), ['errors.E0000004'], 'a suspended user: as an unknown one')
})

t.test('a success clears the run of wrong passwords', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => void (c.identityEngine.lockoutThreshold = 2) })
  const first = await startInteraction(app)
  await identifyWithPassword(app, first.stateHandle, 'wrong')
  t.equal((await identifyWithPassword(app, first.stateHandle)).statusCode, 200)
  const second = await startInteraction(app)
  await identifyWithPassword(app, second.stateHandle, 'wrong')
  t.equal((await identifyWithPassword(app, second.stateHandle)).statusCode, 200, 'one failure after the success is not two')
})

t.test('expiry on mockta’s clock: idx.session.expired, 401, for introspect and remediations', async (t) => {
  const { app, clock } = await buildTestApp(t, oneStep())
  const { handle, stateHandle } = await startInteraction(app)
  clock.advance(599)
  t.equal((await idxCall(app, 'introspect', { interactionHandle: handle })).statusCode, 200)
  clock.advance(1)
  for (const res of [
    await idxCall(app, 'introspect', { interactionHandle: handle }),
    await idxCall(app, 'introspect', { stateToken: stateHandle }),
    await identifyWithPassword(app, stateHandle),
  ]) {
    t.equal(res.statusCode, 401)
    t.equal(res.headers['content-type'], ION)
    t.strictSame(res.json(), {
      version: '1.0.0',
      intent: 'LOGIN',
      messages: {
        type: 'array',
        value: [{ message: 'You have been logged out due to inactivity. Refresh or return to the sign in screen.', i18n: { key: 'idx.session.expired' }, class: 'ERROR' }],
      },
    })
  }
})

t.test('cancel: a new stateHandle and the first page again; the old stateHandle has expired', async (t) => {
  const { app } = await buildTestApp(t, identifierFirst())
  const { handle, stateHandle } = await startInteraction(app)
  await idxCall(app, 'identify', { identifier: ALICE.username, stateHandle })
  const cancelled = await idxCall(app, 'cancel', { stateHandle })
  t.equal(cancelled.statusCode, 200)
  const fresh = cancelled.json() as Body
  t.not(fresh['stateHandle'], stateHandle, 'a new stateHandle')
  t.strictSame(remediationNames(fresh), ['identify', 'select-enroll-profile'])
  t.strictSame(messageKeys(await idxCall(app, 'challenge/answer', { credentials: { passcode: ALICE.password }, stateHandle })), ['idx.session.expired'], 'the old stateHandle')
  t.equal(((await idxCall(app, 'introspect', { interactionHandle: handle })).json() as Body)['stateHandle'], fresh['stateHandle'], 'the interaction goes on')
})

t.test('a remediation the current step does not offer: 400 with the current response', async (t) => {
  const { app } = await buildTestApp(t, oneStep())
  const { stateHandle } = await startInteraction(app)
  const res = await idxCall(app, 'challenge/answer', { credentials: { passcode: ALICE.password }, stateHandle })
  t.equal(res.statusCode, 400)
  t.strictSame(messageKeys(res), ['errors.E0000020'])
  t.strictSame(remediationNames(res.json() as Body), ['identify', 'select-enroll-profile'])
  await identifyWithPassword(app, stateHandle)
  t.equal((await identifyWithPassword(app, stateHandle)).statusCode, 400, 'identify after success')
})

t.test('bad input: always an IDX body with Okta’s message, never a 5xx, nothing echoed', async (t) => {
  const { app } = await buildTestApp(t, oneStep())
  const { stateHandle } = await startInteraction(app)
  const marker = 'ECHO-MARKER-1234'
  const raw = (path: string, payload: string, contentType?: string, method: 'POST' | 'GET' | 'PUT' = 'POST') =>
    app.inject({ method, url: `/idp/idx/${path}`, headers: contentType === undefined ? {} : { 'content-type': contentType }, payload })
  const cases: Array<[string, Promise<import('fastify').LightMyRequestResponse>, number, string]> = [
    ['not JSON', raw('identify', `{"identifier":"${marker}`, ION), 400, 'errors.E0000020'],
    ['a JSON array', raw('identify', `["${marker}"]`, ION), 400, 'errors.E0000020'],
    ['a JSON string', raw('introspect', `"${marker}"`, 'application/json'), 400, 'errors.E0000020'],
    ['a form body', raw('identify', `identifier=${marker}&stateHandle=${stateHandle}`, 'application/x-www-form-urlencoded'), 415, 'errors.E0000020'],
    ['text', raw('identify', marker, 'text/plain'), 415, 'errors.E0000020'],
    ['no body', raw('identify', ''), 400, 'errors.E0000020'],
    ['no stateHandle', idxCall(app, 'identify', { identifier: marker }), 401, 'idx.session.expired'],
    ['a made-up stateHandle', idxCall(app, 'identify', { identifier: marker, stateHandle: `02${marker}` }), 401, 'idx.session.expired'],
    ['a stateHandle of another type', idxCall(app, 'identify', { identifier: marker, stateHandle: { $ne: null } }), 401, 'idx.session.expired'],
    ['a huge stateHandle', idxCall(app, 'introspect', { stateToken: marker.repeat(1000) }), 400, 'errors.E0000020'],
    ['a huge identifier', idxCall(app, 'identify', { identifier: marker.repeat(1000), credentials: { passcode: 'x' }, stateHandle }), 400, 'errors.E0000020'],
    ['an identifier of another type', idxCall(app, 'identify', { identifier: [marker], credentials: { passcode: 'x' }, stateHandle }), 400, 'errors.E0000020'],
    ['credentials not an object', idxCall(app, 'identify', { identifier: ALICE.username, credentials: marker, stateHandle }), 400, 'errors.E0000020'],
    ['no password on the one-step form', idxCall(app, 'identify', { identifier: ALICE.username, stateHandle }), 400, 'errors.E0000020'],
    ['introspect without a handle', idxCall(app, 'introspect', {}), 401, 'idx.session.expired'],
    ['an unknown remediation path', idxCall(app, `enroll/${marker.toLowerCase()}`, { stateHandle }), 404, 'errors.E0000007'],
    ['another unknown path', idxCall(app, 'credential/unknown', { stateHandle }), 404, 'errors.E0000007'],
    ['a step the current one does not offer', idxCall(app, 'credential/enroll', { stateHandle }), 400, 'errors.E0000020'],
    ['GET on a remediation', raw('identify', '', undefined, 'GET'), 405, 'errors.E0000022'],
    ['a prototype key', raw('identify', `{"__proto__":{"x":"${marker}"},"stateHandle":"${stateHandle}"}`, ION), 400, 'errors.E0000020'],
  ]
  for (const [name, pending, status, key] of cases) {
    const res = await pending
    t.equal(res.statusCode, status, `${name}: status`)
    t.equal(res.headers['content-type'], ION, `${name}: ion+json`)
    t.match(res.json(), { version: '1.0.0' }, `${name}: an IDX body`)
    t.strictSame(messageKeys(res), [key], `${name}: message`)
    t.notMatch(res.body, marker, `${name}: nothing echoed`)
  }
  const tooBig = await idxCall(app, 'identify', { identifier: 'x'.repeat(70_000), stateHandle })
  t.equal(tooBig.statusCode, 413)
  t.strictSame(messageKeys(tooBig), ['errors.E0000020'])
})

t.test('concurrent proceeds on one stateHandle: exactly one wins (memory store)', async (t) => {
  const { app } = await buildTestApp(t, oneStep())
  await racingIdentifies(t, app)
})

t.test('identifier first per client: the client setting wins over the server-wide one', async (t) => {
  const { app } = await buildTestApp(t, {
    change: (c) => {
      c.identityEngine.identifierFirst = true
      c.clients.find((x) => x.id === 'spa-app')!.identityEngine = { identifierFirst: false }
    },
  })
  const spa = await startInteraction(app)
  t.strictSame(
    (spa.body as Body)['remediation'].value[0].value.map((f: Body) => f['name']),
    ['identifier', 'credentials', 'rememberMe', 'stateHandle'],
    'spa-app: one form',
  )
  t.ok(interactionCodeOf((await identifyWithPassword(app, spa.stateHandle)).json() as Body))
  const native = await startInteraction(app, { client_id: 'native-app', redirect_uri: 'com.example.app:/callback' })
  t.strictSame(
    (native.body as Body)['remediation'].value[0].value.map((f: Body) => f['name']),
    ['identifier', 'rememberMe', 'stateHandle'],
    'native-app: the server-wide identifier first',
  )
  const challenge = await idxCall(app, 'identify', { identifier: ALICE.username, stateHandle: native.stateHandle })
  t.strictSame(remediationNames(challenge.json() as Body), ['challenge-authenticator', 'select-authenticator-authenticate'])
})
