/**
 * The password policy a new password must meet, at registration and at a recovery's reset (docs/identity-engine.md, "Registration"): Okta's
 * default policy of an Identity Engine org, as its `settings.complexity` shows it, and the message Okta
 * answers when a password falls short, which lists every requirement, met or not.
 */
import type { IdxMessage } from './messages.js'

/** What the enrol form's `currentAuthenticator.value.settings` shows; the Sign-In Widget lists the rules from it. */
export const PASSWORD_SETTINGS = {
  complexity: { minLength: 8, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 0, excludeUsername: true, excludeAttributes: [] as string[] },
  age: { minAgeMinutes: 0, historyCount: 4 },
} as const

const REQUIREMENTS = 'Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username.'

export const PASSWORD_REQUIREMENTS_NOT_MET: IdxMessage = {
  message: `Password requirements were not met. ${REQUIREMENTS}`,
  // The requirements are also the key's parameter, as the widget's translation takes them.
  i18n: { key: 'password.passwordRequirementsNotMet', params: [REQUIREMENTS] },
  class: 'ERROR',
}

/**
 * Okta's "no parts of your username": the login split at its delimiters; parts of three characters or
 * more must not appear in the password, whatever their case.
 */
function usernameParts(login: string): string[] {
  return login
    .toLowerCase()
    .split(/[,.\-_#@+]/)
    .filter((part) => part.length >= 3)
}

export function meetsPasswordPolicy(password: string, login: string): boolean {
  const { minLength } = PASSWORD_SETTINGS.complexity
  if (password.length < minLength) return false
  if (!/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/[0-9]/.test(password)) return false
  const lower = password.toLowerCase()
  return !usernameParts(login).some((part) => lower.includes(part))
}
