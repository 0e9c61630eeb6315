/**
 * Refresh token grant (RFC 6749 §6) with Okta's rotation rules (docs/okta-behaviour.md § 2.4): scope may only narrow,
 * `rotate` clients get a new token with a grace period for the previous one, reuse after the grace
 * period revokes the whole family.
 */
import { oktaError } from '../errors/oauth-error.js'
import { hashToken } from '../crypto/hash-token.js'
import { looksLikeRefreshToken, successorToken } from '../oauth/refresh-token.js'
import { parseScope } from '../oauth/scope.js'
import { isFamilyLive } from '../store/store.js'
import { issueTokens } from './issue-tokens.js'
import type { GrantHandler } from './types.js'

export const refreshTokenGrant: GrantHandler = {
  grantType: 'refresh_token',
  // `redirect_uri` is accepted and ignored, as in Okta's own refresh example.
  parameters: ['refresh_token', 'scope', 'redirect_uri'],
  async handle({ form, server, auth, log }, ctx) {
    const token = form['refresh_token']
    if (token === undefined) throw oktaError('missing_token_request_parameter', 'refresh_token')
    const invalid = () => oktaError('invalid_refresh_token')
    if (!looksLikeRefreshToken(token)) throw invalid()
    const hash = hashToken(token)
    const found = await ctx.store.findRefreshToken(hash)
    const client = auth.client
    // Nothing about a foreign, dead or unknown token is revealed, and nothing changes (docs/reliability.md § #71).
    if (!found || found.family.clientId !== client.id || found.family.authServerId !== server.id) throw invalid()
    if (!isFamilyLive(found.family, ctx.clock.nowMs())) throw invalid()
    const family = found.family

    // Validate everything before anything is consumed (docs/reliability.md § #74): scope may narrow, never widen.
    const scopes = form['scope'] === undefined ? family.scopes : parseScope(form['scope'])
    // A value the server has no scope of is invalid_scope, so the "Denied scopes" list below only ever
    // names the server's own scopes and never repeats what a client sent (docs/reliability.md § G3).
    if (scopes.some((s) => !server.scopes.has(s))) throw oktaError('invalid_scope')
    const denied = scopes.filter((s) => !family.scopes.includes(s))
    if (denied.length > 0) throw oktaError('refresh_scopes_denied', denied.join(' '))
    const user = family.userId === null ? undefined : ctx.users.get(family.userId)
    if (!user) throw invalid()

    // A new refresh token only comes back when `offline_access` is in the effective scope; without
    // one to hand back, the presented token must stay usable, so it is not rotated.
    const returnsRefreshToken = scopes.includes('offline_access')
    const rotates = returnsRefreshToken && family.rotation === 'rotate'
    const successor = rotates ? successorToken(token, ctx.tokenSecret) : token
    // Sign first, commit after: a failure while signing consumes nothing (docs/reliability.md § F-5).
    const response = await issueTokens(
      { server, client, user, scopes, authTime: family.authTime },
      returnsRefreshToken ? { familyId: family.id, refreshToken: successor } : { familyId: family.id },
      ctx,
    )
    const outcome = await ctx.store.redeemRefreshToken({
      hash,
      successorHash: rotates ? hashToken(successor) : null,
      clientId: client.id,
      authServerId: server.id,
      nowMs: ctx.clock.nowMs(),
    })
    if (outcome.kind === 'reuse-detected') {
      // Okta's System Log event: app.oauth2.as.token.detect_reuse (custom AS), app.oauth2.token.detect_reuse
      // (org AS) (docs/okta-behaviour.md § 2.4); never log the token.
      const event = server.id === null ? 'app.oauth2.token.detect_reuse' : 'app.oauth2.as.token.detect_reuse'
      log.warn({ event, familyId: family.id, clientId: client.id }, 'refresh token reuse detected: family revoked')
    }
    if (outcome.kind === 'invalid' || outcome.kind === 'reuse-detected') throw invalid()
    return response
  },
}
