/**
 * The email challenge's values (docs/identity-engine.md § Email code): the six-digit one-time code and
 * the magic link's token are derived, like the stateHandle (handles.ts), from the interaction handle's
 * hash, the store's token secret and how many codes the interaction has sent. The store keeps only the
 * count, so a dump holds no code, every replica derives the same ones, and a resend (one more) retires
 * the previous code and link at once.
 */
import { hmacSha256 } from '../crypto/hmac.js'
import { safeEqual } from '../crypto/safe-equal.js'

const mac = (secret: Buffer, purpose: string, handleHash: string, generation: number): Buffer => hmacSha256(secret).update(`${purpose}\0${handleHash}\0${generation}`).digest()

/** Six digits, as Okta's email codes. */
export const emailCodeOf = (secret: Buffer, handleHash: string, generation: number): string =>
  String(mac(secret, 'idx-email-code', handleHash, generation).readUInt32BE(0) % 1_000_000).padStart(6, '0')

/**
 * The magic link's token: the interaction's key, so the link finds its interaction without another
 * index, and a MAC that only the current code's generation matches.
 */
export const emailLinkTokenOf = (secret: Buffer, handleHash: string, generation: number): string =>
  `${handleHash}.${mac(secret, 'idx-email-link', handleHash, generation).toString('base64url')}`

/** The interaction key a link token names, when it has the shape of one (never trusted before `linkTokenMatches`). */
export function handleHashOfLinkToken(token: string): string | undefined {
  const match = /^([A-Za-z0-9_-]{43})\.[A-Za-z0-9_-]{43}$/.exec(token)
  return match?.[1]
}

export const linkTokenMatches = (token: string, secret: Buffer, handleHash: string, generation: number): boolean =>
  safeEqual(token, emailLinkTokenOf(secret, handleHash, generation))

/** Okta shows the address it wrote to masked: `a***e@e***e.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at < 1) return '***'
  const mask = (part: string): string => (part.length <= 2 ? `${part[0] ?? ''}***` : `${part[0]}***${part.at(-1)}`)
  const domain = email.slice(at + 1)
  const dot = domain.lastIndexOf('.')
  return dot < 1 ? `${mask(email.slice(0, at))}@${mask(domain)}` : `${mask(email.slice(0, at))}@${mask(domain.slice(0, dot))}${domain.slice(dot)}`
}
