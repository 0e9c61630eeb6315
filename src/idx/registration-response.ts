/**
 * The answers of self-service registration (docs/identity-engine.md, "Registration"), shaped as Okta's
 * captures show them: the profile form (`enroll-profile`), the choice of an authenticator to enrol
 * (`select-authenticator-enroll`, with `skip` once only optional ones are left) and the new password
 * (`enroll-authenticator`, with the password policy in `currentAuthenticator.value.settings`).
 */
import type { InteractionStep } from '../store/interaction-store.js'
import type { IdxMessage } from './messages.js'
import { PASSWORD_SETTINGS } from './password-policy.js'
import { envelope, form, PASSWORD_AUTHENTICATOR, type Field, type IdxBody, type ResponseContext } from './response.js'

/** The email authenticator, offered as optional at registration; Okta's ids are `aut` and 17 characters. */
export const EMAIL_AUTHENTICATOR = { id: 'autemail000000000001', key: 'okta_email', type: 'email', displayName: 'Email' } as const

/** The profile attributes Okta's default profile enrollment policy asks for, in its order. */
export const PROFILE_FIELDS = [
  { name: 'firstName', label: 'First name' },
  { name: 'lastName', label: 'Last name' },
  { name: 'email', label: 'Email' },
] as const
export type ProfileField = (typeof PROFILE_FIELDS)[number]['name']

/** Field messages by field name: the profile attributes, or `passcode` for the new password. */
export type FieldMessages = Partial<Record<ProfileField | 'passcode', IdxMessage[]>>

type Authenticator = typeof PASSWORD_AUTHENTICATOR | typeof EMAIL_AUTHENTICATOR

const methodOf = (a: Authenticator): string => a.type
const authenticatorValue = (a: Authenticator): IdxBody => ({ ...a, methods: [{ type: methodOf(a) }] })
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

/** The authenticators still to enrol: the password until it is set, and the email, which is optional. */
const toEnrol = (passwordEnrolled: boolean): Authenticator[] => (passwordEnrolled ? [EMAIL_AUTHENTICATOR] : [PASSWORD_AUTHENTICATOR, EMAIL_AUTHENTICATOR])

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
export function selectEnrollResponse(rc: ResponseContext, passwordEnrolled: boolean, messages: readonly IdxMessage[] = []): IdxBody {
  const authenticators = toEnrol(passwordEnrolled)
  const forms = [selectEnrollForm(rc, authenticators)]
  if (passwordEnrolled) forms.push(form(rc, 'skip', 'skip', []))
  return envelope(rc, { remediation: { type: 'array', value: forms }, authenticators: { type: 'array', value: authenticators.map(authenticatorValue) } }, messages)
}

/** The new password's form, with the policy it must meet. */
export function enrollPasswordResponse(rc: ResponseContext, fieldMessages: FieldMessages = {}, messages: readonly IdxMessage[] = []): IdxBody {
  const credentials: Field = {
    name: 'credentials',
    type: 'object',
    required: true,
    form: { value: [withMessages({ name: 'passcode', label: 'Enter password', secret: true }, fieldMessages.passcode)] },
  }
  const authenticators = toEnrol(false)
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

/** The current response of a registration step (what introspect shows). */
export function registrationResponse(rc: ResponseContext, step: InteractionStep, passwordEnrolled: boolean, messages: readonly IdxMessage[] = []): IdxBody {
  if (step === 'ENROLL_PROFILE') return enrollProfileResponse(rc, {}, messages)
  if (step === 'ENROLL_PASSWORD') return enrollPasswordResponse(rc, {}, messages)
  return selectEnrollResponse(rc, passwordEnrolled, messages)
}
