/**
 * The Authentication API's transaction bodies as Okta shapes them (docs/authentication-api.md § 1):
 * `status`, and for a transaction that goes on its `stateToken`, `expiresAt`, `_embedded` (the user,
 * the factors, the password policy) and the HAL `_links` okta-auth-js turns into methods
 * (`verify()`, `changePassword()`, `prev()`, `resend()`, `cancel()`).
 */
import type { AppContext } from '../context.js'
import type { User } from '../registry/users.js'
import { factorBody, factorsOf, findFactor } from './factors.js'
import { PASSWORD_COMPLEXITY } from '../registry/password-policy.js'
import type { AuthnOutcome } from './primary-authentication.js'

export const AUTHN_PATH = '/api/v1/authn'

const post = (href: string, name?: string): Record<string, unknown> => ({ ...(name !== undefined && { name }), href, hints: { allow: ['POST'] } })

/** `_embedded.user` as Okta shapes it: the id and the login profile in Okta's names. */
export function authnUser(user: User): Record<string, unknown> {
  const p = user.profile
  const text = (name: string): string | undefined => (typeof p[name] === 'string' ? (p[name] as string) : undefined)
  return {
    id: user.id,
    profile: {
      login: user.login,
      firstName: text('firstName') ?? text('given_name') ?? null,
      lastName: text('lastName') ?? text('family_name') ?? null,
      // Okta writes locales with an underscore (en_US); OIDC's claim has a hyphen.
      locale: (text('locale') ?? 'en_US').replace('-', '_'),
      timeZone: text('timeZone') ?? text('zoneinfo') ?? 'America/Los_Angeles',
    },
  }
}

export function authnBody(ctx: AppContext, outcome: AuthnOutcome & { kind: 'success' | 'transaction' | 'locked_out' }): Record<string, unknown> {
  const base = `${ctx.config.baseUrl}${AUTHN_PATH}`
  if (outcome.kind === 'locked_out') return { status: 'LOCKED_OUT', _links: { next: post(`${base}/recovery/unlock`, 'unlock') } }
  if (outcome.kind === 'success') {
    return { expiresAt: new Date(outcome.expiresAtMs).toISOString(), status: 'SUCCESS', sessionToken: outcome.sessionToken, _embedded: { user: authnUser(outcome.user) } }
  }
  const { stateToken, record, user } = outcome.open
  const head = { stateToken, expiresAt: new Date(record.expiresAtMs).toISOString(), status: record.status }
  const cancel = post(`${base}/cancel`)
  if (record.status === 'PASSWORD_EXPIRED') {
    return {
      ...head,
      _embedded: { user: authnUser(user), policy: { expiration: { passwordExpireDays: 0 }, complexity: { ...PASSWORD_COMPLEXITY } } },
      _links: { next: post(`${base}/credentials/change_password`, 'changePassword'), cancel },
    }
  }
  const verify = (factorId: string): string => `${base}/factors/${factorId}/verify`
  const factor = record.status === 'MFA_CHALLENGE' && record.factorId !== null ? findFactor(user, record.factorId) : undefined
  if (factor) {
    return {
      ...head,
      factorResult: 'CHALLENGE',
      _embedded: { user: authnUser(user), factor: factorBody(factor, user) },
      _links: {
        next: post(verify(factor.id), 'verify'),
        cancel,
        prev: post(`${base}/previous`),
        resend: [post(`${verify(factor.id)}/resend`, factor.type)],
      },
    }
  }
  return {
    ...head,
    _embedded: {
      user: authnUser(user),
      factors: factorsOf(user).map((f) => ({ ...factorBody(f, user), _links: { verify: post(verify(f.id)) } })),
    },
    _links: { cancel },
  }
}
