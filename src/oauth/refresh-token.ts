/** Refresh-token values: how they are stored (hashes) and how a rotation's successor is derived. */
import { createHmac } from 'node:crypto'

/**
 * The successor of a rotated token is HMAC(secret, token): 256 bits, 43 base64url characters. A replay
 * within the grace period recomputes the same successor from the presented token, so it gets the same
 * refresh token back (no second live branch) while the store still keeps only hashes.
 */
export const successorToken = (token: string, secret: Buffer): string => createHmac('sha256', secret).update(token).digest('base64url')

/** Refresh tokens are 43 base64url characters; anything else cannot be one (cheap early reject). */
export const looksLikeRefreshToken = (token: string): boolean => token.length === 43 && /^[A-Za-z0-9_-]+$/.test(token)
