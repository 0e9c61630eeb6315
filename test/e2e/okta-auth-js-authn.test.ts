/**
 * Programmatic sign-in with the real @okta/okta-auth-js 8 in Node (docs/authentication-api.md):
 * `signInWithCredentials` against /api/v1/authn, and the server-side recipe with plain `fetch`
 * (/api/v1/authn, then /authorize?sessionToken=…&prompt=none, then the code grant). Each ends with
 * tokens that refresh.
 */
import t from 'tap'
import { OktaAuth, isAccessToken, type Tokens } from '@okta/okta-auth-js'
import { ALICE, startMockta } from '../helpers/listening-app.js'
import { pkcePair, SPA } from '../helpers/authorize.js'
import { authorizeUrl } from '../helpers/okta-authorize-url.js'

const SCOPES = ['openid', 'profile', 'email', 'offline_access']

t.test('okta-auth-js: signInWithCredentials, then the session token on /authorize, tokens that renew', async (t) => {
  const { base } = await startMockta(t)
  const issuer = `${base}/oauth2/default`
  const authClient = new OktaAuth({
    issuer,
    clientId: SPA.id,
    redirectUri: SPA.redirectUri,
    scopes: SCOPES,
    pkce: true,
    tokenManager: { storage: 'memory', autoRenew: false, autoRemove: false },
  })

  const transaction = await authClient.signInWithCredentials({ username: ALICE.username, password: ALICE.password })
  t.equal(transaction.status, 'SUCCESS')
  t.match(transaction.sessionToken, /^[A-Za-z0-9_-]{43}$/)
  t.match(transaction.user, { id: ALICE.id, profile: { login: ALICE.username, firstName: 'Alice', lastName: 'Anderson' } })

  const failure = await authClient.signInWithCredentials({ username: ALICE.username, password: 'wrong' }).catch((e: unknown) => e)
  t.match(failure, { errorCode: 'E0000004', errorSummary: 'Authentication failed' }, 'a wrong password is an AuthApiError')

  // What getWithoutPrompt puts on the URL, with the redirect a server-side app follows itself.
  const params = await authClient.token.prepareTokenParams()
  const url = `${authorizeUrl(issuer, params)}&prompt=none&sessionToken=${encodeURIComponent(transaction.sessionToken!)}`
  const redirect = await fetch(url, { redirect: 'manual' })
  t.equal(redirect.status, 302)
  const callback = new URL(redirect.headers.get('location')!)
  t.equal(callback.searchParams.get('state'), params.state)
  const { tokens } = await authClient.token.exchangeCodeForTokens({ ...params, authorizationCode: callback.searchParams.get('code')! })
  t.equal(tokens.idToken?.claims.sub, ALICE.id)
  authClient.tokenManager.setTokens(tokens as Tokens)
  const renewed = await authClient.tokenManager.renew('accessToken')
  t.ok(renewed && isAccessToken(renewed) && renewed.accessToken !== tokens.accessToken?.accessToken, 'the tokens refresh')
  // The token manager keeps expiry timers for the tokens it holds; clearing it lets the process end.
  authClient.tokenManager.clear()
})

t.test('the server-side recipe with fetch alone: authn, authorize with the session token, code grant, refresh', async (t) => {
  const { base } = await startMockta(t)
  const authn = await fetch(`${base}/api/v1/authn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username: ALICE.username, password: ALICE.password }),
  })
  t.equal(authn.status, 200)
  const { sessionToken, status } = (await authn.json()) as { sessionToken: string; status: string }
  t.equal(status, 'SUCCESS')

  const { verifier, challenge } = pkcePair()
  const query = new URLSearchParams({
    client_id: SPA.id,
    response_type: 'code',
    response_mode: 'query',
    scope: SCOPES.join(' '),
    redirect_uri: SPA.redirectUri,
    state: 'server-state',
    nonce: 'server-nonce',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    prompt: 'none',
    sessionToken,
  })
  const redirect = await fetch(`${base}/oauth2/default/v1/authorize?${query}`, { redirect: 'manual' })
  t.equal(redirect.status, 302)
  const location = new URL(redirect.headers.get('location')!)
  t.equal(location.searchParams.get('state'), 'server-state')
  const code = location.searchParams.get('code')!

  const token = async (form: Record<string, string>) => {
    const res = await fetch(`${base}/oauth2/default/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    })
    return { status: res.status, body: (await res.json()) as Record<string, string> }
  }
  const granted = await token({ grant_type: 'authorization_code', client_id: SPA.id, code, redirect_uri: SPA.redirectUri, code_verifier: verifier })
  t.equal(granted.status, 200)
  t.ok(granted.body['access_token'] && granted.body['id_token'] && granted.body['refresh_token'])
  const refreshed = await token({ grant_type: 'refresh_token', client_id: SPA.id, refresh_token: granted.body['refresh_token']! })
  t.equal(refreshed.status, 200, 'the tokens refresh')

  // The session token was single-use.
  const again = await fetch(`${base}/oauth2/default/v1/authorize?${query}`, { redirect: 'manual' })
  t.equal(new URL(again.headers.get('location')!).searchParams.get('error'), 'login_required')
})
