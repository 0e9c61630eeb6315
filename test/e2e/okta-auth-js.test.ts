/**
 * @okta/okta-auth-js used as an app uses it, in Node with a memory token store, against a running
 * mockta: PKCE sign-in through the real /authorize redirect (a plain HTTP client plays the browser,
 * with the client's sign-in without a person), tokenManager.renew through the refresh grant,
 * revokeRefreshToken, and sign-out through the end-session URL.
 */
import t from 'tap'
import { isAccessToken, OktaAuth, TokenKind, type Tokens } from '@okta/okta-auth-js'
import { ALICE, startMockta } from '../helpers/listening-app.js'
import { autoSignIn, SPA } from '../helpers/authorize.js'
import { authorizeUrl } from '../helpers/okta-authorize-url.js'

const SCOPES = ['openid', 'profile', 'email', 'offline_access']

t.test('okta-auth-js: PKCE sign-in by redirect, renew, revokeRefreshToken, sign-out', async (t) => {
  const { base } = await startMockta(t, { change: autoSignIn(SPA.id) })
  const issuer = `${base}/oauth2/default`
  const authClient = new OktaAuth({
    issuer,
    clientId: SPA.id,
    redirectUri: SPA.redirectUri,
    postLogoutRedirectUri: SPA.logoutUri,
    scopes: SCOPES,
    pkce: true,
    tokenManager: { storage: 'memory', autoRenew: false, autoRemove: false },
  })

  // What getWithRedirect does in a browser: PKCE pair, state and nonce, then navigate to /authorize.
  const params = await authClient.token.prepareTokenParams()
  const redirect = await fetch(authorizeUrl(issuer, params), { redirect: 'manual' })
  t.equal(redirect.status, 302)
  const callback = new URL(redirect.headers.get('location')!)
  t.equal(callback.searchParams.get('state'), params.state, 'state comes back')
  const code = callback.searchParams.get('code')!

  // What handleLoginRedirect does: exchange the code, with okta-auth-js verifying the ID token
  // (signature via jwks_uri, iss, aud, nonce, at_hash).
  const { tokens } = await authClient.token.exchangeCodeForTokens({ ...params, authorizationCode: code })
  t.ok(tokens.accessToken && tokens.idToken && tokens.refreshToken, 'access, ID and refresh tokens')
  authClient.tokenManager.setTokens(tokens as Tokens)
  t.equal(tokens.idToken?.claims.sub, ALICE.id)
  t.equal(tokens.idToken?.claims.email, ALICE.username)
  t.ok(await authClient.isAuthenticated(), 'authenticated')
  const user = await authClient.getUser()
  t.match(user, { sub: ALICE.id, name: 'Alice Anderson' }, 'getUser reads /userinfo')

  // tokenManager.renew uses the refresh token when there is one (refresh_token grant, rotation).
  const renewed = await authClient.tokenManager.renew('accessToken')
  t.ok(renewed && isAccessToken(renewed) && renewed.accessToken !== tokens.accessToken?.accessToken, 'a new access token')
  const after = await authClient.tokenManager.getTokens()
  t.not(after.refreshToken?.refreshToken, tokens.refreshToken?.refreshToken, 'the refresh token rotated')

  await authClient.revokeRefreshToken()
  const introspected = await authClient.token.introspect(TokenKind.REFRESH, after.refreshToken)
  t.equal(introspected.active, false, 'the refresh token is revoked')

  // signOut() revokes, then navigates to this URL (browser only); getSignOutRedirectUrl is its Node half,
  // present at runtime though missing from the published typings.
  const sdk = authClient as unknown as { getSignOutRedirectUrl(options: { state: string }): string }
  const signOutUrl = sdk.getSignOutRedirectUrl({ state: 'bye' })
  const out = await fetch(signOutUrl, { redirect: 'manual' })
  t.equal(out.status, 302)
  t.equal(out.headers.get('location'), `${SPA.logoutUri}?state=bye`)
  authClient.tokenManager.clear()
  t.notOk(await authClient.isAuthenticated(), 'signed out')
})
