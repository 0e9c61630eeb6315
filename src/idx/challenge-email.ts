/**
 * The email authenticator (docs/identity-engine.md § Email code): after the password, when the policy
 * asks for it, the user chooses Email (`/idp/idx/challenge`), mockta "sends" a one-time code and a
 * magic link to the outbox, and the user answers with the code (`/idp/idx/challenge/answer`), asks for
 * another (`/idp/idx/challenge/resend`) or opens the link while the first tab polls
 * (`/idp/idx/challenge/poll`). A recovery (recover.ts) goes through the same challenge, and so does
 * the email's enrolment at registration (registration.ts, step ENROLL_EMAIL), whose code proves the
 * address of a user who may not have a password yet.
 */
import type { AppContext } from '../context.js'
import { sendEmail } from '../outbox/send-email.js'
import type { User } from '../registry/users.js'
import { emailCodeOf, emailLinkTokenOf, handleHashOfLinkToken, linkTokenMatches } from './email-codes.js'
import { challengeEmailResponse, emailAddressOf, emailEnrollmentId, emailTargetOf } from './email-response.js'
import { enrolledOf, enrollEmailResponse } from './registration-response.js'
import { EMAIL_AUTHENTICATOR } from './response.js'
import { IdxError } from './idx-error.js'
import { IDX_MESSAGES } from './messages.js'
import { badRequest, objectField, passcodeOf, textField, type Input } from './remediation-input.js'
import { safeEqual } from '../crypto/safe-equal.js'
import { advance, currentResponse, notAvailable, responseContext, succeed, transactionByHandleHash, userOf, type IdxAnswer, type Transaction } from './transaction.js'

/**
 * The methods of a sign-in with the email code (RFC 8176 `pwd` and `mfa`; Okta names the email
 * authenticator `email`): docs/departures.md, "Identity Engine".
 */
export const PASSWORD_AND_EMAIL_AMR = ['pwd', 'email', 'mfa']

/** Whether this user must also prove their email address: their own policy, else the server-wide one; never without an address. */
export function emailRequired(ctx: AppContext, user: User): boolean {
  return emailAddressOf(user) !== undefined && (user.emailFactor ?? ctx.config.identityEngine.emailFactor) === 'required'
}

/** The password was right: success, or the choice of the email authenticator when the policy asks for it. */
export async function afterPassword(ctx: AppContext, tx: Transaction, user: User): Promise<IdxAnswer> {
  if (!emailRequired(ctx, user)) return succeed(ctx, tx, user, ['pwd'])
  const next = await advance(ctx, tx, { step: 'SELECT_EMAIL', userId: user.id })
  return { status: 200, body: currentResponse(ctx, next) }
}

const EMAIL_STEPS = new Set(['SELECT_EMAIL', 'CHALLENGE_EMAIL'])

/** `select-authenticator-authenticate` with Email: a code is sent (again, if one was). */
export async function selectEmail(ctx: AppContext, tx: Transaction, input: Input): Promise<IdxAnswer> {
  if (!EMAIL_STEPS.has(tx.record.step)) return notAvailable(ctx, tx)
  const authenticator = objectField(input, 'authenticator')
  const id = authenticator && textField(authenticator, 'id')
  // Okta's option carries the authenticator id; the enrollment's is accepted as well.
  if (id !== EMAIL_AUTHENTICATOR.id && id !== emailEnrollmentId(tx.record.userId)) throw badRequest('idx_authenticator_unknown')
  const next = await sendCode(ctx, tx)
  return { status: 200, body: currentResponse(ctx, next) }
}

/** The steps where an email code is open: a sign-in's or a recovery's challenge, a registration's enrolment. */
const CODE_STEPS = new Set(['CHALLENGE_EMAIL', 'ENROLL_EMAIL'])

/** Who may be sent a code and answer it: ACTIVE users, and at registration the STAGED user still enrolling. */
const mayProve = (tx: Transaction, user: User): boolean => user.status === 'ACTIVE' || (tx.record.step === 'ENROLL_EMAIL' && user.status === 'STAGED')

/** `select-authenticator-enroll` with Email at registration: the enrolment opens and its code is sent. */
export async function enrollEmail(ctx: AppContext, tx: Transaction): Promise<IdxAnswer> {
  return { status: 200, body: currentResponse(ctx, await sendCode(ctx, tx, 'ENROLL_EMAIL')) }
}

/** Moves to the challenge (or the enrolment) with the next code, then puts it in the outbox: only the step that won sends. */
async function sendCode(
  ctx: AppContext,
  tx: Transaction,
  step: 'CHALLENGE_EMAIL' | 'ENROLL_EMAIL' = tx.record.step === 'ENROLL_EMAIL' ? 'ENROLL_EMAIL' : 'CHALLENGE_EMAIL',
): Promise<Transaction> {
  const generation = (tx.record.emailGeneration ?? 0) + 1
  const next = await advance(ctx, tx, {
    step,
    emailGeneration: generation,
    emailCodeExpiresAtMs: ctx.clock.nowMs() + ctx.config.identityEngine.emailCodeLifetimeSeconds * 1000,
  })
  const user = userOf(ctx, next)
  const to = user && emailAddressOf(user)
  // An unknown user, or one without an address (a recovery): the same page, and nothing is sent.
  if (!user || to === undefined || !mayProve(next, user)) return next
  const { handleHash } = next.record
  const recovery = next.record.recovery === true
  const enrolment = step === 'ENROLL_EMAIL'
  await sendEmail(ctx, {
    to,
    kind: enrolment ? 'email-enrollment' : recovery ? 'recovery' : 'email-challenge',
    subject: enrolment ? 'Activate your email' : recovery ? 'Account password reset' : 'One-time verification code',
    purpose: enrolment ? `email enrolment at sign-up to ${next.client.name}` : recovery ? `password reset, from ${next.client.name}` : `sign-in to ${next.client.name}`,
    code: emailCodeOf(ctx.tokenSecret, handleHash, generation),
    link: `${ctx.config.baseUrl}/email/verify/${user.id}?token=${emailLinkTokenOf(ctx.tokenSecret, handleHash, generation)}`,
    userId: user.id,
    clientId: next.client.id,
  })
  return next
}

