/**
 * Parallel redemptions of one authorization code (docs/reliability.md § C-10, SP-16; RFC 6749 §4.1.2: single
 * use). The consume is atomic, so exactly one redemption succeeds; the others are replays, and a replay
 * revokes what the code issued, so after the burst the winner's tokens are dead too. N and the number
 * of bursts follow the refresh bursts (C-1): N ∈ {2, 4, 16, 64}, 100 bursts each.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { autoSignIn, SPA } from '../helpers/authorize.js'
import { record } from '../helpers/report.js'
import { codeBurst, codeTokensRevoked } from './bursts.js'

const SIZES = [2, 4, 16, 64]
const BURSTS = Number(process.env['CODE_BURSTS'] ?? 100)

t.test('N parallel redemptions of one code: exactly one 200, the rest invalid_grant, the winner revoked', async (t) => {
  const { app } = await buildTestApp(t, { change: autoSignIn(SPA.id) })
  for (const n of SIZES) {
    let exactlyOne = 0
    let winnersRevoked = 0
    let serverErrors = 0
    for (let b = 0; b < BURSTS; b++) {
      const { winner, count } = await codeBurst(app, n)
      serverErrors += count.serverErrors
      if (count.ok === 1 && count.failed === n - 1) exactlyOne++
      if (winner && (await codeTokensRevoked(app, winner))) winnersRevoked++
    }
    record('race', { kind: 'code-redeem', n, bursts: BURSTS, good: Math.min(exactlyOne, winnersRevoked), exactlyOne, winnersRevoked, serverErrors })
    t.equal(exactlyOne, BURSTS, `${n} at once: one winner in every burst`)
    t.equal(winnersRevoked, BURSTS, `${n} at once: the replays revoked the winner's tokens`)
    t.equal(serverErrors, 0, `${n} at once: no 5xx`)
  }
})
