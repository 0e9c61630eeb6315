/**
 * The control plane and the email code (docs/identity-engine.md § Control plane): the journal records
 * challenge, answer, resend, poll and recover with their outcome and never a code or a link token;
 * fault rules reach the new paths; the outbox of a flow is read with `?to=`.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { control } from '../helpers/control.js'
import { idxCall, startInteraction } from '../helpers/idx.js'
import { answerCode, ERIN, emailChallenge, openLink } from '../helpers/idx-email.js'

t.test('the journal: each email step and its outcome, no code, no link token', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const { interaction, message } = await emailChallenge(app, ctx)
  await answerCode(app, interaction.stateHandle, message.code === '000000' ? '111111' : '000000')
  await idxCall(app, 'challenge/resend', { stateHandle: interaction.stateHandle })
  await idxCall(app, 'challenge/poll', { stateHandle: interaction.stateHandle })
  const [latest] = (await control(app, 'GET', `/outbox?to=${ERIN.username}&limit=1`)).json() as Array<{ code: string; link: string }>
  await openLink(app, latest!.link)
  await idxCall(app, 'challenge/poll', { stateHandle: interaction.stateHandle })
  const entries = (await control(app, 'GET', '/journal?endpoint=idx')).json() as Array<Record<string, unknown>>
  t.match(
    entries.map((e) => [e['remediation'], e['status'], e['error']]),
    [
      ['introspect', 200, undefined],
      ['identify', 200, undefined],
      ['challenge', 200, undefined],
      ['challenge/answer', 401, 'api.authn.error.PASSCODE_INVALID'],
      ['challenge/resend', 200, undefined],
      ['challenge/poll', 200, undefined],
      ['challenge/poll', 200, undefined],
    ],
  )
  const text = JSON.stringify((await control(app, 'GET', '/journal')).json())
  for (const secret of [message.code!, latest!.code, new URL(latest!.link).searchParams.get('token')!]) t.notMatch(text, secret)
})

t.test('faults can target resend, poll and recover', async (t) => {
  const { app } = await buildTestApp(t)
  const { stateHandle } = await startInteraction(app)
  for (const path of ['challenge/resend', 'challenge/poll', 'recover']) {
    await control(app, 'POST', '/faults', { match: { endpoint: 'idx', remediation: path }, action: { type: 'error', status: 503, error: 'temporarily_unavailable' }, times: 1 })
    t.equal((await idxCall(app, 'introspect', { stateToken: stateHandle })).statusCode, 200, `${path}: another IDX call is not touched`)
    t.equal((await idxCall(app, path, { stateHandle })).statusCode, 503, `${path}: the fault answers`)
  }
  t.equal((await idxCall(app, 'recover', { stateHandle })).statusCode, 200, 'then mockta again')
})