const codeIsLive = (ctx: AppContext, tx: Transaction): boolean =>
  CODE_STEPS.has(tx.record.step) && tx.record.emailGeneration !== undefined && ctx.clock.nowMs() < (tx.record.emailCodeExpiresAtMs ?? 0)

/** `challenge-authenticator` with the code: a wrong or expired one re-sends the challenge with Okta's field message. */
export async function answerEmail(ctx: AppContext, tx: Transaction, input: Input): Promise<IdxAnswer> {
  const code = passcodeOf(input)
  if (code === undefined) throw badRequest('idx_passcode_missing')
  const user = userOf(ctx, tx)
  const expected = emailCodeOf(ctx.tokenSecret, tx.record.handleHash, tx.record.emailGeneration ?? 0)
  const matches = safeEqual(code, expected)
  if (!matches || !codeIsLive(ctx, tx) || !user || !mayProve(tx, user)) {
    const rc = responseContext(ctx, tx, user)
    const body =
      tx.record.step === 'ENROLL_EMAIL'
        ? enrollEmailResponse(rc, enrolledOf(tx.record.amr), [], [IDX_MESSAGES.passcodeInvalid])
        : challengeEmailResponse(rc, emailTargetOf(user, tx.record.identifier), [], [IDX_MESSAGES.passcodeInvalid])
    return { status: 401, body }
  }
  return emailVerified(ctx, tx, user)
}

/**
 * The code or the link proved the address: a sign-in succeeds, a recovery asks for the new password,
 * an enrolment signs the new user in once the password is set too (else asks for it).
 */
async function emailVerified(ctx: AppContext, tx: Transaction, user: User): Promise<IdxAnswer> {
  if (tx.record.step === 'ENROLL_EMAIL') {
    if (tx.record.amr.includes('pwd')) return succeed(ctx, tx, user, PASSWORD_AND_EMAIL_AMR)
    const next = await advance(ctx, tx, { step: 'ENROLL_SELECT', amr: [...tx.record.amr, 'email'], emailCodeExpiresAtMs: undefined })
    return { status: 200, body: currentResponse(ctx, next) }
  }
  if (tx.record.recovery !== true) return succeed(ctx, tx, user, PASSWORD_AND_EMAIL_AMR)
  const next = await advance(ctx, tx, { step: 'RESET_PASSWORD', emailCodeExpiresAtMs: undefined })
  return { status: 200, body: currentResponse(ctx, next) }
}

/**
 * `currentAuthenticatorEnrollment-resend`: the next code, the previous one retired. Of concurrent
 * resends one sends; the others answer the challenge as it now stands (its code is in the outbox).
 */
export async function resend(ctx: AppContext, tx: Transaction): Promise<IdxAnswer> {
  if (!CODE_STEPS.has(tx.record.step)) return notAvailable(ctx, tx)
  try {
    return { status: 200, body: currentResponse(ctx, await sendCode(ctx, tx)) }
  } catch (err) {
    if (!(err instanceof IdxError) || err.code !== 'idx_step_conflict') throw err
    const now = await transactionByHandleHash(ctx, tx.record.handleHash)
    return CODE_STEPS.has(now.record.step) ? { status: 200, body: currentResponse(ctx, now) } : notAvailable(ctx, now)
  }
}

/**
 * `currentAuthenticatorEnrollment-poll`: the challenge while the link is unopened; once it was opened,
 * what came of it (success, or the recovery's new password form).
 */
export async function poll(ctx: AppContext, tx: Transaction): Promise<IdxAnswer> {
  const { step, emailGeneration, amr } = tx.record
  // After an enrolment's link: the success, or the password still to set.
  const enrolledByLink = (step === 'ENROLL_SELECT' || step === 'ENROLL_PASSWORD') && amr.includes('email')
  const linkDone = emailGeneration !== undefined && (step === 'SUCCESS' || step === 'RESET_PASSWORD' || enrolledByLink)
  if (!CODE_STEPS.has(step) && !linkDone) return notAvailable(ctx, tx)
  return { status: 200, body: currentResponse(ctx, tx) }
}

export type LinkOutcome = 'verified' | 'expired'

/**
 * The magic link opened in a browser (routes/email-verify.ts): when it is the current challenge's and
 * unexpired, it verifies the challenge as the code would, and the first tab's poll goes on. A link of
 * an earlier code, an ended interaction or a second opening is expired.
 */
export async function verifyEmailLink(ctx: AppContext, userId: string, token: string): Promise<LinkOutcome> {
  const handleHash = handleHashOfLinkToken(token)
  if (handleHash === undefined) return 'expired'
  let tx: Transaction
  try {
    tx = await transactionByHandleHash(ctx, handleHash)
  } catch (err) {
    if (err instanceof IdxError) return 'expired'
    throw err
  }
  const user = userOf(ctx, tx)
  const generation = tx.record.emailGeneration ?? 0
  if (!codeIsLive(ctx, tx) || !user || user.id !== userId || !mayProve(tx, user) || !linkTokenMatches(token, ctx.tokenSecret, handleHash, generation)) return 'expired'
  try {
    await emailVerified(ctx, tx, user)
  } catch (err) {
    // The code was answered meanwhile: the link has nothing left to do.
    if (err instanceof IdxError) return 'expired'
    throw err
  }
  return 'verified'
}
