/**
 * The device authorization grant's first half (RFC 8628 §3.1–3.3): a device asks for a device code
 * and a user code, and a person approves or denies the user code (the activation page, or the
 * control plane as a given user). The second half, polling /v1/token, is device-code.ts.
 */
import { nowSeconds } from '../clock.js'
import type { AppContext } from '../context.js'
import { mocktaError, oktaError } from '../errors/oauth-error.js'
import { hashToken } from '../crypto/hash-token.js'
import { deviceCode, userCode } from '../ids.js'
import { checkScopes, parseScope } from '../oauth/scope.js'
import type { AuthServer } from '../registry/auth-servers.js'
import type { Client } from '../registry/clients.js'
import type { User } from '../registry/users.js'
import type { DeviceAuthorizationRecord, DeviceDecisionOutcome } from '../store/grant-records.js'

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

/** Where a person enters the user code: on the origin, not under the authorization server (docs/okta-behaviour.md § 2.7); the HTTP floor serves it. */
const ACTIVATION_PATH = '/activate'

/** Okta's member order (docs/okta-behaviour.md § 2.7). */
export interface DeviceAuthorizationResponse {
  device_code: string
  user_code: string
  verification_uri: string
  verification_uri_complete: string
  expires_in: number
  interval: number
}

/** User codes drawn at most before giving up: a clash needs two live codes among 20^8. */
const USER_CODE_ATTEMPTS = 5

export async function startDeviceAuthorization(server: AuthServer, client: Client, scope: string | undefined, ctx: AppContext): Promise<DeviceAuthorizationResponse> {
  if (!client.grantTypes.includes(DEVICE_CODE_GRANT)) throw oktaError('unauthorized_client', client.grantTypes.join(', '))
  if (scope === undefined) throw oktaError('missing_scopes')
  const scopes = parseScope(scope)
  checkScopes(scopes, server.scopes, client.scopes)
  const { lifetimeSeconds, intervalSeconds } = server.deviceAuthorization
  const device = deviceCode()
  const nowMs = ctx.clock.nowMs()
  for (let attempt = 0; attempt < USER_CODE_ATTEMPTS; attempt++) {
    const user = userCode()
    const record: DeviceAuthorizationRecord = {
      deviceCodeHash: hashToken(device),
      userCodeHash: hashToken(user),
      clientId: client.id,
      authServerId: server.id,
      scopes,
      expiresAtMs: nowMs + lifetimeSeconds * 1000,
      intervalSeconds,
      lastPolledMs: null,
      status: 'pending',
      userId: null,
      authTime: null,
    }
    if (!(await ctx.store.createDeviceAuthorization(record))) continue
    const verification = `${ctx.config.baseUrl}${ACTIVATION_PATH}`
    return {
      device_code: device,
      user_code: user,
      verification_uri: verification,
      verification_uri_complete: `${verification}?user_code=${user}`,
      expires_in: lifetimeSeconds,
      interval: intervalSeconds,
    }
  }
  // Only a store full of live user codes clashes this often.
  throw mocktaError('store_full').withHeaders({ 'retry-after': '60' })
}

/** A user code as a person types it: any case, with spaces or a dash between the halves (RFC 8628 §6.1). */
export const normalizeUserCode = (typed: string): string => typed.replace(/[\s-]/g, '').toUpperCase()

/** The pending authorization a typed user code names, for the activation page. */
export async function pendingDeviceAuthorization(typed: string, ctx: AppContext): Promise<DeviceAuthorizationRecord | undefined> {
  const code = normalizeUserCode(typed)
  if (code.length === 0 || code.length > 64) return undefined
  const found = await ctx.store.findDeviceAuthorization(hashToken(code), ctx.clock.nowMs())
  return found?.status === 'pending' ? found : undefined
}

/** Approves (as `user`, signed in at `authTime`) or denies the authorization a user code names; the first answer stands. */
export async function decideDeviceAuthorization(typed: string, decision: { user: User; authTime?: number } | 'deny', ctx: AppContext): Promise<DeviceDecisionOutcome> {
  const code = normalizeUserCode(typed)
  if (code.length === 0 || code.length > 64) return { kind: 'unknown' }
  const answer = decision === 'deny' ? ({ approve: false } as const) : { approve: true as const, userId: decision.user.id, authTime: decision.authTime ?? nowSeconds(ctx.clock) }
  return ctx.store.decideDeviceAuthorization(hashToken(code), answer, ctx.clock.nowMs())
}
