/** Parallel refreshes of one refresh token, shared by the race suite and its mutant check. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { introspect, refresh, signIn } from '../helpers/app.js'
import { oktaWire } from '../helpers/okta-catalogue.js'

export const INVALID_GRANT = oktaWire('invalid_refresh_token')
// No openid: one signature per refresh keeps 2 × 8,600 refreshes within the time budget.
export const SCOPE = 'offline_access api:read'

export interface Tally {
  ok: number
  failed: number
  other: number
  serverErrors: number
}

export function tally(responses: LightMyRequestResponse[]): Tally {
  const count: Tally = { ok: 0, failed: 0, other: 0, serverErrors: 0 }
  for (const res of responses) {
    if (res.statusCode === 200) count.ok++
    else if (res.statusCode === INVALID_GRANT.status && res.body === JSON.stringify(INVALID_GRANT.body)) count.failed++
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
