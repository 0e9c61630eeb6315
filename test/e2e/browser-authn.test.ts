/**
 * Programmatic sign-in in a real headless Chromium (Debian's `chromium`, driven by playwright-core)
 * with okta-auth-js 8's browser bundle, exactly as Cypress's Real World App does it
 * (docs/authentication-api.md § 5): `signInWithCredentials`,
 * then `token.getWithoutPrompt({ sessionToken })` through the hidden iframe and okta_post_message;
 * the iframe again on the session cookie alone, and `token.getWithPopup`; then the Sessions API (`session.exists()`, `session.get()`, `session.refresh()`, `closeSession()`)
 * with credentialed CORS, and tokens that refresh.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { ALICE, startMockta } from '../helpers/listening-app.js'
import { freePort } from '../helpers/child-process.js'
import { openBrowser, skipWithoutChromium } from '../helpers/chromium.js'

const BUNDLE = fileURLToPath(new URL('../../node_modules/@okta/okta-auth-js/umd/default.js', import.meta.url))
const skip = skipWithoutChromium

interface Outcome {
  status: string
  hasUser: boolean
  subject: string
  existsBefore: boolean
  existsSignedIn: boolean
  session: { status: string; login: string; userId: string }
  refreshedLater: boolean
  renewed: boolean
  existsAfterClose: boolean
  wrongPassword: string
  silentSubject: string
  popupSubject: string
}

t.test('okta-auth-js in Chromium: signInWithCredentials, getWithoutPrompt({ sessionToken }), sessions, closeSession', { skip }, async (t) => {
  const spaPort = await freePort()
  const spa = `http://127.0.0.1:${spaPort}`
  const { base } = await startMockta(t, { change: (c) => void c.clients.find((x) => x.id === 'spa-app')!.redirectUris.push(`${spa}/callback`) })
  const server = createServer((req, res) => {
    if (req.url === '/okta-auth-js.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(BUNDLE))
    return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>app</title><script src="/okta-auth-js.js"></script>')
  })
  await new Promise<void>((resolve) => server.listen(spaPort, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { page } = await openBrowser(t)
  page.on('pageerror', (e) => t.fail(`page error: ${e.message}`))
  await page.goto(`${spa}/`)

  const outcome = (await page.evaluate(
    async ({ issuer, redirectUri, username, password }) => {
      const sdk = (globalThis as unknown as { OktaAuth: { OktaAuth?: new (o: unknown) => any } & (new (o: unknown) => any) }).OktaAuth
      const OktaAuthClass = sdk.OktaAuth ?? sdk
      const auth = new OktaAuthClass({
        issuer,
        clientId: 'spa-app',
        redirectUri,
        scopes: ['openid', 'email', 'profile', 'offline_access'],
        tokenManager: { storage: 'memory', autoRenew: false },
      })
      const existsBefore: boolean = await auth.session.exists()
      let wrongPassword = ''
      try {
        await auth.signInWithCredentials({ username, password: 'wrong' })
      } catch (e) {
        wrongPassword = (e as { errorCode: string }).errorCode
      }
      // Cypress's Real World App, "Programmatic Login": the session token, then the tokens without a prompt.
      const transaction = await auth.signInWithCredentials({ username, password })
      const { tokens } = await auth.token.getWithoutPrompt({ sessionToken: transaction.sessionToken })
      auth.tokenManager.setTokens(tokens)
      // The iframe again, now on the session cookie alone (what token.renew does without a refresh token), and the popup.
      const silent = await auth.token.getWithoutPrompt({ scopes: ['openid', 'email', 'profile'] })
      const popup = await auth.token.getWithPopup({ scopes: ['openid', 'email', 'profile'] })
      const existsSignedIn: boolean = await auth.session.exists()
      const session = await auth.session.get()
      const refreshed = await session.refresh()
      const renewed = await auth.tokenManager.renew('accessToken')
      await auth.closeSession()
      const existsAfterClose: boolean = await auth.session.exists()
      return {
        status: transaction.status,
        hasUser: transaction.user?.profile?.login === username,
        subject: tokens.idToken.claims.sub,
        existsBefore,
        existsSignedIn,
        session: { status: session.status, login: session.login, userId: session.userId },
        refreshedLater: Date.parse(refreshed.expiresAt) >= Date.parse(session.expiresAt),
        renewed: renewed.accessToken !== tokens.accessToken.accessToken,
        existsAfterClose,
        wrongPassword,
        silentSubject: silent.tokens.idToken.claims.sub,
        popupSubject: popup.tokens.idToken.claims.sub,
      }
    },
    { issuer: `${base}/oauth2/default`, redirectUri: `${spa}/callback`, username: ALICE.username, password: ALICE.password },
  )) as Outcome

  t.equal(outcome.wrongPassword, 'E0000004', 'a wrong password is E0000004')
  t.equal(outcome.status, 'SUCCESS')
  t.ok(outcome.hasUser, '_embedded.user')
  t.equal(outcome.subject, ALICE.id, 'getWithoutPrompt got the tokens through the iframe')
  t.equal(outcome.silentSubject, ALICE.id, 'getWithoutPrompt on the session cookie alone')
  t.equal(outcome.popupSubject, ALICE.id, 'getWithPopup: the popup posts the code to its opener')
  t.equal(outcome.existsBefore, false, 'no session before')
  t.equal(outcome.existsSignedIn, true, 'session.exists() after the session token was used')
  t.strictSame(outcome.session, { status: 'ACTIVE', login: ALICE.username, userId: ALICE.id })
  t.ok(outcome.refreshedLater, 'session.refresh()')
  t.ok(outcome.renewed, 'the tokens refresh')
  t.equal(outcome.existsAfterClose, false, 'closeSession() ended it')
})
