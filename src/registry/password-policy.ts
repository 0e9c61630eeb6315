/**
 * Okta's default password policy, the one every new password meets: a registration's first
 * (docs/identity-engine.md, "Registration"), a recovery's reset and an expired one changed through
 * the Authentication API (docs/authentication-api.md § 1.5). The complexity is what both APIs show
 * clients, and the requirements sentence what both answer when a password falls short.
 */

export const PASSWORD_COMPLEXITY = { minLength: 8, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 0, excludeUsername: true } as const

/** Every requirement, met or not, as Okta lists them. */
export const PASSWORD_REQUIREMENTS = 'Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username.'

/** Okta's answer to a password that falls short. */
export const PASSWORD_REQUIREMENTS_NOT_MET_TEXT = `Password requirements were not met. ${PASSWORD_REQUIREMENTS}`

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
  if (password.length < PASSWORD_COMPLEXITY.minLength) return false
  if (!/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/[0-9]/.test(password)) return false
  const lower = password.toLowerCase()
  return !usernameParts(login).some((part) => lower.includes(part))
}
