/**
 * The password policy a reset must meet (docs/identity-engine.md § Password recovery): Okta's default
 * complexity, shown to clients as the password authenticator's `settings` and checked on
 * reset-authenticator, failing with Okta's `password.passwordRequirementsNotMet`.
 */
import type { User } from '../registry/users.js'
import type { IdxMessage } from './messages.js'

const REQUIREMENTS = 'Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username.'

export const PASSWORD_POLICY = {
  settings: {
    complexity: { minLength: 8, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 0, excludeUsername: true, excludeAttributes: [] },
    age: { minAgeMinutes: 0, historyCount: 0 },
  },
  notMet: {
    message: `Password requirements were not met. ${REQUIREMENTS}`,
    i18n: { key: 'password.passwordRequirementsNotMet', params: [REQUIREMENTS] },
    class: 'ERROR',
  } satisfies IdxMessage,
} as const

/** Whether a new password meets the policy for this user; "parts of the username" are its local part's pieces of 3+ characters. */
export function meetsPasswordPolicy(password: string, user: User): boolean {
  if (password.length < 8 || !/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/[0-9]/.test(password)) return false
  const lower = password.toLowerCase()
  const parts = (user.login.split('@')[0] ?? '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((p) => p.length >= 3)
  return !parts.some((p) => lower.includes(p))
}
