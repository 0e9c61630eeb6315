/**
 * okta-auth-js's browser bundle in a real headless Chromium signs in through the Identity Engine
 * (docs/identity-engine.md, "Browsers"): the page is served from its own port, so every /v1/interact,
 * /idp/idx/* and /v1/token call is a cross-origin fetch that needs mockta's CORS (credentialed for the
 * IDX calls, preflighted for their ion+json bodies). The flow ends in tokens and a renewal by refresh;
 * a second start in the same browser then succeeds at once from the session the first one started.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { ALICE, startMockta } from '../helpers/listening-app.js'
import { freePort } from '../helpers/child-process.js'
import { openBrowser, skipWithoutChromium } from '../helpers/chromium.js'

const BUNDLE = fileURLToPath(new URL('../../node_modules/@okta/okta-auth-js/umd/default.js', import.meta.url))

interface Outcome {
  status: string
  accessToken?: string
  renewedAccessToken?: string
  rotated?: boolean
  ssoStatus?: string
  ssoHasTokens?: boolean
  error?: string
}

t.test('okta-auth-js idx in Chromium, cross-origin: sign-in, tokens, renew, then single sign-on', { skip: skipWithoutChromium }, async (t) => {
  const spaPort = await freePort()
  const spa = `http://127.0.0.1:${spaPort}`
  // What reached mockta, preflights included (a page does not see the browser's own preflights).
  const calls: string[] = []
  const { base } = await startMockta(t, {
    change: (c) => void c.clients.find((x) => x.id === 'spa-app')!.redirectUris.push(`${spa}/login/callback`),
    beforeListen: (app) =>
      app.addHook('onResponse', async (req, reply) => {
        calls.push(`${req.method} ${req.url.split('?', 1)[0]} ${reply.statusCode} ${String(reply.getHeader('access-control-allow-credentials') ?? '')}`)
      }),
  })
  const config = { issuer: `${base}/oauth2/default`, clientId: 'spa-app', redirectUri: `${spa}/login/callback`, scopes: ['openid', 'profile', 'email', 'offline_access'] }
  const server = createServer((req, res) => {
    if (req.url === '/okta-auth-js.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(BUNDLE))
    return res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><title>IDX</title><script src="/okta-auth-js.js"></script><script>window.CONFIG = ${JSON.stringify(config)}</script>`)
  })
  await new Promise<void>((resolve) => server.listen(spaPort, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const { page } = await openBrowser(t)
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  await page.goto(`${spa}/`)

  const outcome: Outcome = await page.evaluate(
    async ({ username, password }) => {
      // The UMD bundle exposes the package's exports as window.OktaAuth; the class is one of them.
      const w = globalThis as unknown as { OktaAuth: { OktaAuth?: new (o: unknown) => any } & (new (o: unknown) => any); CONFIG: Record<string, unknown> }
      const OktaAuthClass = w.OktaAuth.OktaAuth ?? w.OktaAuth
      try {
        const authClient = new OktaAuthClass({ ...w.CONFIG, tokenManager: { autoRenew: false } })
        await authClient.idx.start()
        const tx = await authClient.idx.proceed({ step: 'identify', username, password })
        const out: Record<string, unknown> = { status: tx.status, accessToken: tx.tokens?.accessToken?.accessToken }
        authClient.tokenManager.setTokens(tx.tokens)
        const renewed = await authClient.token.renewTokens()
        out['renewedAccessToken'] = renewed.accessToken?.accessToken
        out['rotated'] = renewed.refreshToken?.refreshToken !== tx.tokens.refreshToken.refreshToken
        authClient.tokenManager.clear()
        authClient.transactionManager.clear()
        // Another start in this browser: the session cookie goes along (credentials: 'include').
        const again = new OktaAuthClass({ ...w.CONFIG, tokenManager: { autoRenew: false } })
        const sso = await again.idx.start()
        out['ssoStatus'] = sso.status
        // idx.start hands the code over without redeeming it, as the Sign-In Widget expects; the app redeems it.
        const meta = again.idx.getSavedTransactionMeta()
        const redeemed = await again.token.exchangeCodeForTokens({ interactionCode: sso.interactionCode, codeVerifier: meta.codeVerifier })
        out['ssoHasTokens'] = Boolean(redeemed.tokens?.accessToken)
        return out as unknown as Outcome
      } catch (err) {
        return { status: 'ERROR', error: String((err as Error).stack ?? err) } as Outcome
      }
    },
    { username: ALICE.username, password: ALICE.password },
  )

  t.equal(outcome.status, 'SUCCESS', outcome.error ?? '')
  t.ok(outcome.accessToken, 'tokens from the interaction code')
  t.ok(outcome.renewedAccessToken && outcome.renewedAccessToken !== outcome.accessToken, 'renewTokens: a new access token')
  t.equal(outcome.rotated, true, 'the refresh token rotated')
  t.equal(outcome.ssoStatus, 'SUCCESS', 'the second start is signed in by the session')
  t.equal(outcome.ssoHasTokens, true)
  t.strictSame(problems, [], 'no CORS or page errors')
  const count = (call: string) => calls.filter((c) => c === call).length
  t.ok(count('OPTIONS /idp/idx/introspect 204 true') >= 1, 'the ion+json introspect was preflighted and allowed, with credentials')
  t.equal(count('OPTIONS /idp/idx/identify 204 true'), 1, 'and identify')
  t.equal(count('POST /idp/idx/identify 200 true'), 1, 'identify from the page, credentialed')
  t.equal(count('POST /oauth2/default/v1/interact 200 true'), 2, 'two interactions, credentialed')
  t.equal(count('POST /oauth2/default/v1/token 200 '), 3, 'two redemptions and a refresh')
})
