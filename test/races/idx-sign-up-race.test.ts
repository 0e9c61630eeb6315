/**
 * One user per email under concurrency (docs/identity-engine.md, "Registration"): N sign-ups for the same
 * email at once, each on its own interaction, create exactly one user; the others are told the email is
 * taken. The email is checked inside the runtime data's compare-and-set (control/runtime-data.ts).
 * N ∈ {2, 4, 16}, a few bursts each: every winner adds a user, which rebuilds the registries.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { idxCall, startInteraction } from '../helpers/idx.js'
import { record } from '../helpers/report.js'

const SIZES = [2, 4, 16]
const BURSTS = Number(process.env['SIGN_UP_BURSTS'] ?? 10)

t.test('N concurrent sign-ups for one email: exactly one user', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  for (const n of SIZES) {
    let good = 0
    let serverErrors = 0
    for (let b = 0; b < BURSTS; b++) {
      const email = `racer.${n}.${b}@example.com`
      const interactions = await Promise.all(Array.from({ length: n }, () => startInteraction(app)))
      await Promise.all(interactions.map((i) => idxCall(app, 'enroll', { stateHandle: i.stateHandle })))
      const answers = await Promise.all(
        interactions.map((i) => idxCall(app, 'enroll/new', { userProfile: { firstName: 'Race', lastName: 'Er', email }, stateHandle: i.stateHandle })),
      )
      serverErrors += answers.filter((r) => r.statusCode >= 500).length
      const winners = answers.filter((r) => r.statusCode === 200).length
      const taken = answers.filter((r) => r.statusCode === 400 && r.body.includes('"registration.error.notUniqueWithinOrg"')).length
      const users = ctx.users.all().filter((u) => u.login === email).length
      if (winners === 1 && taken === n - 1 && users === 1) good++
    }
    record('race', { kind: 'idx-sign-up', n, bursts: BURSTS, good, serverErrors })
    t.equal(good, BURSTS, `${n} at once: one user in every burst, the rest told the email is taken`)
    t.equal(serverErrors, 0, `${n} at once: no 5xx`)
  }
})
