/**
 * Where the Redis store keeps what (docs/replicas.md). Every key is under `${keyPrefix}store:`;
 * `${keyPrefix}control:` belongs to the control plane and is never touched here. The Lua scripts build
 * the same keys from the same names (lua-library.ts), since a family's keys are only known inside the
 * script, once its token has been looked up. That is also why Redis Cluster is not supported: a
 * script there may only touch the keys it declares, and a family's keys cannot be declared up front.
 *
 *   f:<familyId>        hash   a refresh family (family-hash.ts); its tokens carry its id and their
 *                              generation (oauth/refresh-token.ts), so no key per token: a family's keys
 *                              do not grow with its rotations (docs/refresh-tokens.md, "Token form")
 *   u:<userId>          zset   the user's family ids, by creation time
 *   families            zset   every family id, scored by when it ended (+inf while it has no deadline)
 *   pressure            string when (mockta's clock) the last sweep to make room ran
 *   a:<jti>             string a revoked access token
 *   c:<codeHash>        hash   an authorization code: record, expiry, redeemed/replayed, what it issued
 *   s:<sessionIdHash>   string a signed-in session (JSON)
 *   x:<transactionHash> string a pending sign-in transaction (JSON)
 *   k:<sessionTokenHash> string an Authentication API session token (JSON)
 *   i:<handleHash>      string an Identity Engine interaction (JSON; interaction-scripts.ts)
 *   ih:<stateHandleHash> string the interaction handle hash of a current stateHandle
 *   ic:<codeHash>       string the interaction handle hash of an interaction code
 *   lf:<userId>         string wrong passwords in a row (the lock-out count)
 *   at:<stateTokenHash> string an Authentication API transaction (JSON; ends by its TTL, as the memory store's by sweep)
 *   expiry:<a|c|s|x|k|i> zset  those records' ids, scored by expiry: what sweep() and the caps walk
 *   dv:, uc:, p:, expiry:<dv|p>    device authorizations, user codes and pushed requests (grant-record-scripts.ts)
 *   identity            string the store identity (JSON)
 *   epoch-jtis          set    JWT ids issued in the identity's epoch second
 *   access-cutoffs      hash   scope (`*`, `client:<id>`, `user:<id>`) -> access tokens issued at or before this second are ended
 *   j:<hash>            string a spent client-assertion or DPoP-proof jti: until when (mockta's clock)
 *   dpop-nonce          string how many times the DPoP nonces were rotated by hand
 *   outbox              list   the messages "sent by email", newest first, capped (redis-outbox.ts)
 */

/** One-letter kinds of the records indexed by expiry. */
export type RecordKind = 'a' | 'c' | 's' | 'x' | 'k' | 'i'

export const storeNamespace = (keyPrefix: string): string => `${keyPrefix}store:`

/** SCAN's MATCH is a glob: a prefix with `*`, `?`, `[` or `\` must match only itself. */
export const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, '\\$&')
