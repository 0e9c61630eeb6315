/**
 * The IDX response envelope (docs/identity-engine.md, "Responses"): Okta's Ion-style body that
 * okta-auth-js and the Sign-In Widget parse. Every href is absolute, built from the base URL, because
 * the client follows them as given; every form repeats the stateHandle as an immutable field.
 */
import type { Client } from '../registry/clients.js'
import type { User } from '../registry/users.js'
import type { IdxMessage } from './messages.js'

export const IDX_VERSION = '1.0.0'
/** What IDX answers are, and what the forms ask for (Okta's values). */
export const ION_JSON = `application/ion+json; okta-version=${IDX_VERSION}`
export const FORM_ACCEPTS = `application/json; okta-version=${IDX_VERSION}`

/** The org's authenticators (docs/identity-engine.md § Email code): Okta's ids are `aut` and 17 characters. */
export const PASSWORD_AUTHENTICATOR = { id: 'autpassword000000001', key: 'okta_password', type: 'password', displayName: 'Password' } as const
/** The email authenticator: every user's is their profile's `email`; each enrollment's id is `eae` and the user id's 17 characters. */
export const EMAIL_AUTHENTICATOR = { id: 'autemail000000000001', key: 'okta_email', type: 'email', displayName: 'Email' } as const
export type Authenticator = typeof PASSWORD_AUTHENTICATOR | typeof EMAIL_AUTHENTICATOR

/** An authenticator as the `authenticators` lists show it: with its one method. */
export const authenticatorValue = (a: Authenticator): IdxBody => ({ ...a, methods: [{ type: a.type }] })

export type IdxBody = Record<string, unknown>

export interface ResponseContext {
  /** The origin of every href (the configured base URL). */
  baseUrl: string
  /** `{issuer}/v1` or `{base}/oauth2/v1`: where the interaction code is redeemed. */
  endpointBase: string
  stateHandle: string
  expiresAtMs: number
  client: Client
  user: User | undefined
  /** Whether the password authenticator offers `recover` (identityEngine.passwordRecovery). */
  passwordRecovery?: boolean
}

export interface Field {
  name: string
  [attribute: string]: unknown
}

const stateHandleField = (rc: ResponseContext): Field => ({ name: 'stateHandle', required: true, value: rc.stateHandle, visible: false, mutable: false })

export const passcodeField = (): Field => ({
  name: 'credentials',
  type: 'object',
  required: true,
  form: { value: [{ name: 'passcode', label: 'Password', secret: true }] },
})

export function form(rc: ResponseContext, name: string, path: string, fields: Field[], extra: Record<string, unknown> = {}): IdxBody {
  return {
    rel: ['create-form'],
    name,
    href: `${rc.baseUrl}/idp/idx/${path}`,
    method: 'POST',
    produces: ION_JSON,
    ...extra,
    value: [...fields, stateHandleField(rc)],
    accepts: FORM_ACCEPTS,
  }
}

const messagesOf = (messages: readonly IdxMessage[]): IdxBody | undefined => (messages.length === 0 ? undefined : { type: 'array', value: messages.map((m) => structuredClone(m)) })

export function envelope(rc: ResponseContext, members: IdxBody, messages: readonly IdxMessage[]): IdxBody {
  const body: IdxBody = {
    version: IDX_VERSION,
    stateHandle: rc.stateHandle,
    expiresAt: new Date(rc.expiresAtMs).toISOString().replace(/\.\d{3}Z$/, '.000Z'),
    intent: 'LOGIN',
    ...members,
  }
  const list = messagesOf(messages)
  if (list) body['messages'] = list
  if (rc.user) body['user'] = { type: 'object', value: userValue(rc.user) }
  body['cancel'] = form(rc, 'cancel', 'cancel', [])
  body['app'] = { type: 'object', value: { name: 'oidc_client', label: rc.client.name, id: rc.client.id } }
  return body
}

function userValue(user: User): IdxBody {
  const p = user.profile
  const profile: IdxBody = {}
  for (const [key, claim] of [
    ['firstName', 'given_name'],
    ['lastName', 'family_name'],
    ['timeZone', 'zoneinfo'],
    ['locale', 'locale'],
  ] as const) {
    if (typeof p[claim] === 'string') profile[key] = p[claim]
  }
  return { id: user.id, identifier: user.login, profile }
}

