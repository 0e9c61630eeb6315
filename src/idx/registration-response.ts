/**
 * The answers of self-service registration (docs/identity-engine.md, "Registration"), shaped as Okta's
 * captures show them: the profile form (`enroll-profile`), the choice of an authenticator to enrol
 * (`select-authenticator-enroll`, with `skip` once only optional ones are left) and the new password
 * (`enroll-authenticator`, with the password policy in `currentAuthenticator.value.settings`), and the
 * email's code (`enroll-authenticator` again, with `resend` and `poll` on `currentAuthenticator`).
 */
import type { InteractionStep } from '../store/interaction-store.js'
import type { IdxMessage } from './messages.js'
import { PASSWORD_SETTINGS } from './password-policy.js'
import { codeField, POLL_REFRESH_MS } from './email-response.js'
import { authenticatorValue, EMAIL_AUTHENTICATOR, envelope, form, PASSWORD_AUTHENTICATOR, type Authenticator, type Field, type IdxBody, type ResponseContext } from './response.js'

/** The profile attributes Okta's default profile enrollment policy asks for, in its order. */
export const PROFILE_FIELDS = [
  { name: 'firstName', label: 'First name' },
  { name: 'lastName', label: 'Last name' },
  { name: 'email', label: 'Email' },
] as const
export type ProfileField = (typeof PROFILE_FIELDS)[number]['name']

/** Field messages by field name: the profile attributes, or `passcode` for the new password. */
export type FieldMessages = Partial<Record<ProfileField | 'passcode', IdxMessage[]>>

/** What the user has enrolled so far, read from the transaction's `amr` (`pwd`, `email`). */
export interface Enrolled {
  password: boolean
  email: boolean
}

export const enrolledOf = (amr: readonly string[]): Enrolled => ({ password: amr.includes('pwd'), email: amr.includes('email') })

const methodOf = (a: Authenticator): string => a.type
const withMessages = (field: Field, messages: IdxMessage[] | undefined): Field =>
  messages === undefined || messages.length === 0 ? field : { ...field, messages: { type: 'array', value: messages.map((m) => structuredClone(m)) } }

/** What the profile form shows, and where its errors go. */
export function enrollProfileResponse(rc: ResponseContext, fieldMessages: FieldMessages = {}, messages: readonly IdxMessage[] = []): IdxBody {
  const profile: Field = {
    name: 'userProfile',
    form: { value: PROFILE_FIELDS.map((f) => withMessages({ name: f.name, label: f.label, required: true }, fieldMessages[f.name])) },
  }
  return envelope(
    rc,
    // `select-identify` is the page's "back to sign in".
    { remediation: { type: 'array', value: [form(rc, 'enroll-profile', 'enroll/new', [profile]), form(rc, 'select-identify', 'identify/select', [])] } },
    messages,
  )
}

/** The authenticators still to enrol: the password (required) until it is set, and the email (optional) until it is. */
const toEnrol = (enrolled: Enrolled): Authenticator[] => [...(enrolled.password ? [] : [PASSWORD_AUTHENTICATOR]), ...(enrolled.email ? [] : [EMAIL_AUTHENTICATOR])]

function selectEnrollForm(rc: ResponseContext, authenticators: Authenticator[]): IdxBody {
  const options = authenticators.map((a, i) => ({
    label: a.displayName,
    value: {
      form: {
        value: [
          { name: 'id', required: true, value: a.id, mutable: false },
          { name: 'methodType', required: false, value: methodOf(a), mutable: false },
        ],
      },
    },
    relatesTo: `$.authenticators.value[${i}]`,
  }))
  return form(rc, 'select-authenticator-enroll', 'credential/enroll', [{ name: 'authenticator', type: 'object', required: true, options }])
}

/** The choice of an authenticator to enrol; `skip` once the password is set (the email is optional). */
export function selectEnrollResponse(rc: ResponseContext, enrolled: Enrolled, messages: readonly IdxMessage[] = []): IdxBody {
  const authenticators = toEnrol(enrolled)
  const forms = [selectEnrollForm(rc, authenticators)]
  if (enrolled.password) forms.push(form(rc, 'skip', 'skip', []))
  return envelope(rc, { remediation: { type: 'array', value: forms }, authenticators: { type: 'array', value: authenticators.map(authenticatorValue) } }, messages)
}

/** The new password's form, with the policy it must meet. */
export function enrollPasswordResponse(rc: ResponseContext, enrolled: Enrolled, fieldMessages: FieldMessages = {}, messages: readonly IdxMessage[] = []): IdxBody {
  const credentials: Field = {
    name: 'credentials',
    type: 'object',
    required: true,
    form: { value: [withMessages({ name: 'passcode', label: 'Enter password', secret: true }, fieldMessages.passcode)] },
  }
  const authenticators = toEnrol(enrolled)
  return envelope(
    rc,
    {
      remediation: {
        type: 'array',
        value: [form(rc, 'enroll-authenticator', 'challenge/answer', [credentials], { relatesTo: ['$.currentAuthenticator'] }), selectEnrollForm(rc, authenticators)],
      },
      currentAuthenticator: { type: 'object', value: { ...authenticatorValue(PASSWORD_AUTHENTICATOR), settings: structuredClone(PASSWORD_SETTINGS) } },
      authenticators: { type: 'array', value: authenticators.map(authenticatorValue) },
    },
    messages,
  )
}

/**
 * The email's enrolment: the code form, the choice again, and the email authenticator as
 * `currentAuthenticator` with `resend` and `poll`, as Okta's recorded answer has them
 * (docs/identity-engine.md, "Registration"). A wrong code is a message on the passcode field.
 */
export function enrollEmailResponse(rc: ResponseContext, enrolled: Enrolled, messages: readonly IdxMessage[] = [], codeMessages: readonly IdxMessage[] = []): IdxBody {
  const authenticators = toEnrol(enrolled)
  const enroll = form(rc, 'enroll-authenticator', 'challenge/answer', [codeField(codeMessages)], { relatesTo: ['$.currentAuthenticator'] })
  return envelope(
    rc,
    {
      remediation: { type: 'array', value: [enroll, selectEnrollForm(rc, authenticators)] },
      currentAuthenticator: {
        type: 'object',
        value: {
          ...authenticatorValue(EMAIL_AUTHENTICATOR),
          resend: form(rc, 'resend', 'challenge/resend', []),
          poll: form(rc, 'poll', 'challenge/poll', [], { refresh: POLL_REFRESH_MS }),
        },
      },
      authenticators: { type: 'array', value: authenticators.map(authenticatorValue) },
      authenticatorEnrollments: { type: 'array', value: enrolled.password ? [authenticatorValue(PASSWORD_AUTHENTICATOR)] : [] },
      enrollmentAuthenticator: { type: 'object', value: authenticatorValue(EMAIL_AUTHENTICATOR) },
    },
    messages,
  )
}

/** The current response of a registration step (what introspect shows). */
export function registrationResponse(rc: ResponseContext, step: InteractionStep, enrolled: Enrolled, messages: readonly IdxMessage[] = []): IdxBody {
  if (step === 'ENROLL_PROFILE') return enrollProfileResponse(rc, {}, messages)
  if (step === 'ENROLL_PASSWORD') return enrollPasswordResponse(rc, enrolled, {}, messages)
  if (step === 'ENROLL_EMAIL') return enrollEmailResponse(rc, enrolled, messages)
  return selectEnrollResponse(rc, enrolled, messages)
}
