/**
 * The email code and password recovery across replicas (docs/replicas.md, docs/identity-engine.md §
 * Email code): two in-process apps on one redis-server. A challenge opened on A is answered on B with
 * the code from either outbox; a magic link opened on B completes the poll on A; a password reset on
 * one replica is the password on the other.
 */
import t from 'tap'
import { ALICE } from '../helpers/app.js'
import { control } from '../helpers/control.js'
import { identifyWithPassword, idxCall, interactionCodeOf, startInteraction } from '../helpers/idx.js'
import { answerCode, ERIN, chooseEmail, emailChallenge, latestEmail, openLink } from '../helpers/idx-email.js'
import { replicaPair } from '../helpers/replicas.js'

type Body = Record<string, unknown>

t.test('a challenge from A answered on B; a link opened on B ends the poll on A; one outbox', async (t) => {
  const pair = await replicaPair(t)
  if (!pair) return
  const { a, b } = pair
  const first = await emailChallenge(a.app, a.ctx)
  t.strictSame(await latestEmail(b.ctx), first.message, "B's outbox is A's")
  t.match((await control(b.app, 'GET', `/outbox?to=${ERIN.username}`)).json(), [{ id: first.message.id }])
  t.ok(interactionCodeOf((await answerCode(b.app, first.interaction.stateHandle, first.message.code!)).json() as Body), 'answered on B')

  const second = await emailChallenge(b.app, b.ctx)
  t.equal((await openLink(b.app, second.message.link!)).statusCode, 200)
  t.ok(interactionCodeOf((await idxCall(a.app, 'challenge/poll', { stateHandle: second.interaction.stateHandle })).json() as Body), "A's poll sees it")
  t.equal((await control(a.app, 'POST', '/reset')).statusCode, 204)
  t.strictSame((await control(b.app, 'GET', '/outbox')).json(), [], 'a reset on A empties the shared outbox')
})

t.test('a password reset on A is the password on B', async (t) => {
  const pair = await replicaPair(t)
  if (!pair) return
  const { a, b } = pair
  const { stateHandle } = await startInteraction(a.app)
  await idxCall(a.app, 'recover', { stateHandle })
  await idxCall(b.app, 'identify', { identifier: ALICE.username, stateHandle })
  await chooseEmail(a.app, stateHandle)
  await answerCode(b.app, stateHandle, (await latestEmail(a.ctx, ALICE.username)).code!)
  const done = await idxCall(a.app, 'challenge/answer', { credentials: { passcode: 'Repl1ca-Passw0rd' }, stateHandle })
  t.ok(interactionCodeOf(done.json() as Body))
  const onB = await startInteraction(b.app)
  t.ok(interactionCodeOf((await identifyWithPassword(b.app, onB.stateHandle, 'Repl1ca-Passw0rd')).json() as Body), 'B signs in with the new password')
})
