/**
 * The TOTP factor (`token:software:totp`, RFC 6238: SHA-1, 6 digits, 30-second steps, as Okta Verify
 * and Google Authenticator use them), on mockta's clock so a test that moves the clock moves the
 * codes. A code is accepted one step either side of now (RFC 6238 §5.2) and only once: Okta answers
 * E0000082 for a code used before (docs/authentication-api.md § 1.4).
 */
import { Secret, TOTP } from 'otpauth'
import type { AppContext } from '../context.js'

export const TOTP_PERIOD_SECONDS = 30
const DIGITS = 6
/** Steps either side of now a code is still accepted for (clock drift, a slow typist). */
const WINDOW = 1

const totpOf = (secret: string): TOTP => new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: DIGITS, period: TOTP_PERIOD_SECONDS })

/** The code an authenticator app shows now, and for how many more seconds (the control plane's answer). */
export function currentTotp(secret: string, nowMs: number): { code: string; validForSeconds: number } {
  const code = totpOf(secret).generate({ timestamp: nowMs })
  const periodMs = TOTP_PERIOD_SECONDS * 1000
  return { code, validForSeconds: Math.ceil((periodMs - (nowMs % periodMs)) / 1000) }
}

export type TotpCheck = 'valid' | 'invalid' | 'replayed'

/** Checks a code, and spends it: of concurrent uses of one code exactly one is `valid` (Store.spendOnce). */
export async function checkTotp(ctx: AppContext, factorId: string, secret: string, passCode: string): Promise<TotpCheck> {
  if (!/^\d{6}$/.test(passCode)) return 'invalid'
  const nowMs = ctx.clock.nowMs()
  const delta = totpOf(secret).validate({ token: passCode, timestamp: nowMs, window: WINDOW })
  if (delta === null) return 'invalid'
  const step = Math.floor(nowMs / (TOTP_PERIOD_SECONDS * 1000)) + delta
  // The code of step s is accepted until step s + WINDOW ends; it stays spent that long.
  const spentUntilMs = (step + WINDOW + 1) * TOTP_PERIOD_SECONDS * 1000
  return (await ctx.store.spendOnce('totp', `${factorId}:${step}`, spentUntilMs, nowMs)) ? 'valid' : 'replayed'
}
