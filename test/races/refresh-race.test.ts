/**
 * Parallel refreshes of one refresh token (docs/reliability.md § C-1, C-2, C-8; invariants I1, I2, I3,
 * I5, I7). The consume must be a compare-and-set with no `await` between lookup and write: with the
 * classic check-then-act bug most bursts have several winners, so ≥100 bursts per size catch it.
 */
import t from 'tap'
import type { Test } from 'tap'
import { buildTestApp, post, refresh, signIn } from '../helpers/app.js'
import { refreshPolicy, reuseEvents } from '../helpers/refresh-family.js'
import { record } from '../helpers/report.js'
import { SCOPE, burst, isInactive, refreshFails, tally } from './bursts.js'

const SIZES = [2, 4, 16, 64]
const BURSTS = 100

/** Asserts once per size with the first offending burst as context, rather than thousands of asserts. */
function report(t: Test, label: string, passed: number, firstFailure: unknown): void {
  t.equal(passed, BURSTS, `${label}: ${passed}/${BURSTS}`, { firstFailure })
}

t.test('grace 0: exactly one winner, and the losers revoke the family (C-1)', async (t) => {
  const { app, logs } = await buildTestApp(t, { change: refreshPolicy('native-app', { graceSeconds: 0 }) })
  for (const n of SIZES) {
    let oneWinner = 0
    let revoked = 0
    let serverErrors = 0
    let firstFailure: unknown
    for (let i = 0; i < BURSTS; i++) {
      const { signedIn, responses, count } = await burst(app, n)
      serverErrors += count.serverErrors
      const winner = responses.find((r) => r.statusCode === 200)?.json<{ refresh_token: string; access_token: string }>()
      if (count.ok === 1 && count.failed === n - 1) oneWinner++
      else firstFailure ??= { burst: i, count }
      // docs/reliability.md § I3: the winner's token is from a family that reuse has revoked.
      const dead =
        winner !== undefined && (await refreshFails(app, winner.refresh_token)) && (await isInactive(app, winner.access_token)) && (await isInactive(app, signedIn.access_token))
      if (dead) revoked++
      else firstFailure ??= { burst: i, count, stillActive: true }
    }
    report(t, `N=${n} exactly one winner`, oneWinner, firstFailure)
    report(t, `N=${n} family revoked afterwards`, revoked, firstFailure)
    t.equal(serverErrors, 0, `N=${n} no 5xx`)
    t.comment(`grace=0 N=${n} bursts=${BURSTS} exactly-one-winner=${oneWinner}/${BURSTS} family-revoked=${revoked}/${BURSTS} 5xx=${serverErrors}`)
    record('race', { kind: 'grace0', grace: 0, n, bursts: BURSTS, good: Math.min(oneWinner, revoked), serverErrors })
  }
  t.equal(reuseEvents(logs()).length, SIZES.length * BURSTS, 'one reuse event per burst')
})

t.test('grace 30: every request wins with the same successor, one live token afterwards (C-2)', async (t) => {
  const { app, logs } = await buildTestApp(t)
  for (const n of SIZES) {
    let allSame = 0
    let oneLive = 0
    let serverErrors = 0
    let firstFailure: unknown
    for (let i = 0; i < BURSTS; i++) {
      const { signedIn, responses, count } = await burst(app, n)
      serverErrors += count.serverErrors
      const bodies = responses.filter((r) => r.statusCode === 200).map((r) => r.json<{ refresh_token: string; access_token: string }>())
      const successors = new Set(bodies.map((b) => b.refresh_token))
      const accessTokens = new Set(bodies.map((b) => b.access_token))
      const successor = bodies[0]?.refresh_token
      if (count.ok === n && successors.size === 1 && accessTokens.size === n) allSame++
      else firstFailure ??= { burst: i, count, successors: successors.size }
      // docs/reliability.md § I1: the shared successor is the one live token: it works once more, then the original is reuse.
      const next = successor === undefined ? undefined : await refresh(app, successor)
      const live = next?.statusCode === 200 && (await refreshFails(app, signedIn.refresh_token))
      if (live) oneLive++
      else firstFailure ??= { burst: i, successorRefresh: next?.statusCode }
    }
    report(t, `N=${n} all 200 with one shared refresh token`, allSame, firstFailure)
    report(t, `N=${n} one live token afterwards`, oneLive, firstFailure)
    t.equal(serverErrors, 0, `N=${n} no 5xx`)
    t.comment(`grace=30 N=${n} bursts=${BURSTS} all-same-successor=${allSame}/${BURSTS} one-live-token=${oneLive}/${BURSTS} 5xx=${serverErrors}`)
    record('race', { kind: 'grace30', grace: 30, n, bursts: BURSTS, good: Math.min(allSame, oneLive), serverErrors })
  }
  // The bursts themselves are grace replays; only the deliberate replay of each original is reuse.
  t.equal(reuseEvents(logs()).length, SIZES.length * BURSTS, 'one reuse event per burst, from the deliberate replay')
})

t.test('refresh racing revoke: once both returned, nothing from the family is active (C-8)', async (t) => {
  const { app } = await buildTestApp(t)
  let clean = 0
  let refreshWon = 0
  let serverErrors = 0
  let firstFailure: unknown
  for (let i = 0; i < BURSTS; i++) {
    const signedIn = await signIn(app, { scope: SCOPE })
    // Vary which request starts first and by how many turns of the event loop, to cover both orders.
    const lag = i % 32
    const revoke = async () => {
      for (let k = 0; k < lag; k++) await new Promise<void>((resolve) => setImmediate(resolve))
      return post(app, 'revoke', { client_id: 'native-app', token: signedIn.refresh_token })
    }
    const [refreshed, revoked] =
      i % 2 === 0
        ? await Promise.all([refresh(app, signedIn.refresh_token), revoke()])
        : await Promise.all([revoke(), refresh(app, signedIn.refresh_token)]).then(([rev, ref]) => [ref, rev] as const)
    if (refreshed.statusCode >= 500 || revoked.statusCode >= 500) serverErrors++
    const checks = [revoked.statusCode === 200, await refreshFails(app, signedIn.refresh_token), await isInactive(app, signedIn.access_token)]
    if (refreshed.statusCode === 200) {
      refreshWon++
      const body = refreshed.json<{ refresh_token: string; access_token: string }>()
      checks.push(await refreshFails(app, body.refresh_token), await isInactive(app, body.access_token))
    } else {
      checks.push(tally([refreshed]).failed === 1)
    }
    if (checks.every(Boolean)) clean++
    else firstFailure ??= { run: i, refresh: refreshed.statusCode, revoke: revoked.statusCode, checks }
  }
  report(t, 'nothing active after refresh + revoke', clean, firstFailure)
  t.equal(serverErrors, 0, 'no 5xx')
  t.comment(`refresh+revoke runs=${BURSTS} nothing-active=${clean}/${BURSTS} refresh-won=${refreshWon} 5xx=${serverErrors}`)
  record('race', { kind: 'refresh-revoke', bursts: BURSTS, good: clean, serverErrors })
})
