/**
 * The device code grant (RFC 8628 §3.4–3.5): a device polls /v1/token until the person approved or
 * denied its user code. The store decides each poll atomically (store/grant-records.ts `decidePoll`),
 * so an approved authorization yields tokens to exactly one poll, however many race.
 */
import { oktaError, mocktaError } from '../errors/oauth-error.js'
import { hashToken } from '../crypto/hash-token.js'
import { dpopBinding, issueForAuthentication } from './authentication-tokens.js'
import { DEVICE_CODE_GRANT } from './device-authorization.js'
import { GrantRefused } from './grant-refused.js'
import type { GrantHandler } from './types.js'

export const deviceCodeGrant: GrantHandler = {
  grantType: DEVICE_CODE_GRANT,
  parameters: ['device_code'],
  async handle({ form, server, auth, dpop }, ctx) {
    const code = form['device_code']
    if (code === undefined) throw oktaError('missing_token_request_parameter', 'device_code')
    const invalid = (reason: ConstructorParameters<typeof GrantRefused>[1]) => new GrantRefused(oktaError('invalid_device_code'), reason, undefined)
    const poll = await ctx.store.pollDeviceAuthorization({ deviceCodeHash: hashToken(code), clientId: auth.client.id, authServerId: server.id, nowMs: ctx.clock.nowMs() })
    switch (poll.kind) {
      case 'unknown':
        throw invalid('unknown_token')
      case 'foreign_client':
      case 'foreign_server':
        throw invalid(poll.kind)
      case 'redeemed':
        throw invalid('redeem_refused')
      case 'expired':
        throw oktaError('expired_token')
      case 'slow_down':
        throw oktaError('slow_down')
      case 'pending':
        throw oktaError('authorization_pending')
      case 'denied':
        throw mocktaError('device_access_denied')
      case 'approved': {
        const { record } = poll
        const user = record.userId === null ? undefined : ctx.users.get(record.userId)
        if (!user) throw invalid('user_gone')
        return issueForAuthentication({ server, client: auth.client, user, scopes: record.scopes, authTime: record.authTime ?? 0 }, ctx, undefined, dpopBinding(dpop, auth))
      }
    }
  },
}
