/**
 * Refresh token grant (RFC 6749 §6) with Okta's rotation rules (docs/okta-behaviour.md § 2.4): scope may only narrow,
 * `rotate` clients get a new token with a grace period for the previous one, reuse after the grace
 * period revokes the whole family.
 */
import { OAuthError, oktaError } from '../errors/oauth-error.js'
import { readRefreshToken, refreshTokenFor } from '../oauth/refresh-token.js'
import { parseScope } from '../oauth/scope.js'
import { GrantRefused, type RefusalReason } from './grant-refused.js'
import { issueTokens } from './issue-tokens.js'
import type { GrantHandler } from './types.js'

export const refreshTokenGrant: GrantHandler = {
  grantType: 'refresh_token',
  // `redirect_uri` is accepted and ignored, as in Okta's own refresh example.
  parameters: ['refresh_token', 'scope', 'redirect_uri'],
  async handle({ form, server, auth, log, dpop }, ctx) {
    const token = form['refresh_token']
    if (token === undefined) throw oktaError('missing_token_request_parameter', 'refresh_token')
    const invalid = (reason: RefusalReason, familyId?: string) => new GrantRefused(oktaError('invalid_refresh_token'), reason, familyId)
    // A token is one of ours only with a good MAC (docs/refresh-tokens.md, "Token form"); it then names its family and generation.
    const ref = readRefreshToken(token, ctx.tokenSecret)
    if (!ref) throw invalid('unknown_token')
    const client = auth.client
    // Nothing about a foreign, dead or unknown token is revealed, and nothing changes (docs/reliability.md § #71).
    const checked = await ctx.store.checkRefreshToken({ ...ref, clientId: client.id, authServerId: server.id, nowMs: ctx.clock.nowMs() })
    if (checked.kind === 'unknown') throw invalid('unknown_token')
    if (checked.kind === 'refused') throw invalid(checked.reason, checked.familyId)
    const family = checked.family
    const refused = (err: OAuthError) => new GrantRefused(err, 'scope_refused', family.id)
    // RFC 9449 §5: a bound family's tokens are redeemed with a proof of its key only; another key (a
    // stolen token) changes nothing, not even the reuse detection (docs/dpop.md § 2.3).
    if (family.jkt !== undefined) {
      if (dpop === undefined) throw new GrantRefused(oktaError('invalid_dpop_proof_missing_header'), 'dpop_key_mismatch', family.id)
      if (dpop.jkt !== family.jkt) throw new GrantRefused(oktaError('invalid_dpop_proof_invalid_public_key_binding'), 'dpop_key_mismatch', family.id)
    }

    // Validate everything before anything is consumed (docs/reliability.md § #74): scope may narrow, never widen.
    const scopes = form['scope'] === undefined ? family.scopes : parseScopeOf(form['scope'], refused)
    // A value the server has no scope of is invalid_scope, so the "Denied scopes" list below only ever
    // names the server's own scopes and never repeats what a client sent (docs/reliability.md § G3).
    if (scopes.some((s) => !server.scopes.has(s))) throw refused(oktaError('invalid_scope'))
    const denied = scopes.filter((s) => !family.scopes.includes(s))
    if (denied.length > 0) throw refused(oktaError('refresh_scopes_denied', denied.join(' ')))
    const user = family.userId === null ? undefined : ctx.users.get(family.userId)
    if (!user) throw invalid('user_gone', family.id)

    // A new refresh token only comes back when `offline_access` is in the effective scope; without
    // one to hand back, the presented token must stay usable, so it is not rotated.
    const returnsRefreshToken = scopes.includes('offline_access')
    const rotates = returnsRefreshToken && family.rotation === 'rotate'
    // The successor is the next generation's token: a grace-period replay of the previous token gets
    // the current one back, the same on every replica (docs/refresh-tokens.md, "Token form").
    const successor = rotates ? refreshTokenFor({ familyId: ref.familyId, generation: ref.generation + 1 }, ctx.tokenSecret) : token
    // Sign first, commit after: a failure while signing consumes nothing (docs/reliability.md § F-5).
    const grant = await issueTokens(
      { server, client, user, scopes, authTime: family.authTime },
      { familyId: family.id, ...(returnsRefreshToken && { refreshToken: successor }), ...(dpop && { jkt: dpop.jkt }) },
      ctx,
    )
    const outcome = await ctx.store.redeemRefreshToken({
      ...ref,
      rotate: rotates,
      clientId: client.id,
      authServerId: server.id,
      nowMs: ctx.clock.nowMs(),
    })
    if (outcome.kind === 'reuse-detected') {
      // Okta's System Log event: app.oauth2.as.token.detect_reuse (custom AS), app.oauth2.token.detect_reuse
      // (org AS) (docs/okta-behaviour.md § 2.4); never log the token.
      const event = server.id === null ? 'app.oauth2.token.detect_reuse' : 'app.oauth2.as.token.detect_reuse'
      log.warn({ event, familyId: family.id, clientId: client.id }, 'refresh token reuse detected: family revoked')
      throw invalid('reuse_detected', family.id)
    }
    if (outcome.kind === 'invalid') throw invalid('redeem_refused', family.id)
    return grant
  },
}

/** parseScope's own errors (a malformed value) still name the family the token belongs to. */
function parseScopeOf(value: string, refused: (err: OAuthError) => GrantRefused): string[] {
  try {
    return parseScope(value)
  } catch (err) {
    throw err instanceof OAuthError ? refused(err) : err
  }
}
