/**
 * The password policy as the Identity Engine shows it (docs/identity-engine.md, "Registration"): the
 * password authenticator's `settings`, from which the Sign-In Widget lists the rules, and the message
 * that lists every requirement when a new password falls short.
 */
import { PASSWORD_COMPLEXITY, PASSWORD_REQUIREMENTS, PASSWORD_REQUIREMENTS_NOT_MET_TEXT } from '../registry/password-policy.js'
import type { IdxMessage } from './messages.js'

export { meetsPasswordPolicy } from '../registry/password-policy.js'

/** What the enrol and reset forms' `currentAuthenticator.value.settings` show. */
export const PASSWORD_SETTINGS = {
  complexity: { ...PASSWORD_COMPLEXITY, excludeAttributes: [] as string[] },
  age: { minAgeMinutes: 0, historyCount: 4 },
} as const

export const PASSWORD_REQUIREMENTS_NOT_MET: IdxMessage = {
  message: PASSWORD_REQUIREMENTS_NOT_MET_TEXT,
  // The requirements are also the key's parameter, as the widget's translation takes them.
  i18n: { key: 'password.passwordRequirementsNotMet', params: [PASSWORD_REQUIREMENTS] },
  class: 'ERROR',
}
