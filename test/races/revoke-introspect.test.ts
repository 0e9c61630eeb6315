/**
 * Parallel revocations and introspections of one family (docs/reliability.md § C-11): every revoke is
 * 200, every introspection 200 and either active (before) or inactive (after), never a 5xx, and once
 * every revoke has returned nothing of the family is active.
 */
import t from 'tap'
import { WEB, basic, buildTestApp, post, signIn } from '../helpers/app.js'
import { record } from '../helpers/report.js'

const RUNS = 100
const N = 16

t.test('N parallel revokes racing N introspections (C-11)', async (t) => {
  const { app } = await buildTestApp(t)
  const authorization = basic(WEB.id, WEB.secret)
  let clean = 0
  let serverErrors = 0
  let sawActive = 0
  let firstFailure: unknown
  for (let i = 0; i < RUNS; i++) {
    const tokens = await signIn(app, { client: 'web-app', scope: 'offline_access api:read' })
    const target = i % 2 === 0 ? tokens.refresh_token : tokens.access_token
    const requests = Array.from({ length: N * 2 }, (_, k) =>
      k % 2 === 0 ? post(app, 'revoke', { token: target }, { authorization }) : post(app, 'introspect', { token: tokens.access_token }, { authorization }),
    )
    const answers = await Promise.all(requests)
    serverErrors += answers.filter((a) => a.statusCode >= 500).length
    const revokes = answers.filter((_, k) => k % 2 === 0)
    const looks = answers.filter((_, k) => k % 2 === 1).map((a) => a.json<{ active: boolean }>())
    sawActive += looks.filter((l) => l.active).length
    const after = await Promise.all(
      [tokens.access_token, ...(target === tokens.refresh_token ? [tokens.refresh_token] : [])].map((tok) => post(app, 'introspect', { token: tok }, { authorization })),
    )
    const ok =
      revokes.every((r) => r.statusCode === 200 && r.body === '') &&
      answers.every((a) => a.statusCode === 200) &&
      looks.every((l) => typeof l.active === 'boolean') &&
      after.every((a) => a.body === '{"active":false}')
    if (ok) clean++
    else firstFailure ??= { run: i, statuses: answers.map((a) => a.statusCode), after: after.map((a) => a.body) }
  }
  record('race', { kind: 'revoke-introspect', bursts: RUNS, good: clean, serverErrors })
  t.comment(`revoke+introspect runs=${RUNS} N=${N} clean=${clean}/${RUNS} introspections-that-saw-active=${sawActive} 5xx=${serverErrors}`)
  t.equal(clean, RUNS, `clean ${clean}/${RUNS}`, { firstFailure })
  t.equal(serverErrors, 0, 'no 5xx')
})
