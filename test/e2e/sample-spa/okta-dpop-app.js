// okta-auth-js with `dpop: true`, as Okta's README "Enabling DPoP" shows it: the tokens are bound to a
// non-extractable key in IndexedDB, every /token call goes through the nonce dance, and a resource
// is called with getDPoPAuthorizationHeaders (here: /userinfo, which checks the proof's ath).
/* global CONFIG, OktaAuth */
const $ = (id) => document.getElementById(id)
const OktaAuthClass = OktaAuth.OktaAuth ?? OktaAuth
const authClient = new OktaAuthClass({
  issuer: CONFIG.issuer,
  clientId: CONFIG.clientId,
  redirectUri: CONFIG.oktaDpopRedirectUri,
  postLogoutRedirectUri: CONFIG.oktaDpopPostLogoutRedirectUri,
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  pkce: true,
  dpop: true,
  tokenManager: { autoRenew: false },
})

async function show() {
  if (!(await authClient.isAuthenticated())) {
    $('status').textContent = 'Signed out'
    return
  }
  const user = await authClient.getUser()
  $('user').textContent = user.name
  $('token-type').textContent = authClient.tokenManager.getTokensSync().accessToken.tokenType
  $('status').textContent = 'Signed in'
}

function run(action) {
  action().catch((err) => {
    $('status').textContent = `Error: ${err.errorSummary ?? err.message}`
  })
}

$('sign-in').addEventListener('click', () => run(() => authClient.signInWithRedirect({ originalUri: '/okta-dpop.html' })))
$('renew').addEventListener('click', () =>
  run(async () => {
    await authClient.tokenManager.renew('accessToken')
    $('status').textContent = 'Renewed'
  }),
)
$('resource-call').addEventListener('click', () =>
  run(async () => {
    const url = `${CONFIG.issuer}/v1/userinfo`
    const headers = await authClient.getDPoPAuthorizationHeaders({ url, method: 'GET' })
    const res = await fetch(url, { headers })
    $('resource').textContent = res.ok ? `${res.status} ${(await res.json()).name}` : `${res.status} ${res.headers.get('www-authenticate')}`
  }),
)
$('sign-out').addEventListener('click', () => run(() => authClient.signOut()))

run(async () => {
  await authClient.start()
  if (authClient.isLoginRedirect()) {
    await authClient.handleLoginRedirect()
    return
  }
  await show()
})
