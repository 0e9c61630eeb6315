/** Every identifier and secret value mockta generates, in one place, so sizes are part of the contract. */
import { randomBytes, randomUUID } from 'node:crypto'
import { customAlphabet, nanoid } from 'nanoid'

// Okta object ids are 20 characters: a 3-character type prefix and 17 alphanumerics (docs/okta-behaviour.md § 5.3).
const oktaSuffix = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 17)

export interface Ids {
  /**
   * Refresh-token family id, Okta's `oar…` form; also the suffix of access-token `jti`s, and what a
   * refresh token carries (oauth/refresh-token.ts), so it must keep this form.
   */
  familyId(): string
  /** 43 url-safe characters, the body of `AT.…` and `ID.…` jtis. */
  jti(): string
  /** Okta API request id for error bodies (`errorId`). */
  errorId(): string
  /** Authorization codes, sign-in session ids and sign-in transaction ids: 256 bits, 43 base64url characters. */
  secret(): string
}

export const randomIds: Ids = {
  familyId: () => `oar${oktaSuffix()}`,
  jti: () => nanoid(43),
  errorId: () => `oae${oktaSuffix()}`,
  secret: () => randomBytes(32).toString('base64url'),
}

export const oktaId = (prefix: string): string => `${prefix}${oktaSuffix()}`

// RFC 8628 §6.1: user codes from 20 consonants (no vowels, so no words), 8 of them: Okta's shape (MHXTFRPK).
const userCodeLetters = customAlphabet('BCDFGHJKLMNPQRSTVWXZ', 8)

/** A device code: Okta's are UUIDs (docs/okta-behaviour.md § 2.7). */
export const deviceCode = (): string => randomUUID()
/** A user code, 8 upper-case consonants (about 34 bits: RFC 8628 §5.1 relies on its short life and rate limits). */
export const userCode = (): string => userCodeLetters()
/** A pushed request's `request_uri`, Okta's `urn:okta:` form with 256 random bits. */
export const requestUri = (): string => `urn:okta:${randomBytes(32).toString('base64url')}`
