/**
 * The `interaction_code` grant (docs/identity-engine.md, "Tokens"): the end of an Identity Engine
 * sign-in. The code is taken from the store atomically (one redemption wins, and the interaction
 * closes with it), then checked against the client, the authorization server and the PKCE verifier
 * given at /v1/interact. Tokens are issued as for an authorization code, so a refresh token joins the
 * same rotation, grace and reuse detection.
 */
import { oktaError } from '../errors/oauth-error.js'
import { hashToken } from '../crypto/hash-token.js'
import { verifyPkce } from '../oauth/pkce.js'
import { dpopBinding, issueForAuthentication } from './authentication-tokens.js'
import type { GrantHandler } from './types.js'

/** Longer values were never issued by mockta; refused before hashing. */
const MAX_CODE_LENGTH = 512

export const interactionCodeGrant: GrantHandler = {
  grantType: 'interaction_code',
  parameters: ['interaction_code', 'code_verifier', 'redirect_uri'],
  async handle({ form, server, auth, dpop }, ctx) {
    const code = form['interaction_code']
    if (code === undefined) throw oktaError('missing_token_request_parameter', 'interaction_code')
    const verifier = form['code_verifier']
    if (verifier === undefined) throw oktaError('pkce_missing_verifier')
    if (code.length > MAX_CODE_LENGTH) throw oktaError('invalid_interaction_code')
    const record = await ctx.store.takeInteractionByCode(hashToken(code), ctx.clock.nowMs())
    // Another client's code is as unknown as a made-up one: nothing tells the two apart.
    if (!record || record.clientId !== auth.client.id || record.hosted) throw oktaError('invalid_interaction_code')
    if (record.authServerId !== server.id) throw oktaError('mismatched_authorization_server')
    const redirectUri = form['redirect_uri']
    if (redirectUri !== undefined && redirectUri !== record.redirectUri) throw oktaError('mismatched_redirect_uri')
    if (!verifyPkce(verifier, record.codeChallenge)) throw oktaError('pkce_verification_failed')
    const user = record.userId === null ? undefined : ctx.users.get(record.userId)
    if (!user || record.authTime === null) throw oktaError('invalid_interaction_code')
    const subject = { server, client: auth.client, user, scopes: record.scopes, authTime: record.authTime, amr: record.amr }
    // A DPoP client's tokens are bound to its key, as from the code grant (docs/dpop.md).
    return issueForAuthentication(subject, ctx, record.nonce ?? undefined, dpopBinding(dpop, auth))
  },
}
