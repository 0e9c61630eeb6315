/**
 * Authorization code grant (RFC 6749 §4.1.3) with PKCE (RFC 7636) and Okta's errors (docs/okta-behaviour.md § 2.3).
 * A code is consumed atomically before anything else; a second redemption fails and revokes what the
 * first one issued (RFC 6749 §4.1.2).
 */
import type { AppContext } from '../context.js'
import { oktaError } from '../errors/oauth-error.js'
import { verifyPkce } from '../oauth/pkce.js'
import { hashToken } from '../crypto/hash-token.js'
import type { CodeGrantRecord } from '../store/authorization-store.js'
import { dpopBinding, issueForAuthentication } from './authentication-tokens.js'
import type { GrantHandler } from './types.js'

export const authorizationCodeGrant: GrantHandler = {
  grantType: 'authorization_code',
  parameters: ['code', 'redirect_uri', 'code_verifier'],
  async handle({ form, server, auth, log, dpop }, ctx) {
    const code = form['code']
    if (code === undefined) throw oktaError('missing_token_request_parameter', 'code')
    const redirectUri = form['redirect_uri']
    if (redirectUri === undefined) throw oktaError('missing_token_request_parameter', 'redirect_uri')
    const verifier = form['code_verifier']
    const hash = hashToken(code)

    const redemption = await ctx.store.consumeAuthorizationCode(hash, ctx.clock.nowMs())
    if (redemption.kind === 'replayed') {
      log.warn({ event: 'authorization_code_replayed', clientId: redemption.code.clientId }, 'authorization code replayed: its tokens are revoked')
      if (redemption.issued) await revokeIssued(redemption.issued, ctx)
    }
    if (redemption.kind !== 'redeemed') throw oktaError('invalid_authorization_code')
    const record = redemption.code

    if (record.clientId !== auth.client.id) throw oktaError('mismatched_client')
    if (record.authServerId !== server.id) throw oktaError('mismatched_authorization_server')
    if (record.redirectUri !== redirectUri) throw oktaError('mismatched_redirect_uri')
    if (record.codeChallenge === null) {
      if (verifier !== undefined) throw oktaError('pkce_missing_challenge_verifier_present')
    } else {
      if (verifier === undefined) throw oktaError('pkce_missing_verifier')
      if (!verifyPkce(verifier, record.codeChallenge)) throw oktaError('pkce_verification_failed')
    }
    // RFC 9449 §10: a code bound with `dpop_jkt` is redeemed with a proof of that key only.
    if (record.dpopJkt !== undefined && record.dpopJkt !== dpop?.jkt) throw oktaError('invalid_dpop_proof')
    const user = ctx.users.get(record.userId)
    if (!user) throw oktaError('invalid_authorization_code')

    const subject = { server, client: auth.client, user, scopes: record.scopes, authTime: record.authTime, ...(record.amr !== undefined && { amr: record.amr }) }
    const grant = await issueForAuthentication(subject, ctx, record.nonce ?? undefined, dpopBinding(dpop, auth))
    const { familyId, accessToken } = grant.issued
    const issued: CodeGrantRecord = { familyId: familyId ?? null, accessTokenJti: accessToken.jti, accessTokenExpiresAtMs: accessToken.expiresAtMs }
    // A replay that raced this redemption was refused before these tokens existed, so it could not
    // revoke them: do it now. The answer still goes out, exactly as if the replay had come after it.
    if (!(await ctx.store.recordCodeGrant(hash, issued))) await revokeIssued(issued, ctx)
    return grant
  },
}

async function revokeIssued(issued: CodeGrantRecord, ctx: AppContext): Promise<void> {
  const nowMs = ctx.clock.nowMs()
  if (issued.familyId !== null) await ctx.store.revokeFamily(issued.familyId, nowMs)
  await ctx.store.revokeAccessToken(issued.accessTokenJti, issued.accessTokenExpiresAtMs)
}
