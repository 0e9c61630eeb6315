/**
 * openid-client v6 (panva) against mockta on a real socket: discovery, password grant, refresh with
 * rotation, introspection, revocation, and the authorization-code flow with PKCE. `enableNonRepudiationChecks` makes openid-client verify every
 * ID token's signature through the discovered jwks_uri, on top of the iss/aud/exp/iat checks it
 * always does in the grant functions.
 */
import t from 'tap'
import * as client from 'openid-client'
import { ALICE, startMockta, WEB } from '../helpers/listening-app.js'
import { autoSignIn, SPA } from '../helpers/authorize.js'
import { atHash } from '../helpers/token-response.js'

const SCOPE = 'openid profile email offline_access'
const INVALID_RT = { name: 'ResponseBodyError', error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.', status: 400 }

function discover(issuer: string, clientId: string, auth: client.ClientAuth): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), clientId, undefined, auth, {
    execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  })
}

const signIn = (config: client.Configuration) => client.genericGrantRequest(config, 'password', { username: ALICE.username, password: ALICE.password, scope: SCOPE })

t.test('default authorization server', async (t) => {
  const { base } = await startMockta(t)
  const issuer = `${base}/oauth2/default`

  const clients: Array<[string, client.ClientAuth]> = [
    [WEB.id, client.ClientSecretBasic(WEB.secret)],
    ['native-app', client.None()],
  ]
  for (const [clientId, auth] of clients) {
    await t.test(clientId, async (t) => {
      const config = await discover(issuer, clientId, auth)
      const metadata = config.serverMetadata()
      t.equal(metadata.issuer, issuer)
      t.equal(metadata.jwks_uri, `${issuer}/v1/keys`)

      const first = await signIn(config)
      t.equal(first.token_type, 'bearer', 'openid-client lower-cases token_type')
      t.equal(first.scope, SCOPE)
      t.type(first.refresh_token, 'string')
      const idClaims = first.claims()
      t.match(idClaims, { iss: issuer, aud: clientId, sub: ALICE.id, email: ALICE.username })

      const second = await client.refreshTokenGrant(config, first.refresh_token as string)
      t.not(second.refresh_token, first.refresh_token, 'the refresh token rotates')
      t.not(second.access_token, first.access_token)
      const refreshed = second.claims()
      t.match(refreshed, { iss: issuer, aud: clientId, sub: ALICE.id, auth_time: idClaims?.auth_time })
      t.ok((refreshed?.exp ?? 0) > Date.now() / 1000, 'the refreshed ID token is live')

      const at = await client.tokenIntrospection(config, second.access_token)
      t.match(at, {
        active: true,
        scope: SCOPE,
        username: ALICE.username,
        sub: ALICE.username,
        aud: 'api://default',
        iss: issuer,
        token_type: 'Bearer',
        client_id: clientId,
        uid: ALICE.id,
        jti: /^AT\./,
      })
      t.type(at.exp, 'number')
      t.type(at.iat, 'number')

      const rt = await client.tokenIntrospection(config, second.refresh_token as string, { token_type_hint: 'refresh_token' })
      t.match(rt, { active: true, token_type: 'Bearer', scope: SCOPE, client_id: clientId, username: ALICE.username, sub: ALICE.username })
      t.notOk('iss' in rt || 'jti' in rt || 'uid' in rt, 'refresh-token introspection carries no JWT claims')

      await client.tokenRevocation(config, second.refresh_token as string, { token_type_hint: 'refresh_token' })
      t.same(await client.tokenIntrospection(config, second.refresh_token as string), { active: false })
      t.same(await client.tokenIntrospection(config, second.access_token), { active: false }, "the family's access tokens die with it")
      await t.rejects(client.refreshTokenGrant(config, second.refresh_token as string), INVALID_RT)
      await t.rejects(client.refreshTokenGrant(config, first.refresh_token as string), INVALID_RT, 'the rotated-out token too')
    })
  }
})

t.test('a refresh failure is a ResponseBodyError with both OAuth fields', async (t) => {
  const { base } = await startMockta(t)
  const config = await discover(`${base}/oauth2/default`, 'native-app', client.None())
  const err = await client.refreshTokenGrant(config, 'not-a-refresh-token').then(
    () => undefined,
    (e: unknown) => e,
  )
  t.ok(err instanceof client.ResponseBodyError, 'openid-client recognises the OAuth error body')
  if (!(err instanceof client.ResponseBodyError)) return
  t.equal(err.status, 400)
  t.equal(err.error, INVALID_RT.error)
  t.equal(err.error_description, INVALID_RT.error_description)
})

