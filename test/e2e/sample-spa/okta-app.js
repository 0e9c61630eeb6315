// The same app as app.js, written the way Okta's samples use @okta/okta-auth-js in a browser:
// signInWithRedirect, handleLoginRedirect, getUser, tokenManager.renew, signOut.
/* global CONFIG, OktaAuth */
const $ = (id) => document.getElementById(id)
// The UMD bundle exposes the package's exports as window.OktaAuth; the class is one of them.
const OktaAuthClass = OktaAuth.OktaAuth ?? OktaAuth
const authClient = new OktaAuthClass({
  issuer: CONFIG.issuer,
  clientId: CONFIG.clientId,
  redirectUri: CONFIG.oktaRedirectUri,
  postLogoutRedirectUri: CONFIG.oktaPostLogoutRedirectUri,
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  pkce: true,
  tokenManager: { autoRenew: false },
})

async function show() {
  if (!(await authClient.isAuthenticated())) {
    $('status').textContent = 'Signed out'
    return
  }
  const user = await authClient.getUser()
  $('user').textContent = user.name
  $('status').textContent = 'Signed in'
}

function run(action) {
  action().catch((err) => {
    $('status').textContent = `Error: ${err.errorSummary ?? err.message}`
  })
}

$('sign-in').addEventListener('click', () => run(() => authClient.signInWithRedirect({ originalUri: '/okta.html' })))
$('renew').addEventListener('click', () =>
  run(async () => {
    await authClient.tokenManager.renew('accessToken')
    $('status').textContent = 'Renewed'
  }),
)
$('sign-out').addEventListener('click', () => run(() => authClient.signOut()))

run(async () => {
  // Starts the token services; among other things it drops the tokens signOut() marked for removal.
  await authClient.start()
  if (authClient.isLoginRedirect()) {
    await authClient.handleLoginRedirect()
    return
  }
  await show()
})
