/**
 * A store that cannot answer now: Redis unreachable, or slower than its command timeout. Requests
 * then get Okta's `temporarily_unavailable` (RFC 6749 §5.2 lists it for exactly this) instead of a
 * 500 or a hang, and mockta recovers by itself once the store answers again.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError'
}
