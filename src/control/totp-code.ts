/**
 * The current code of a user's TOTP factor (docs/authentication-api.md § 1.4), so a test can verify
 * the factor without an authenticator app: what the app would show now, on mockta's clock.
 */
import type { FactorConfig } from '../config/types.js'
import type { AppContext } from '../context.js'
import { currentTotp, TOTP_PERIOD_SECONDS } from '../authn/totp.js'
import { notFound } from './control-error.js'

export interface TotpCode {
  userId: string
  factorId: string
  code: string
  /** Seconds until the next code (it is still accepted for one more period after). */
  validForSeconds: number
  periodSeconds: number
}

export function totpCodeOf(ctx: AppContext, user: string): TotpCode {
  const found = ctx.users.find(user)
  if (!found) throw notFound(`no user ${user}`)
  const factor = (found.factors ?? []).find((f): f is FactorConfig & { type: 'token:software:totp' } => f.type === 'token:software:totp')
  if (!factor) throw notFound(`user ${found.login} has no token:software:totp factor`)
  const { code, validForSeconds } = currentTotp(factor.secret, ctx.clock.nowMs())
  return { userId: found.id, factorId: factor.id, code, validForSeconds, periodSeconds: TOTP_PERIOD_SECONDS }
}
