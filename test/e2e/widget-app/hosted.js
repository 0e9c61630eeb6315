// An SPA that signs in on Okta's hosted page: okta-auth-js's signInWithRedirect, then the code and
// state back on its callback, redeemed with PKCE.
/* global OktaAuth, CONFIG */
// The UMD bundle exposes the package's exports as window.OktaAuth; the class is one of them.
const authClient = new (OktaAuth.OktaAuth ?? OktaAuth)({
  issuer: CONFIG.issuer,
  clientId: CONFIG.hostedClientId,
  redirectUri: `${location.origin}/hosted/callback`,
  scopes: ['openid', 'profile', 'email', 'offline_access'],
})
const status = (text) => {
  document.getElementById('status').textContent = text
}
document.getElementById('sign-in').addEventListener('click', () => authClient.signInWithRedirect())

if (location.pathname === '/hosted/callback') {
  authClient.token
    .parseFromUrl()
    .then(({ tokens }) => {
      authClient.tokenManager.setTokens(tokens)
      window.appTokens = tokens
      const claims = tokens.idToken.claims
      document.getElementById('user').textContent = `${claims.name} <${claims.email}>`
      status('Signed in')
    })
    .catch((err) => status(`Error: ${err.message}`))
}

window.refresh = async () => {
  const renewed = await authClient.tokenManager.renew('accessToken')
  const refreshes = document.getElementById('refreshes')
  refreshes.textContent = String(Number(refreshes.textContent) + 1)
  return renewed.accessToken !== window.appTokens.accessToken.accessToken
}
