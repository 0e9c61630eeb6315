/** Parallel refreshes of one refresh token, or redemptions of one code, shared by the race suite and its mutant checks. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { introspect, refresh, signIn } from '../helpers/app.js'
import { authorize, authorizeParams, pkcePair, redeem, redirectParams, SPA } from '../helpers/authorize.js'
import { oktaWire } from '../helpers/okta-catalogue.js'

export const INVALID_GRANT = oktaWire('invalid_refresh_token')
export const INVALID_CODE = oktaWire('invalid_authorization_code')
// No openid: one signature per refresh keeps 2 × 8,600 refreshes within the time budget.
export const SCOPE = 'offline_access api:read'

export interface Tally {
  ok: number
  failed: number
  other: number
  serverErrors: number
}

/** Counts winners (200), the expected refusal (`refused`, Okta's exact body), other answers and 5xx. */
export function tally(responses: LightMyRequestResponse[], refused = INVALID_GRANT): Tally {
  const count: Tally = { ok: 0, failed: 0, other: 0, serverErrors: 0 }
  for (const res of responses) {
    if (res.statusCode === 200) count.ok++
    else if (res.statusCode === refused.status && res.body === JSON.stringify(refused.body)) count.failed++
    else if (res.statusCode >= 500) count.serverErrors++
    else count.other++
  }
  return count
}

/** Signs in afresh and fires `n` refreshes of the new token at once. */
export async function burst(app: FastifyInstance, n: number) {
  const signedIn = await signIn(app, { scope: SCOPE })
  const responses = await Promise.all(Array.from({ length: n }, () => refresh(app, signedIn.refresh_token)))
  return { signedIn, responses, count: tally(responses) }
}

export const isInactive = async (app: FastifyInstance, token: string) => JSON.stringify(await introspect(app, token)) === '{"active":false}'
export const refreshFails = async (app: FastifyInstance, token: string) => tally([await refresh(app, token)]).failed === 1

/**
 * Mints a fresh code for the SPA (its `autoSignIn` must be on) and fires `n` redemptions of it at once
 * (docs/reliability.md § C-10). No openid: one signature per redemption keeps the bursts quick.
 */
export async function codeBurst(app: FastifyInstance, n: number) {
  const { verifier, challenge } = pkcePair()
  const { code } = redirectParams(await authorize(app, authorizeParams(challenge, { scope: SCOPE })))
  if (code === undefined) throw new Error('no code')
  const responses = await Promise.all(Array.from({ length: n }, () => redeem(app, code, verifier)))
  const winner = responses.find((r) => r.statusCode === 200)?.json<{ access_token: string; refresh_token: string }>()
  return { responses, winner, count: tally(responses, INVALID_CODE) }
}

/** Whether a code redemption's tokens are dead (a replay revokes what the code issued). */
export const codeTokensRevoked = async (app: FastifyInstance, winner: { access_token: string; refresh_token: string }) =>
  (await introspect(app, winner.access_token, SPA.id))['active'] === false && (await introspect(app, winner.refresh_token, SPA.id))['active'] === false
