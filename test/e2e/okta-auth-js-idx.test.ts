/**
 * okta-auth-js 8's `idx` module, unchanged, against a listening mockta (docs/identity-engine.md): embedded
 * sign-in by the Interaction Code flow in step mode and in legacy mode, for a public SPA and a
 * confidential web app, both form layouts (username and password together, identifier first), then
 * the tokens verified by @okta/jwt-verifier, renewed by refresh and introspected; a wrong password and
 * a cancel as the SDK reports them.
 */
import t, { type Test } from 'tap'
import { IdxStatus, type OktaAuth, TokenKind, type OktaAuthOptions, type Tokens } from '@okta/okta-auth-js'
import { ALICE, startMockta, WEB } from '../helpers/listening-app.js'
import { SPA } from '../helpers/authorize.js'
import { sdk, verifierFor } from '../helpers/okta-idx-sdk.js'

/** What an app does with the tokens of a sign-in: verify them, renew through refresh, introspect. */
async function useTokens(t: Test, authClient: OktaAuth, tokens: Tokens, clientId: string, secret?: string): Promise<void> {
  const issuer = authClient.options.issuer!
  t.ok(tokens.accessToken && tokens.idToken && tokens.refreshToken, 'access, ID and refresh tokens')
  const verifier = verifierFor(issuer)
  const at = await verifier.verifyAccessToken(tokens.accessToken!.accessToken, 'api://default')
  t.match(at.claims, { iss: issuer, cid: clientId, uid: ALICE.id, sub: ALICE.username })
  const id = await verifier.verifyIdToken(tokens.idToken!.idToken, clientId, tokens.idToken!.claims.nonce as string)
  t.match(id.claims, { sub: ALICE.id, amr: ['pwd'] })
  t.type(tokens.idToken!.claims.nonce, 'string', 'the ID token carries the nonce sent to /interact')

  if (secret !== undefined) return refreshAsConfidential(t, issuer, tokens, clientId, secret)
  authClient.tokenManager.setTokens(tokens)
  const renewed = await authClient.token.renewTokens()
  t.not(renewed.accessToken?.accessToken, tokens.accessToken?.accessToken, 'renewTokens: a new access token')
  t.not(renewed.refreshToken?.refreshToken, tokens.refreshToken?.refreshToken, 'the refresh token rotated')
  const active = await authClient.token.introspect(TokenKind.ACCESS, renewed.accessToken)
  t.match(active, { active: true, client_id: clientId, username: ALICE.username })
  const old = await authClient.token.introspect(TokenKind.REFRESH, tokens.refreshToken)
  t.equal(old.active, true, 'the previous refresh token is still in its grace period')
  // The token manager keeps expiry timers for what it holds; clearing them lets the process end.
  authClient.tokenManager.clear()
}

/**
 * okta-auth-js refreshes with `client_id` alone, which a confidential client cannot (RFC 6749 §6): a
 * web app's server refreshes with its secret, as here.
 */