/** The first page: username and password on one form, or the username alone (identifier first). */
export function identifyResponse(rc: ResponseContext, identifierFirst: boolean, messages: readonly IdxMessage[] = [], registration = false): IdxBody {
  const fields: Field[] = [{ name: 'identifier', label: 'Username', required: true }]
  if (!identifierFirst) fields.push(passcodeField())
  fields.push({ name: 'rememberMe', type: 'boolean', label: 'Keep me signed in' })
  const forms = [form(rc, 'identify', 'identify', fields)]
  // Sign-up, when the app's policy allows it (docs/identity-engine.md, "Registration").
  if (registration) forms.push(form(rc, 'select-enroll-profile', 'enroll', []))
  const members: IdxBody = { remediation: { type: 'array', value: forms } }
  // The one-step form offers recovery as Okta's does: `currentAuthenticator-recover`, which okta-auth-js reads as the feature.
  if (rc.passwordRecovery && !identifierFirst) members['currentAuthenticator'] = { type: 'object', value: { ...passwordEnrollment(), recover: recoverAction(rc) } }
  return envelope(rc, members, messages)
}

const passwordEnrollment = (): IdxBody => authenticatorValue(PASSWORD_AUTHENTICATOR)

/** The password authenticator's `recover` action (docs/identity-engine.md § Password recovery). */
export const recoverAction = (rc: ResponseContext): IdxBody => form(rc, 'recover', 'recover', [])

/** The password challenge of an identified user, with the choice of authenticator (the password only, here). */
export function challengePasswordResponse(rc: ResponseContext, messages: readonly IdxMessage[] = []): IdxBody {
  const challenge = form(rc, 'challenge-authenticator', 'challenge/answer', [passcodeField()], { relatesTo: ['$.currentAuthenticatorEnrollment'] })
  const option = {
    label: PASSWORD_AUTHENTICATOR.displayName,
    value: {
      form: {
        value: [
          { name: 'id', required: true, value: PASSWORD_AUTHENTICATOR.id, mutable: false },
          { name: 'methodType', required: false, value: 'password', mutable: false },
        ],
      },
    },
    relatesTo: '$.authenticatorEnrollments.value[0]',
  }
  const select = form(rc, 'select-authenticator-authenticate', 'challenge', [{ name: 'authenticator', type: 'object', options: [option] }])
  return envelope(
    rc,
    {
      remediation: { type: 'array', value: [challenge, select] },
      currentAuthenticatorEnrollment: { type: 'object', value: rc.passwordRecovery ? { ...passwordEnrollment(), recover: recoverAction(rc) } : passwordEnrollment() },
      authenticators: { type: 'array', value: [passwordEnrollment()] },
      authenticatorEnrollments: { type: 'array', value: [passwordEnrollment()] },
    },
    messages,
  )
}

/** The embedded sign-in's end: the interaction code and how to redeem it (no remediation). */
export function successResponse(rc: ResponseContext, interactionCode: string): IdxBody {
  return envelope(
    rc,
    {
      successWithInteractionCode: {
        rel: ['create-form'],
        name: 'issue',
        href: `${rc.endpointBase}/token`,
        method: 'POST',
        value: [
          { name: 'grant_type', required: true, value: 'interaction_code' },
          { name: 'interaction_code', required: true, value: interactionCode },
          { name: 'client_id', required: true, value: rc.client.id },
          ...(rc.client.secret === undefined ? [] : [{ name: 'client_secret', required: true }]),
          { name: 'code_verifier', required: true },
        ],
        accepts: 'application/x-www-form-urlencoded',
      },
    },
    [],
  )
}

/**
 * The hosted sign-in page's end (docs/sign-in-widget.md § hosted): no interaction code, but where the
 * widget sends the browser, with a form GET, to be signed in and sent back to the app.
 */
export function successRedirectResponse(rc: ResponseContext, href: string): IdxBody {
  return envelope(rc, { success: { name: 'success-redirect', href } }, [])
}

/**
 * An answer without a transaction (expired or unknown handle, malformed request): messages only, so
 * clients show it as terminal. Nothing from the request is repeated in it.
 */
export const terminalResponse = (messages: readonly IdxMessage[]): IdxBody => ({ version: IDX_VERSION, intent: 'LOGIN', messages: messagesOf(messages) })
