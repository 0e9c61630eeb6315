/**
 * Parallel redemptions of one authorization code (RFC 6749 §4.1.2: single use). The consume is atomic,
 * so exactly one redemption succeeds; the others are replays, and a replay revokes what the code
 * issued, so after the burst the winner's tokens are dead too.
 */
import t from 'tap'
import { buildTestApp, introspect } from '../helpers/app.js'
import { authorizeParams, autoSignIn, authorize, pkcePair, redeem, redirectParams, SPA } from '../helpers/authorize.js'
import { oktaWire } from '../helpers/okta-catalogue.js'

const SIZES = [2, 8, 32]
const BURSTS = 30
const INVALID = oktaWire('invalid_authorization_code')

t.test('N parallel redemptions of one code: exactly one 200, the rest invalid_grant, the winner revoked', async (t) => {
  const { app } = await buildTestApp(t, { change: autoSignIn(SPA.id) })
  for (const n of SIZES) {
    let exactlyOne = 0
    let winnersRevoked = 0
    for (let b = 0; b < BURSTS; b++) {
      const { verifier, challenge } = pkcePair()
      // No openid: one signature per redemption keeps the bursts quick.
      const { code } = redirectParams(await authorize(app, authorizeParams(challenge, { scope: 'offline_access api:read' })))
      const responses = await Promise.all(Array.from({ length: n }, () => redeem(app, code!, verifier)))
      const ok = responses.filter((r) => r.statusCode === 200)
      const refused = responses.filter((r) => r.statusCode === INVALID.status && r.body === JSON.stringify(INVALID.body))
      if (ok.length === 1 && refused.length === n - 1) exactlyOne++
      const winner = ok[0]?.json() as { access_token: string; refresh_token: string } | undefined
      if (winner) {
        const at = await introspect(app, winner.access_token, SPA.id)
        const rt = await introspect(app, winner.refresh_token, SPA.id)
        if (at['active'] === false && rt['active'] === false) winnersRevoked++
      }
    }
    t.equal(exactlyOne, BURSTS, `${n} at once: one winner in every burst`)
    t.equal(winnersRevoked, BURSTS, `${n} at once: the replays revoked the winner's tokens`)
  }
})
