/** Every identifier and secret value mockta generates, in one place, so sizes are part of the contract. */
import { randomBytes } from 'node:crypto'
import { customAlphabet, nanoid } from 'nanoid'

// Okta object ids are 20 characters: a 3-character type prefix and 17 alphanumerics (docs/okta-behaviour.md § 5.3).
const oktaSuffix = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 17)

export interface Ids {
  /** 256 bits from the CSPRNG as 43 base64url characters, like Okta's refresh tokens (RFC 6749 §10.10). */
  refreshToken(): string
  /** Refresh-token family id, Okta's `oar…` form; also the suffix of access-token `jti`s. */
  familyId(): string
  /** 43 url-safe characters, the body of `AT.…` and `ID.…` jtis. */
  jti(): string
  /** Okta API request id for error bodies (`errorId`). */
  errorId(): string
  /** Authorization codes, sign-in session ids and sign-in transaction ids: 256 bits, 43 base64url characters. */
  secret(): string
}

export const randomIds: Ids = {
  refreshToken: () => randomBytes(32).toString('base64url'),
  familyId: () => `oar${oktaSuffix()}`,
  jti: () => nanoid(43),
  errorId: () => `oae${oktaSuffix()}`,
  secret: () => randomBytes(32).toString('base64url'),
}

export const oktaId = (prefix: string): string => `${prefix}${oktaSuffix()}`
