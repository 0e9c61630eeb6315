/** Refresh-token families seen from outside: their id, their clients' rotation policy, their reuse events. */
import { decodeJwt } from 'jose'
import type { Config, RotationPolicy } from '../../src/config/types.js'

/** The family id (`oar…`) an access token was issued in: the third part of its `jti` (docs/okta-behaviour.md § 5.1). */
export function familyIdOf(accessToken: string): string {
  const family = String(decodeJwt(accessToken).jti).split('.')[2]
  if (family === undefined) throw new Error('access token has no family')
  return family
}

/** A `buildTestApp` `change` that sets a client's rotation policy and/or grace period. */
export function refreshPolicy(clientId: string, policy: { rotation?: RotationPolicy; graceSeconds?: number }): (c: Config) => void {
  return (c) => {
    const client = c.clients.find((x) => x.id === clientId)
    if (!client) throw new Error(`no client ${clientId}`)
    client.refreshToken = { ...client.refreshToken, ...policy }
  }
}

/** Okta's System Log event names for refresh-token reuse: custom AS and org AS (docs/okta-behaviour.md § 2.4). */
export const DETECT_REUSE = 'app.oauth2.as.token.detect_reuse'
export const DETECT_REUSE_ORG = 'app.oauth2.token.detect_reuse'

/** The captured log lines (JSON text, one per line) that carry a reuse event, parsed. */
export function reuseEvents(logs: string): Array<{ line: string; entry: Record<string, unknown> }> {
  return logs
    .split('\n')
    .filter((line) => line.includes('detect_reuse'))
    .map((line) => ({ line, entry: JSON.parse(line) as Record<string, unknown> }))
}
