/**
 * One email code answered by N at once, and N resends at once (docs/identity-engine.md § Email code),
 * on the memory store and on Redis: of the answers exactly one gets the interaction code, the others
 * 400 (the step was taken), none a 5xx; of the resends every one is answered with the challenge, and
 * afterwards only the newest code in the outbox works. The same for the code of a registration's email
 * enrolment (docs/identity-engine.md, "Registration"): one winner. N ∈ {2, 16}, 5 bursts each.
 */
import t from 'tap'
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../src/context.js'
import { buildTestApp, testConfig } from '../helpers/app.js'
import { idxCall, interactionCodeOf, startInteraction } from '../helpers/idx.js'
import { answerCode, ERIN, EMAIL_AUTHENTICATOR_ID, emailChallenge, latestEmail } from '../helpers/idx-email.js'
import { record } from '../helpers/report.js'
import { startRedis } from '../helpers/redis-server.js'

const SIZES = [2, 16]
const BURSTS = Number(process.env['IDX_EMAIL_BURSTS'] ?? 5)

/** A new user with its password set and the email's enrolment open: its stateHandle and code. */
async function emailEnrolment(app: FastifyInstance, ctx: AppContext): Promise<{ stateHandle: string; code: string }> {
  const { stateHandle } = await startInteraction(app)
  const email = `enrol.${ctx.ids.secret().slice(0, 12).toLowerCase()}@example.com`
  await idxCall(app, 'enroll', { stateHandle })
  await idxCall(app, 'enroll/new', { userProfile: { firstName: 'Race', lastName: 'Er', email }, stateHandle })
  await idxCall(app, 'credential/enroll', { authenticator: { id: 'autpassword000000001' }, stateHandle })
  await answerCode(app, stateHandle, 'Sunny-Day-42')
  const chosen = await idxCall(app, 'credential/enroll', { authenticator: { id: EMAIL_AUTHENTICATOR_ID }, stateHandle })
  if (chosen.statusCode !== 200) throw new Error(`enrol: ${chosen.statusCode} ${chosen.body}`)
  return { stateHandle, code: (await latestEmail(ctx, email)).code! }
}

async function bursts(t: Test, app: FastifyInstance, ctx: AppContext, store: string): Promise<void> {
  for (const n of SIZES) {
    let oneWinner = 0
    let resendsClean = 0
    let enrolOneWinner = 0
    let serverErrors = 0
    for (let b = 0; b < BURSTS; b++) {
      const answering = await emailChallenge(app, ctx)
      const answers = await Promise.all(Array.from({ length: n }, () => answerCode(app, answering.interaction.stateHandle, answering.message.code!)))
      serverErrors += answers.filter((r) => r.statusCode >= 500).length
      const winners = answers.filter((r) => r.statusCode === 200 && interactionCodeOf(r.json() as Record<string, unknown>) !== undefined).length
      if (winners === 1 && answers.filter((r) => r.statusCode === 400).length === n - 1) oneWinner++

      const resending = await emailChallenge(app, ctx)
      const resends = await Promise.all(Array.from({ length: n }, () => idxCall(app, 'challenge/resend', { stateHandle: resending.interaction.stateHandle })))
      serverErrors += resends.filter((r) => r.statusCode >= 500).length
      const newest = await latestEmail(ctx, ERIN.username)
      const stale = resending.message.code === newest.code ? 200 : (await answerCode(app, resending.interaction.stateHandle, resending.message.code!)).statusCode
      const done = await answerCode(app, resending.interaction.stateHandle, newest.code!)
      if (resends.every((r) => r.statusCode === 200) && stale !== 200 && interactionCodeOf(done.json() as Record<string, unknown>) !== undefined) resendsClean++

      const enrolling = await emailEnrolment(app, ctx)
      const enrolled = await Promise.all(Array.from({ length: n }, () => answerCode(app, enrolling.stateHandle, enrolling.code)))
      serverErrors += enrolled.filter((r) => r.statusCode >= 500).length
      const enrolWinners = enrolled.filter((r) => r.statusCode === 200 && interactionCodeOf(r.json() as Record<string, unknown>) !== undefined).length
      if (enrolWinners === 1 && enrolled.filter((r) => r.statusCode === 400).length === n - 1) enrolOneWinner++
    }
    record('race', { kind: 'idx-email-answer', store, n, bursts: BURSTS, good: oneWinner, serverErrors })
    record('race', { kind: 'idx-email-resend', store, n, bursts: BURSTS, good: resendsClean, serverErrors: 0 })
    record('race', { kind: 'idx-email-enrol', store, n, bursts: BURSTS, good: enrolOneWinner, serverErrors: 0 })
    t.equal(oneWinner, BURSTS, `${store}, ${n} answers at once: one winner in every burst`)
    t.equal(resendsClean, BURSTS, `${store}, ${n} resends at once: all answered, only the newest code works`)
    t.equal(enrolOneWinner, BURSTS, `${store}, ${n} answers of one enrolment code at once: one winner in every burst`)
    t.equal(serverErrors, 0, `${store}, ${n} at once: no 5xx`)
  }
}

t.test('memory store', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  await bursts(t, app, ctx, 'memory')
})

t.test('Redis store', async (t) => {
  const server = await startRedis(t)
  if (!server) return
  const { app, ctx } = await buildTestApp(t, {
    config: testConfig((c) => Object.assign(c.store, { type: 'redis', url: server.url, keyPrefix: 'idx-email-race:', commandTimeoutMs: 2000 })),
  })
  t.teardown(() => app.close())
  await bursts(t, app, ctx, 'redis')
})
