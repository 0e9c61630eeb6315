// The embedded Sign-In Widget as Okta's samples set it up: the widget's own files from the app's
// server, English (bundled, so nothing comes from a CDN), tokens handed to the widget's auth client.
/* global OktaSignIn, CONFIG */
const signIn = new OktaSignIn({
  issuer: CONFIG.issuer,
  clientId: CONFIG.clientId,
  redirectUri: CONFIG.redirectUri,
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  // ?classic: the classic engine (the Authentication API), as an org without the Identity Engine.
  useClassicEngine: new URLSearchParams(location.search).has('classic'),
  language: 'en',
  assets: { baseUrl: '/siw' },
})
const status = (text) => {
  document.getElementById('status').textContent = text
}
signIn
  .showSignIn({ el: '#widget' })
  .then(async (res) => {
    signIn.authClient.tokenManager.setTokens(res.tokens)
    const claims = res.tokens.idToken.claims
    document.getElementById('user').textContent = `${claims.name} <${claims.email}>`
    window.appTokens = res.tokens
    signIn.remove()
    status('Signed in')
  })
  .catch((err) => status(`Error: ${err.message}`))

// The refresh an app does when its access token runs out: the refresh token, through okta-auth-js.
window.refresh = async () => {
  const renewed = await signIn.authClient.tokenManager.renew('accessToken')
  const refreshes = document.getElementById('refreshes')
  refreshes.textContent = String(Number(refreshes.textContent) + 1)
  return renewed.accessToken !== window.appTokens.accessToken.accessToken
}
