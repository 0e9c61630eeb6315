/**
 * The values an interaction hands out (docs/identity-engine.md, "Handles"): the interaction handle is
 * random; the stateHandle and the interaction code are derived from the handle's hash with the store's
 * token secret, so the store keeps hashes only and introspect can still show them again, and every
 * replica sharing the store derives the same values.
 */
import { hmacSha256 } from '../crypto/hmac.js'
import { hashToken } from '../crypto/hash-token.js'

const derive = (secret: Buffer, purpose: string, handleHash: string, generation: number): string =>
  hmacSha256(secret).update(`${purpose}\0${handleHash}\0${generation}`).digest('base64url')

/** Okta's stateHandles in embedded flows are `02` and 40 url-safe characters. */
export const stateHandleOf = (secret: Buffer, handleHash: string, generation: number): string => `02${derive(secret, 'idx-state-handle', handleHash, generation).slice(0, 40)}`

/** 43 url-safe characters, as in Okta's `successWithInteractionCode`. */
export const interactionCodeOf = (secret: Buffer, handleHash: string, generation: number): string => derive(secret, 'idx-interaction-code', handleHash, generation)

/** What the store keys each value by. */
export const handleKey = hashToken

/** Nothing longer is a handle mockta issued; longer values are refused before hashing (no echo, bounded work). */
export const MAX_HANDLE_LENGTH = 512
