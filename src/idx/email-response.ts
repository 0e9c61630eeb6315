/**
 * The IDX responses of the email authenticator and of password recovery (docs/identity-engine.md §
 * Email code, § Password recovery), shaped as Okta's recorded answers: the choice of the email
 * authenticator, its challenge with `resend` and `poll`, the recovery's identify form and the new
 * password form with the password policy's settings.
 */
import type { User } from '../registry/users.js'
import { maskEmail } from './email-codes.js'
import type { IdxMessage } from './messages.js'
import { PASSWORD_SETTINGS } from './password-policy.js'
import { authenticatorValue, EMAIL_AUTHENTICATOR, envelope, form, PASSWORD_AUTHENTICATOR, type Field, type IdxBody, type ResponseContext } from './response.js'

/** How often the Sign-In Widget polls for the magic link, in milliseconds (Okta's value). */
export const POLL_REFRESH_MS = 4000

export const emailEnrollmentId = (userId: string | null): string => `eae${(userId ?? '00u00000000000000000').slice(3)}`

const emailEnrollment = (userId: string | null): IdxBody => ({ ...authenticatorValue(EMAIL_AUTHENTICATOR), id: emailEnrollmentId(userId) })

/** Where the address to show comes from: the user's, or, for an unknown user in a recovery, the identifier typed. */
export interface EmailTarget {
  userId: string | null
  address: string
}

function selectEmailForm(rc: ResponseContext): IdxBody {
  const option = {
    label: EMAIL_AUTHENTICATOR.displayName,
    value: {
      form: {
        value: [
          { name: 'id', required: true, value: EMAIL_AUTHENTICATOR.id, mutable: false },
          { name: 'methodType', required: false, value: 'email', mutable: false },
        ],
      },
    },
    relatesTo: '$.authenticatorEnrollments.value[0]',
  }
  return form(rc, 'select-authenticator-authenticate', 'challenge', [{ name: 'authenticator', type: 'object', options: [option] }])
}

/** After the password (or a recovery's identify): the email authenticator to choose. */
export function selectEmailResponse(rc: ResponseContext, target: EmailTarget, messages: readonly IdxMessage[] = []): IdxBody {
  return envelope(
    rc,
    {
      remediation: { type: 'array', value: [selectEmailForm(rc)] },
      authenticators: { type: 'array', value: [authenticatorValue(EMAIL_AUTHENTICATOR)] },
      authenticatorEnrollments: { type: 'array', value: [emailEnrollment(target.userId)] },
    },
    messages,
  )
}

export const codeField = (messages: readonly IdxMessage[]): Field => ({
  name: 'credentials',
  type: 'object',
  required: true,
  form: { value: [{ name: 'passcode', label: 'Enter code', ...(messages.length > 0 && { messages: { type: 'array', value: messages.map((m) => structuredClone(m)) } }) }] },
})

/**
 * The email challenge: the code form, the choice again, and the enrollment with the masked address,
 * `resend` and `poll`. A wrong code is a message on the passcode field, as Okta puts it.
 */
export function challengeEmailResponse(rc: ResponseContext, target: EmailTarget, messages: readonly IdxMessage[] = [], codeMessages: readonly IdxMessage[] = []): IdxBody {
  const challenge = form(rc, 'challenge-authenticator', 'challenge/answer', [codeField(codeMessages)], { relatesTo: ['$.currentAuthenticatorEnrollment'] })
  return envelope(
    rc,
    {
      remediation: { type: 'array', value: [challenge, selectEmailForm(rc)] },
      currentAuthenticatorEnrollment: {
        type: 'object',
        value: {
          ...emailEnrollment(target.userId),
          profile: { email: maskEmail(target.address) },
          resend: form(rc, 'resend', 'challenge/resend', []),
          poll: form(rc, 'poll', 'challenge/poll', [], { refresh: POLL_REFRESH_MS }),
        },
      },
      authenticators: { type: 'array', value: [authenticatorValue(EMAIL_AUTHENTICATOR)] },
      authenticatorEnrollments: { type: 'array', value: [emailEnrollment(target.userId)] },
    },
    messages,
  )
}

/** The recovery's first form: the username alone. */
export function identifyRecoveryResponse(rc: ResponseContext, messages: readonly IdxMessage[] = []): IdxBody {
  return envelope(rc, { remediation: { type: 'array', value: [form(rc, 'identify-recovery', 'identify', [{ name: 'identifier', label: 'Username', required: true }])] } }, messages)
}

/** The new password, with the policy the widget shows; a rejected one is a message on the passcode field. */
export function resetPasswordResponse(rc: ResponseContext, messages: readonly IdxMessage[] = [], passcodeMessages: readonly IdxMessage[] = []): IdxBody {
  const passcode: Field = {
    name: 'passcode',
    label: 'New password',
    secret: true,
    ...(passcodeMessages.length > 0 && { messages: { type: 'array', value: passcodeMessages.map((m) => structuredClone(m)) } }),
  }
  const reset = form(
    rc,
    'reset-authenticator',
    'challenge/answer',
    [{ name: 'credentials', type: 'object', required: true, form: { value: [passcode, { name: 'revokeSessions', type: 'boolean', label: 'Sign me out of all other devices' }] } }],
    { relatesTo: ['$.currentAuthenticator'] },
  )
  const password = authenticatorValue(PASSWORD_AUTHENTICATOR)
  return envelope(
    rc,
    {
      remediation: { type: 'array', value: [reset] },
      currentAuthenticator: { type: 'object', value: { ...password, settings: structuredClone(PASSWORD_SETTINGS) } },
      authenticators: { type: 'array', value: [password] },
    },
    messages,
  )
}

/** The address of a user's email authenticator: their profile's `email`; none, no email authenticator. */
export function emailAddressOf(user: User): string | undefined {
  const address = user.profile['email']
  return typeof address === 'string' && address !== '' ? address : undefined
}

/** What the email steps show: the user's address, or what an unknown user typed (nothing is sent to it). */
export function emailTargetOf(user: User | undefined, identifier: string | undefined): EmailTarget {
  const address = user && emailAddressOf(user)
  return { userId: user?.id ?? null, address: address ?? identifier ?? '' }
}