async function refreshAsConfidential(t: Test, issuer: string, tokens: Tokens, clientId: string, secret: string): Promise<void> {
  const authorization = `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`
  const post = (path: string, params: Record<string, string>) =>
    fetch(`${issuer}/v1/${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) })
  const refreshed = (await (await post('token', { grant_type: 'refresh_token', refresh_token: tokens.refreshToken!.refreshToken })).json()) as Record<string, string>
  t.ok(refreshed['access_token'] && refreshed['refresh_token'] !== tokens.refreshToken!.refreshToken, 'refresh: new tokens, the refresh token rotated')
  const introspected = (await (await post('introspect', { token: refreshed['access_token']! })).json()) as Record<string, unknown>
  t.match(introspected, { active: true, client_id: clientId, username: ALICE.username })
}

for (const identifierFirst of [false, true]) {
  const layout = identifierFirst ? 'identifier first' : 'username and password on one form'
  t.test(`step mode (${layout}): idx.start, idx.proceed, tokens`, async (t) => {
    const { base } = await startMockta(t, { change: (c) => void (c.identityEngine.identifierFirst = identifierFirst) })
    const authClient = sdk(base)
    const started = await authClient.idx.start()
    t.equal(started.status, IdxStatus.PENDING)
    t.ok(
      started.availableSteps?.some((s) => s.name === 'identify'),
      'identify is available',
    )
    let tx = await authClient.idx.proceed(
      identifierFirst ? { step: 'identify', username: ALICE.username } : { step: 'identify', username: ALICE.username, password: ALICE.password },
    )
    if (identifierFirst) {
      t.equal(tx.status, IdxStatus.PENDING)
      t.equal(tx.nextStep?.name, 'challenge-authenticator')
      // Step mode uses okta-auth-js's generic remediator, which hands the related authenticator over as is.
      const step = tx.nextStep as { authenticator?: { key?: string }; relatesTo?: { value?: { key?: string } } } | undefined
      t.equal(step?.authenticator?.key ?? step?.relatesTo?.value?.key, 'okta_password')
      tx = await authClient.idx.proceed({ step: 'challenge-authenticator', password: ALICE.password })
    }
    t.equal(tx.status, IdxStatus.SUCCESS, JSON.stringify(tx.messages))
    await useTokens(t, authClient, tx.tokens as Tokens, SPA.id)
  })

  t.test(`legacy mode (${layout}): idx.authenticate({ username, password })`, async (t) => {
    const { base } = await startMockta(t, { change: (c) => void (c.identityEngine.identifierFirst = identifierFirst) })
    const authClient = sdk(base, { idx: { enableLegacyMode: true } } as Partial<OktaAuthOptions>)
    const tx = await authClient.idx.authenticate({ username: ALICE.username, password: ALICE.password })
    t.equal(tx.status, IdxStatus.SUCCESS, JSON.stringify(tx.messages))
    await useTokens(t, authClient, tx.tokens as Tokens, SPA.id)
  })
}

t.test('a confidential web app signs in with its secret, at /interact and /token alike', async (t) => {
  const secretAt: string[] = []
  const { base } = await startMockta(t, {
    beforeListen: (app) =>
      app.addHook('preHandler', async (req) => {
        const body = req.body as Record<string, unknown> | undefined
        if (body?.['client_secret'] === WEB.secret) secretAt.push(req.url.replace(/^.*\/v1\//, ''))
      }),
  })
  const authClient = sdk(base, { clientId: WEB.id, clientSecret: WEB.secret, redirectUri: 'http://localhost:3000/authorization-code/callback' })
  await authClient.idx.start()
  const tx = await authClient.idx.proceed({ step: 'identify', username: ALICE.username, password: ALICE.password })
  t.equal(tx.status, IdxStatus.SUCCESS, JSON.stringify(tx.messages))
  t.strictSame(secretAt.slice(0, 2), ['interact', 'token'], 'client_secret in the body of /interact and /token')
  await useTokens(t, authClient, tx.tokens as Tokens, WEB.id, WEB.secret)

  const wrong = sdk(base, { clientId: WEB.id, clientSecret: 'not-the-secret', redirectUri: 'http://localhost:3000/authorization-code/callback' })
  await t.rejects(wrong.idx.start(), { errorCode: 'invalid_client' } as unknown as Error, 'a wrong secret fails at /interact')
})

t.test("a wrong password shows Okta's message and the form stays usable", async (t) => {
  for (const identifierFirst of [false, true]) {
    const { base } = await startMockta(t, { change: (c) => void (c.identityEngine.identifierFirst = identifierFirst) })
    const authClient = sdk(base)
    await authClient.idx.start()
    let tx = identifierFirst
      ? await authClient.idx.proceed({ step: 'identify', username: ALICE.username }).then(() => authClient.idx.proceed({ step: 'challenge-authenticator', password: 'wrong' }))
      : await authClient.idx.proceed({ step: 'identify', username: ALICE.username, password: 'wrong' })
    t.equal(tx.status, IdxStatus.PENDING)
    const expected = identifierFirst
      ? { class: 'ERROR', i18n: { key: 'incorrectPassword' }, message: 'Password is incorrect' }
      : { class: 'ERROR', i18n: { key: 'errors.E0000004' }, message: 'Authentication failed' }
    t.match(tx.messages, [expected])
    t.equal(tx.nextStep?.name, identifierFirst ? 'challenge-authenticator' : 'identify')
    tx = identifierFirst
      ? await authClient.idx.proceed({ step: 'challenge-authenticator', password: ALICE.password })
      : await authClient.idx.proceed({ step: 'identify', username: ALICE.username, password: ALICE.password })
    t.equal(tx.status, IdxStatus.SUCCESS, 'then the right password signs in')
  }
})

t.test('cancel: CANCELED, and the transaction cannot go on', async (t) => {
  const { base } = await startMockta(t)
  const authClient = sdk(base)
  await authClient.idx.start()
  const tx = await authClient.idx.cancel()
  t.equal(tx.status, IdxStatus.CANCELED)
  t.equal(authClient.idx.canProceed(), false)
})
