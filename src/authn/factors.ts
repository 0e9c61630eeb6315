/**
 * A user's enrolled factors as the Authentication API lists them (docs/authentication-api.md § 1.4):
 * Okta's factor objects, with the verify link each one's `verify()` in okta-auth-js posts to.
 */
import type { FactorConfig } from '../config/types.js'
import type { User } from '../registry/users.js'

export type Factor = FactorConfig

export const factorsOf = (user: User): readonly Factor[] => user.factors ?? []

export const findFactor = (user: User, factorId: string): Factor | undefined => factorsOf(user).find((f) => f.id === factorId)

/** Okta shows an address as its first and last local characters around `...` ("a...1@example.com"). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  const local = at < 0 ? email : email.slice(0, at)
  const domain = at < 0 ? '' : email.slice(at)
  return local.length <= 1 ? `${local}...${domain}` : `${local[0]}...${local[local.length - 1]}${domain}`
}

/** The factor's `profile`: the TOTP credential is named by the login, the email factor by its masked address. */
export function factorProfile(factor: Factor, user: User): Record<string, string> {
  return factor.type === 'email' ? { email: maskEmail(factor.email) } : { credentialId: user.login }
}

/** `{ id, factorType, provider, vendorName, profile }`, as in Okta's MFA_REQUIRED and MFA_CHALLENGE bodies. */
export function factorBody(factor: Factor, user: User): Record<string, unknown> {
  return { id: factor.id, factorType: factor.type, provider: 'OKTA', vendorName: 'OKTA', profile: factorProfile(factor, user) }
}
