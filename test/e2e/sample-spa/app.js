// A minimal single-page app that signs in with the authorization-code flow + PKCE using fetch only,
// keeps its tokens in sessionStorage, refreshes on a 401 from /userinfo, and signs out.
/* global CONFIG */
const $ = (id) => document.getElementById(id)
const store = {
  get: (k) => JSON.parse(sessionStorage.getItem(k) ?? 'null'),
  set: (k, v) => sessionStorage.setItem(k, JSON.stringify(v)),
  drop: (k) => sessionStorage.removeItem(k),
}
const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
const random = () => base64url(crypto.getRandomValues(new Uint8Array(32)))
const form = (params) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) })

async function signIn() {
  const verifier = random()
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)))
  const state = random()
  store.set('pkce', { verifier, state })
  const query = new URLSearchParams({
    client_id: CONFIG.clientId,
    response_type: 'code',
    scope: 'openid profile email offline_access',
    redirect_uri: CONFIG.redirectUri,
    state,
    nonce: random(),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  location.assign(`${CONFIG.issuer}/v1/authorize?${query}`)
}

async function handleCallback(params) {
  const pending = store.get('pkce')
  store.drop('pkce')
  if (!pending || params.get('state') !== pending.state) throw new Error('state mismatch')
  const res = await fetch(
    `${CONFIG.issuer}/v1/token`,
    form({
      grant_type: 'authorization_code',
      client_id: CONFIG.clientId,
      code: params.get('code'),
      redirect_uri: CONFIG.redirectUri,
      code_verifier: pending.verifier,
    }),
  )
  if (!res.ok) throw new Error(`token: ${res.status}`)
  store.set('tokens', await res.json())
  history.replaceState(null, '', '/')
}

async function refresh() {
  const tokens = store.get('tokens')
  const res = await fetch(`${CONFIG.issuer}/v1/token`, form({ grant_type: 'refresh_token', client_id: CONFIG.clientId, refresh_token: tokens.refresh_token }))
  if (!res.ok) throw new Error(`refresh: ${res.status}`)
  store.set('tokens', await res.json())
  $('refreshes').textContent = String(Number($('refreshes').textContent) + 1)
}

async function loadProfile(retry = true) {
  const tokens = store.get('tokens')
  const res = await fetch(`${CONFIG.issuer}/v1/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
  if (res.status === 401 && retry && /invalid_token/.test(res.headers.get('www-authenticate') ?? '')) {
    await refresh()
    return loadProfile(false)
  }
  if (!res.ok) throw new Error(`userinfo: ${res.status}`)
  const user = await res.json()
  $('user').textContent = user.name
  $('status').textContent = 'Signed in'
}

async function signOut() {
  const tokens = store.get('tokens')
  store.drop('tokens')
  await fetch(`${CONFIG.issuer}/v1/revoke`, form({ client_id: CONFIG.clientId, token: tokens.refresh_token, token_type_hint: 'refresh_token' }))
  const query = new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: CONFIG.postLogoutRedirectUri, state: 'signed-out' })
  location.assign(`${CONFIG.issuer}/v1/logout?${query}`)
}

function run(action) {
  action().catch((err) => {
    $('status').textContent = `Error: ${err.message}`
  })
}

$('sign-in').addEventListener('click', () => run(signIn))
$('profile').addEventListener('click', () => run(() => loadProfile()))
$('sign-out').addEventListener('click', () => run(signOut))

run(async () => {
  const params = new URLSearchParams(location.search)
  if (params.has('code')) await handleCallback(params)
  if (params.get('state') === 'signed-out') {
    $('status').textContent = 'Signed out'
    return
  }
  if (store.get('tokens')) await loadProfile()
  else $('status').textContent = 'Signed out'
})
