/**
 * The password policy a changed password must meet (docs/authentication-api.md § 1.5): Okta's default
 * policy's complexity (at least 8 characters, a lowercase and an uppercase letter, a number, no part
 * of the username), shown in PASSWORD_EXPIRED's `_embedded.policy` and checked by change_password.
 */
import type { User } from '../registry/users.js'

export const PASSWORD_COMPLEXITY = { minLength: 8, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 0, excludeUsername: true } as const

/** Okta's requirements sentence, the E0000080 cause. */
export const PASSWORD_REQUIREMENTS =
  'Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username.'

/** The parts of a username Okta looks for: the login's local part, split on its punctuation, of 4 characters or more. */
const usernameParts = (login: string): string[] =>
  (login.split('@')[0] ?? '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((p) => p.length >= 4)

export function meetsPolicy(user: User, password: string): boolean {
  const lower = password.toLowerCase()
  return (
    password.length >= PASSWORD_COMPLEXITY.minLength &&
    /[a-z]/.test(password) &&
    /[A-Z]/.test(password) &&
    /[0-9]/.test(password) &&
    !usernameParts(user.login).some((part) => lower.includes(part))
  )
}
