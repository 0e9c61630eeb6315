/**
 * Users for the Authentication API's factors and expired passwords (docs/authentication-api.md § 1.4,
 * § 1.5): added to a test configuration, resolved as the configuration file would resolve them.
 */
import { resolveUser } from '../../src/config/load.js'
import type { Config, UserConfig } from '../../src/config/types.js'

export const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

export const CAROL = { username: 'carol@example.com', password: 'carol-password' }
/** A password that has expired, no factor. */
export const DAVE = { username: 'dave@example.com', password: 'dave-password' }
/** A TOTP factor and a password that has expired: the factor is asked for first. */
export const ERIN = { username: 'erin@example.com', password: 'erin-password' }
/** A new password that meets the policy. */
export const GOOD_NEW_PASSWORD = 'Fresh-Passw0rd'

export const MFA_USERS: UserConfig[] = [
  resolveUser({
    login: CAROL.username,
    password: CAROL.password,
    profile: { firstName: 'Carol', lastName: 'Chen', email: 'carol@example.com' },
    factors: [{ type: 'token:software:totp', secret: TOTP_SECRET }, { type: 'email' }],
  }),
  resolveUser({ login: DAVE.username, password: DAVE.password, status: 'PASSWORD_EXPIRED', profile: { firstName: 'Dave' } }),
  resolveUser({ login: ERIN.username, password: ERIN.password, status: 'PASSWORD_EXPIRED', factors: [{ type: 'token:software:totp', secret: TOTP_SECRET }] }),
]

export const [CAROL_USER, DAVE_USER, ERIN_USER] = MFA_USERS as [UserConfig, UserConfig, UserConfig]

/** Adds the users above to a configuration (testConfig's `change`), in place of the fixture's users of the same login. */
export function withMfaUsers(c: Config): void {
  const logins = new Set(MFA_USERS.map((u) => u.login))
  c.users = c.users.filter((u) => !logins.has(u.login))
  c.users.push(...structuredClone(MFA_USERS))
}

export const factorIdOf = (user: UserConfig, type: 'token:software:totp' | 'email'): string => user.factors!.find((f) => f.type === type)!.id
