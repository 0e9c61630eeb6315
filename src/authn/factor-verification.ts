/**
 * `POST /api/v1/authn/factors/{factorId}/verify` (docs/authentication-api.md § 1.4): a TOTP factor is
 * verified with its current code; an email factor is first challenged (a code goes to the outbox,
 * MFA_CHALLENGE), then verified with that code. A verified factor ends the transaction in SUCCESS,
 * or moves it to PASSWORD_EXPIRED for a user whose password has expired.
 *
 * Every step is a compare-and-set on the transaction (transaction.ts): of concurrent verifications
 * with one code, one wins and the others, deciding again, find the code used or the transaction gone.
 */
import { randomInt } from 'node:crypto'
import type { AppContext } from '../context.js'
import { hashToken } from '../crypto/hash-token.js'
import { safeEqual } from '../crypto/safe-equal.js'
import { factorNotFound, illegalAuthState, invalidPasscode, invalidStateToken, passcodeReplayed } from '../errors/oauth-error.js'
import { sendEmail } from '../outbox/send-email.js'
import { findFactor, type Factor } from './factors.js'
import { issueSessionToken, type AuthnOutcome } from './primary-authentication.js'
import { checkTotp } from './totp.js'
import { openTransaction, stepTransaction, type OpenTransaction } from './transaction.js'

/** [UNCONFIRMED] Okta's email codes live 5 minutes by default; mockta's do. */
export const EMAIL_CODE_LIFETIME_SECONDS = 300
/** Rounds of deciding again after losing a race, before giving up as if the token were gone. */
const ATTEMPTS = 5

export interface VerifyRequest {
  stateToken: unknown
  factorId: string
  /** Absent: challenge (email) or fail (TOTP). */
  passCode: string | undefined
  /** `/verify/resend`: send the email code again. */
  resend?: boolean
}

export async function verifyFactor(ctx: AppContext, request: VerifyRequest): Promise<AuthnOutcome> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const open = await openTransaction(ctx, request.stateToken)
    if (open.record.status !== 'MFA_REQUIRED' && open.record.status !== 'MFA_CHALLENGE') throw illegalAuthState()
    const factor = findFactor(open.user, request.factorId)
    if (!factor) throw factorNotFound()
    const outcome =
      factor.type === 'email' && (request.passCode === undefined || request.resend === true)
        ? await challengeEmail(ctx, open, factor)
        : await verifyCode(ctx, open, factor, request.passCode)
    if (outcome) return outcome
  }
  throw invalidStateToken()
}

/** Sends a fresh code (a new one replaces the last) and moves to MFA_CHALLENGE; `undefined` when another step won. */
async function challengeEmail(ctx: AppContext, open: OpenTransaction, factor: Factor & { type: 'email' }): Promise<AuthnOutcome | undefined> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
  const stepped = await stepTransaction(ctx, open, {
    status: 'MFA_CHALLENGE',
    factorId: factor.id,
    codeHash: hashToken(code),
    codeExpiresAtMs: ctx.clock.nowMs() + EMAIL_CODE_LIFETIME_SECONDS * 1000,
  })
  if (!stepped) return undefined
  // Sent only once the code is the transaction's: a lost race sends nothing.
  await sendEmail(ctx, {
    to: factor.email,
    kind: 'authn-factor',
    subject: 'One-time verification code',
    purpose: 'sign-in (Authentication API email factor)',
    code,
    userId: open.user.id,
  })
  return { kind: 'transaction', open: stepped, challenged: factor }
}

async function verifyCode(ctx: AppContext, open: OpenTransaction, factor: Factor, passCode: string | undefined): Promise<AuthnOutcome | undefined> {
  if (passCode === undefined) throw invalidPasscode()
  if (factor.type === 'email') {
    const { record } = open
    const live = record.factorId === factor.id && record.codeHash !== null && record.codeExpiresAtMs !== null && ctx.clock.nowMs() < record.codeExpiresAtMs
    if (!live || !safeEqual(hashToken(passCode), record.codeHash!)) throw invalidPasscode()
  } else {
    const checked = await checkTotp(ctx, factor.id, factor.secret, passCode)
    if (checked === 'invalid') throw invalidPasscode()
    if (checked === 'replayed') throw passcodeReplayed()
  }
  const amr = [...open.record.amr, factor.type === 'email' ? 'email' : 'otp']
  // Okta asks for the factor before the expired password; the same state token goes on to change it.
  if (open.user.status === 'PASSWORD_EXPIRED') {
    const stepped = await stepTransaction(ctx, open, { status: 'PASSWORD_EXPIRED', factorId: null, codeHash: null, codeExpiresAtMs: null, amr })
    return stepped ? { kind: 'transaction', open: stepped } : undefined
  }
  if (!(await stepTransaction(ctx, open, null))) return undefined
  return issueSessionToken(ctx, open.user, open.record.authTime, amr)
}

/** `/api/v1/authn/previous`: from MFA_CHALLENGE back to the factor list (the code sent is forgotten). */
export async function previousStep(ctx: AppContext, stateToken: unknown): Promise<AuthnOutcome> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const open = await openTransaction(ctx, stateToken)
    if (open.record.status !== 'MFA_CHALLENGE') throw illegalAuthState()
    const stepped = await stepTransaction(ctx, open, { status: 'MFA_REQUIRED', factorId: null, codeHash: null, codeExpiresAtMs: null })
    if (stepped) return { kind: 'transaction', open: stepped }
  }
  throw invalidStateToken()
}

/** `/api/v1/authn/cancel`: ends the transaction; its state token is unknown from then on. */
export async function cancelTransaction(ctx: AppContext, stateToken: unknown): Promise<void> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const open = await openTransaction(ctx, stateToken)
    if (await stepTransaction(ctx, open, null)) return
  }
  throw invalidStateToken()
}
