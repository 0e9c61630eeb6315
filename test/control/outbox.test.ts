/**
 * The outbox over the control plane (docs/identity-engine.md § outbox): GET /__mockta/outbox lists
 * what was "sent by email" newest first, `?to=` keeps one address, a bad query is a 400, reset empties
 * it, the startMockta() handle answers the same, and a listed code reaches neither the logs nor the journal.
 */
import t from 'tap'
import { sendEmail } from '../../src/outbox/send-email.js'
import { startMockta } from '../../src/start-mockta.js'
import { ALICE, buildTestApp } from '../helpers/app.js'
import { control } from '../helpers/control.js'
import { identifyWithPassword, interactionCodeOf, startInteraction } from '../helpers/idx.js'
import { answerCode, chooseEmail, ERIN } from '../helpers/idx-email.js'

const CODE = '739215'

t.test('GET /__mockta/outbox: newest first, filtered by address, stamped by the clock', async (t) => {
  const { app, ctx, clock, logs } = await buildTestApp(t)
  const first = await sendEmail(ctx, { to: ALICE.username, kind: 'email-challenge', subject: 'One-time verification code', purpose: 'sign-in to spa-app', code: CODE })
  clock.advance(5)
  await sendEmail(ctx, { to: 'bob@example.com', kind: 'recovery', subject: 'Reset your password', purpose: 'password reset', code: '111111', link: 'http://mockta.test/x' })
  const all = (await control(app, 'GET', '/outbox')).json() as Array<Record<string, unknown>>
  t.match(all, [
    { to: 'bob@example.com', kind: 'recovery', code: '111111', link: 'http://mockta.test/x', userId: null },
    { id: first.id, to: ALICE.username, kind: 'email-challenge', code: CODE, link: null, purpose: 'sign-in to spa-app', createdAt: new Date(first.createdAtMs).toISOString() },
  ])
  t.equal((all[0] as { createdAtMs: number }).createdAtMs - first.createdAtMs, 5000, "mockta's clock, not the machine's")
  const alice = (await control(app, 'GET', `/outbox?to=${encodeURIComponent('Alice@Example.com')}`)).json() as unknown[]
  t.match(alice, [{ code: CODE }], 'one address, without regard to case')
  t.equal(alice.length, 1)
  t.match((await control(app, 'GET', '/outbox?limit=1')).json(), [{ to: 'bob@example.com' }])
  t.notMatch(logs(), CODE, 'the code is in no log line')
  t.notMatch(JSON.stringify((await control(app, 'GET', '/journal')).json()), CODE, 'nor in the journal')
})

t.test('a bad query is a 400 naming it', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await control(app, 'GET', '/outbox?limit=0')
  t.equal(res.statusCode, 400)
  t.match(res.json(), { error: 'bad_request', message: /outbox query/ })
  t.equal((await control(app, 'GET', '/outbox?from=x')).statusCode, 400)
})

t.test('reset empties the outbox', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  await sendEmail(ctx, { to: ALICE.username, kind: 'email-challenge', subject: 's', purpose: 'p', code: CODE })
  t.equal((await control(app, 'POST', '/reset')).statusCode, 204)
  t.strictSame((await control(app, 'GET', '/outbox')).json(), [])
})

t.test('the startMockta() handle reads the same outbox: the code of a real email challenge', async (t) => {
  const mockta = await startMockta()
  t.teardown(() => mockta.close())
  t.strictSame(await mockta.outbox(), [])
  const { stateHandle } = await startInteraction(mockta.app)
  await identifyWithPassword(mockta.app, stateHandle, ERIN.password, ERIN.username)
  await chooseEmail(mockta.app, stateHandle)
  const [message] = await mockta.outbox({ to: ERIN.username })
  t.match(message, { to: ERIN.username, kind: 'email-challenge', code: /^\d{6}$/, createdAt: /Z$/ })
  const overHttp = (await (await fetch(`${mockta.baseUrl}/__mockta/outbox?to=${ERIN.username}`)).json()) as unknown[]
  t.strictSame(overHttp, [message], 'the HTTP control API answers the same')
  t.ok(interactionCodeOf((await answerCode(mockta.app, stateHandle, message!.code!)).json() as Record<string, unknown>), 'the code signs in')
  await t.rejects(mockta.outbox({ limit: -1 }), { message: /invalid outbox query/ })
  await mockta.reset()
  t.strictSame(await mockta.outbox(), [], 'reset empties it')
})
