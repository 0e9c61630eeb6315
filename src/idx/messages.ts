/**
 * The IDX messages mockta answers with: Okta's i18n keys and English texts, as the Sign-In Widget's
 * captures and okta-auth-js's test factories show them. Those marked [UNCONFIRMED] in
 * docs/identity-engine.md ("Departures") were not seen in an Okta answer.
 */
export interface IdxMessage {
  message: string
  i18n: { key: string; params?: unknown[] }
  class: 'ERROR' | 'INFO' | 'WARNING'
}

const error = (key: string, message: string): IdxMessage => ({ message, i18n: { key }, class: 'ERROR' })

export const IDX_MESSAGES = {
  /** A wrong password or an unknown user on the one-step form: the same answer, so no account is disclosed. */
  authenticationFailed: error('errors.E0000004', 'Authentication failed'),
  /** A wrong password on the password challenge. */
  incorrectPassword: error('incorrectPassword', 'Password is incorrect'),
  /** An unknown, expired, cancelled or redeemed stateHandle or interaction handle. */
  sessionExpired: error('idx.session.expired', 'You have been logged out due to inactivity. Refresh or return to the sign in screen.'),
  /** [UNCONFIRMED] key: the Sign-In Widget's text for E0000119. */
  lockedOut: error('errors.E0000119', 'Your account is locked. Please contact your administrator.'),
  /** Registration: the email is another user's login (a field message of `userProfile.email`). */
  emailTaken: { message: 'A user with this Email already exists', i18n: { key: 'registration.error.notUniqueWithinOrg', params: ['Email'] }, class: 'ERROR' },
  /** Registration: the email is not an address. */
  emailInvalid: { message: "'Email' must be in the form of an email address", i18n: { key: 'registration.error.invalidLoginEmail', params: ['Email'] }, class: 'ERROR' },
  /** [UNCONFIRMED]: a required field left empty (the Sign-In Widget's text for the key). */
  fieldBlank: error('model.validation.field.blank', 'This field cannot be left blank'),
  /** A body that is not JSON, not an object, or misses what the remediation needs. */
  badRequest: error('errors.E0000020', 'Bad request.'),
  /** [UNCONFIRMED]: an IDX path mockta does not serve. */
  notFound: error('errors.E0000007', 'Not found: Resource not found'),
  /** [UNCONFIRMED]: a method other than POST on an IDX path. */
  methodNotAllowed: error('errors.E0000022', 'The endpoint does not support the provided HTTP method'),
  /** A wrong or expired email code, on the passcode field (Okta's capture of a wrong email code). */
  passcodeInvalid: { message: 'Invalid code. Try again.', i18n: { key: 'api.authn.error.PASSCODE_INVALID', params: [] }, class: 'ERROR' },
  /** The magic link's page, once it verified the challenge: the first tab goes on by its poll. */
  returnToOriginalTab: { message: 'Please return to the original tab.', i18n: { key: 'idx.return.to.original.tab' }, class: 'INFO' },
  /** A magic link that is expired, replaced by a resend, or already used. */
  linkExpired: error('idx.return.link.expired', 'This email link has expired. To resend it, return to the screen where you requested it.'),
  /** [UNCONFIRMED]: a remediation the current response does not offer. */
  notAvailable: error('errors.E0000020', 'Bad request.'),
} as const satisfies Record<string, IdxMessage>
