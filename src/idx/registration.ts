/**
 * Self-service registration (docs/identity-engine.md, "Registration"): `select-enroll-profile`
 * (`/idp/idx/enroll`) opens the profile form, `enroll-profile` (`/idp/idx/enroll/new`) creates the user
 * as STAGED, `select-authenticator-enroll` (`/idp/idx/credential/enroll`) and `enroll-authenticator`
 * (`/idp/idx/challenge/answer`) set its first password and make it ACTIVE; the optional email is
 * enrolled with a code (challenge-email.ts, before or after the password) or left for later with `skip`;
 * once the password is set and nothing optional is left, the interaction code. The users are runtime data, so the
 * control plane lists and changes them and every replica and the state file have them.
 */
import { deriveUserId } from '../config/load.js'
import type { UserConfig } from '../config/types.js'
import type { AppContext, Directory } from '../context.js'
import { registrationFor } from './app-policy.js'
import { IDX_MESSAGES, type IdxMessage } from './messages.js'
import { meetsPasswordPolicy, PASSWORD_REQUIREMENTS_NOT_MET } from './password-policy.js'
import { enrollEmail, PASSWORD_AND_EMAIL_AMR } from './challenge-email.js'
import { enrolledOf, enrollPasswordResponse, enrollProfileResponse, PROFILE_FIELDS, type FieldMessages, type ProfileField } from './registration-response.js'
import { badRequest, objectField, passcodeOf, textField, type Input } from './remediation-input.js'
import { EMAIL_AUTHENTICATOR, PASSWORD_AUTHENTICATOR } from './response.js'
import { advance, currentResponse, notAvailable, userOf, responseContext, sessionExpired, succeed, type IdxAnswer, type Transaction } from './transaction.js'

/** Where registered users go: the control plane's runtime data (control/control-plane.ts). */
/** Okta's logins are at most 100 characters. */
const MAX_LOGIN_LENGTH = 100

/** Something, one `@`, and a domain of two or more dot-separated labels; no spaces. Without a regular expression that could be made slow. */
function isEmail(value: string): boolean {
  if (/\s/.test(value)) return false
  const parts = value.split('@')
  if (parts.length !== 2 || parts[0] === '') return false
  const labels = parts[1]!.split('.')
  return labels.length >= 2 && labels.every((label) => label !== '')
}

const moved = async (ctx: AppContext, tx: Transaction, change: Parameters<typeof advance>[2]): Promise<IdxAnswer> => ({
  status: 200,
  body: currentResponse(ctx, await advance(ctx, tx, change)),
})

/** "Sign up" on the first page, where the app's policy offers it. */
export async function selectEnrollProfile(ctx: AppContext, tx: Transaction): Promise<IdxAnswer> {
  if (tx.record.step !== 'IDENTIFY' || !registrationFor(ctx, tx.client)) return notAvailable(ctx, tx)
  return moved(ctx, tx, { step: 'ENROLL_PROFILE' })
}

/** "Back to sign in" from the profile form. */
export async function selectIdentify(ctx: AppContext, tx: Transaction): Promise<IdxAnswer> {
  if (tx.record.step !== 'ENROLL_PROFILE') return notAvailable(ctx, tx)
  return moved(ctx, tx, { step: 'IDENTIFY' })
}