t.test('org authorization server: issuer is the base URL', async (t) => {
  const { base } = await startMockta(t)
  const config = await discover(base, WEB.id, client.ClientSecretBasic(WEB.secret))
  const metadata = config.serverMetadata()
  t.equal(metadata.issuer, base, 'no path, no trailing slash')
  t.equal(metadata.token_endpoint, `${base}/oauth2/v1/token`, 'endpoints are under /oauth2/v1, not issuer + /v1')
  t.equal(metadata.jwks_uri, `${base}/oauth2/v1/keys`)

  const first = await signIn(config)
  t.match(first.claims(), { iss: base, aud: WEB.id, sub: ALICE.id })
  const second = await client.refreshTokenGrant(config, first.refresh_token as string)
  t.not(second.refresh_token, first.refresh_token)
  t.match(second.claims(), { iss: base, aud: WEB.id, sub: ALICE.id })
  t.match(await client.tokenIntrospection(config, second.access_token), { active: true, iss: base, client_id: WEB.id })
})

t.test('the ID-token signature really is checked against jwks_uri', async (t) => {
  const { base } = await startMockta(t)
  const issuer = `${base}/oauth2/default`
  const config = await discover(issuer, 'native-app', client.None())
  const requested: string[] = []
  // Changing one claim while keeping mockta's signature must make the grant fail.
  config[client.customFetch] = async (url, options) => {
    requested.push(url)
    const res = await fetch(url, options as RequestInit)
    if (!url.endsWith('/v1/token')) return res
    const body = (await res.json()) as { id_token: string }
    const [header, payload, signature] = body.id_token.split('.') as [string, string, string]
    const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), email: 'mallory@example.com' }
    body.id_token = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.')
    return new Response(JSON.stringify(body), { status: res.status, headers: { 'content-type': 'application/json' } })
  }
  const err = await signIn(config).then(
    () => undefined,
    (e: unknown) => e,
  )
  t.match(err, { cause: { message: 'JWT signature verification failed' } })
  t.ok(requested.includes(`${issuer}/v1/keys`), 'the keys came from the discovered jwks_uri')
})

t.test('authorization code + PKCE through the real redirect, sign-in without a person; userinfo; end session', async (t) => {
  const { base } = await startMockta(t, { change: autoSignIn('spa-app') })
  const issuer = `${base}/oauth2/default`
  const config = await discover(issuer, 'spa-app', client.None())
  t.equal(config.serverMetadata().authorization_endpoint, `${issuer}/v1/authorize`)
  t.strictSame(config.serverMetadata().code_challenge_methods_supported, ['S256'])

  const verifier = client.randomPKCECodeVerifier()
  const nonce = client.randomNonce()
  const state = client.randomState()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: SPA.redirectUri,
    scope: SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
  })
  // A plain HTTP client plays the browser: /authorize answers with the redirect at once.
  const redirect = await fetch(url, { redirect: 'manual' })
  t.equal(redirect.status, 302)
  const callback = new URL(redirect.headers.get('location')!)
  t.equal(callback.origin + callback.pathname, SPA.redirectUri)

  const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state })
  const claims = tokens.claims()!
  t.match(claims, { iss: issuer, aud: 'spa-app', sub: ALICE.id, nonce })
  t.equal(claims['at_hash'], atHash(tokens.access_token), 'at_hash binds the ID token to the access token')
  t.type(tokens.refresh_token, 'string')

  const info = await client.fetchUserInfo(config, tokens.access_token, ALICE.id)
  t.match(info, { sub: ALICE.id, email: ALICE.username, name: 'Alice Anderson' })

  const replay = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state }).then(
    () => undefined,
    (e: unknown) => e,
  )
  t.match(replay, { error: 'invalid_grant', error_description: 'The authorization code is invalid or has expired.' }, 'a code works once')

  const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: SPA.logoutUri, state: 'bye' })
  const out = await fetch(logout, { redirect: 'manual' })
  t.equal(out.headers.get('location'), `${SPA.logoutUri}?state=bye`)
})
