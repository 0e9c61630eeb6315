/** The /authorize URL okta-auth-js navigates to for its token params (AUTHJS lib/oidc/endpoints/authorize.ts). */
import type { TokenParams } from '@okta/okta-auth-js'

export function authorizeUrl(issuer: string, p: TokenParams): string {
  const query = new URLSearchParams({
    client_id: p.clientId!,
    redirect_uri: p.redirectUri!,
    response_type: [p.responseType ?? 'code'].flat().join(' '),
    scope: (p.scopes ?? []).join(' '),
    state: p.state!,
    nonce: p.nonce!,
    code_challenge: p.codeChallenge!,
    code_challenge_method: p.codeChallengeMethod!,
  })
  return `${issuer}/v1/authorize?${query}`
}