export async function enrollProfile(ctx: AppContext, directory: Directory, tx: Transaction, input: Input): Promise<IdxAnswer> {
  if (tx.record.step !== 'ENROLL_PROFILE') return notAvailable(ctx, tx)
  const profile = objectField(input, 'userProfile') ?? {}
  const values: Partial<Record<ProfileField, string>> = {}
  const problems: FieldMessages = {}
  for (const { name } of PROFILE_FIELDS) {
    const value = textField(profile, name)?.trim()
    if (value === undefined || value === '') problems[name] = [IDX_MESSAGES.fieldBlank]
    else values[name] = value
  }
  const email = values.email
  if (email !== undefined && (email.length > MAX_LOGIN_LENGTH || !isEmail(email))) problems.email = [IDX_MESSAGES.emailInvalid]
  const failed = (fields: FieldMessages): IdxAnswer => ({ status: 400, body: enrollProfileResponse(responseContext(ctx, tx), fields) })
  if (Object.keys(problems).length > 0 || email === undefined) return failed(problems)

  const { firstName, lastName } = values as Record<ProfileField, string>
  const user: UserConfig = {
    id: deriveUserId(email),
    login: email,
    // Not a password anyone knows: a STAGED user signs in only after enrolling one.
    password: ctx.ids.secret(),
    profile: { name: `${firstName} ${lastName}`, given_name: firstName, family_name: lastName, email, email_verified: false, preferred_username: email },
    groups: ['Everyone'],
    status: 'STAGED',
  }
  if ((await directory.create(user)) === 'exists') return failed({ email: [IDX_MESSAGES.emailTaken] })
  return moved(ctx, tx, { step: 'ENROLL_SELECT', userId: user.id })
}

const ENROLL_STEPS = new Set(['ENROLL_SELECT', 'ENROLL_PASSWORD', 'ENROLL_EMAIL'])

/**
 * The choice of an authenticator to enrol, in either order: the password (required), or the email
 * (optional), whose code is sent; chosen again during its enrolment, the email sends a new one.
 */
export async function selectAuthenticatorEnroll(ctx: AppContext, tx: Transaction, input: Input): Promise<IdxAnswer> {
  if (!ENROLL_STEPS.has(tx.record.step)) return notAvailable(ctx, tx)
  const authenticator = objectField(input, 'authenticator')
  const id = authenticator && textField(authenticator, 'id')
  const enrolled = enrolledOf(tx.record.amr)
  if (id === PASSWORD_AUTHENTICATOR.id) return enrolled.password ? notAvailable(ctx, tx) : moved(ctx, tx, { step: 'ENROLL_PASSWORD' })
  if (id === EMAIL_AUTHENTICATOR.id) return enrolled.email ? notAvailable(ctx, tx) : enrollEmail(ctx, tx)
  throw badRequest('idx_authenticator_unknown')
}

/** The new password, against the password policy. */
export async function enrollPassword(ctx: AppContext, directory: Directory, tx: Transaction, input: Input): Promise<IdxAnswer> {
  if (tx.record.step !== 'ENROLL_PASSWORD') return notAvailable(ctx, tx)
  const user = userOf(ctx, tx)
  if (!user) throw sessionExpired('idx_registered_user_gone')
  const password = passcodeOf(input)
  const problem: IdxMessage | undefined = password === undefined ? IDX_MESSAGES.fieldBlank : meetsPasswordPolicy(password, user.login) ? undefined : PASSWORD_REQUIREMENTS_NOT_MET
  if (problem !== undefined || password === undefined)
    return { status: 400, body: enrollPasswordResponse(responseContext(ctx, tx, user), enrolledOf(tx.record.amr), { passcode: [problem ?? IDX_MESSAGES.fieldBlank] }) }
  if (!(await directory.setPassword(user.id, password))) throw sessionExpired('idx_registered_user_gone')
  // The email was enrolled first: nothing is left, the new user is signed in.
  if (tx.record.amr.includes('email')) {
    const active = userOf(ctx, tx)
    if (active?.status !== 'ACTIVE') throw sessionExpired('idx_registered_user_gone')
    return succeed(ctx, tx, active, PASSWORD_AND_EMAIL_AMR)
  }
  return moved(ctx, tx, { step: 'ENROLL_SELECT', amr: ['pwd'] })
}

/** `skip`: the optional authenticators are left for later; the registered user is signed in. */
export async function skip(ctx: AppContext, tx: Transaction): Promise<IdxAnswer> {
  if (tx.record.step !== 'ENROLL_SELECT' || !tx.record.amr.includes('pwd')) return notAvailable(ctx, tx)
  const user = userOf(ctx, tx)
  if (user?.status !== 'ACTIVE') throw sessionExpired('idx_registered_user_gone')
  return succeed(ctx, tx, user, ['pwd'])
}
