/**
 * The Authentication API's factors in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core) with okta-auth-js 8's browser bundle, unchanged (docs/authentication-api.md § 1.4):
 * `signInWithCredentials` → MFA_REQUIRED → the TOTP factor's `verify({ passCode })` (the code from
 * the control plane), and the email factor's challenge and `verify({ passCode })` (the code from the
 * outbox), each then `token.getWithoutPrompt({ sessionToken })` through the hidden iframe, ending
 * with tokens that refresh. The page reads codes through functions the test exposes, as a test
 * would read them from mockta's control plane.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { startMockta } from '../helpers/listening-app.js'
import { freePort } from '../helpers/child-process.js'
import { openBrowser, skipWithoutChromium } from '../helpers/chromium.js'
import { CAROL, CAROL_USER, withMfaUsers } from '../helpers/authn-users.js'

const BUNDLE = fileURLToPath(new URL('../../node_modules/@okta/okta-auth-js/umd/default.js', import.meta.url))
const skip = skipWithoutChromium

interface FactorRun {
  first: string
  challenge: string
  done: string
  subject: string
  renewed: boolean
  signedIn: boolean
}

t.test('okta-auth-js in Chromium: MFA with TOTP and with email, then getWithoutPrompt({ sessionToken }), tokens that refresh', { skip }, async (t) => {
  const spaPort = await freePort()
  const spa = `http://127.0.0.1:${spaPort}`
  const { base } = await startMockta(t, {
    change: (c) => {
      withMfaUsers(c)
      c.clients.find((x) => x.id === 'spa-app')!.redirectUris.push(`${spa}/callback`)
    },
  })
  const server = createServer((req, res) => {
    if (req.url === '/okta-auth-js.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(BUNDLE))
    return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>app</title><script src="/okta-auth-js.js"></script>')
  })
  await new Promise<void>((resolve) => server.listen(spaPort, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { page } = await openBrowser(t)
  page.on('pageerror', (e) => t.fail(`page error: ${e.message}`))
  await page.exposeFunction('totpCode', async () => ((await (await fetch(`${base}/__mockta/users/${CAROL.username}/totp`)).json()) as { code: string }).code)
  await page.exposeFunction(
    'emailCode',
    async () => ((await (await fetch(`${base}/__mockta/outbox?to=${encodeURIComponent(CAROL.username)}&limit=1`)).json()) as Array<{ code: string }>)[0]!.code,
  )
  await page.goto(`${spa}/`)

  const runs = (await page.evaluate(
    async ({ issuer, redirectUri, username, password }) => {
      const sdk = (globalThis as unknown as { OktaAuth: { OktaAuth?: new (o: unknown) => any } & (new (o: unknown) => any) }).OktaAuth
      const OktaAuthClass = sdk.OktaAuth ?? sdk
      const page = globalThis as unknown as { totpCode(): Promise<string>; emailCode(): Promise<string> }
      const auth = new OktaAuthClass({
        issuer,
        clientId: 'spa-app',
        redirectUri,
        scopes: ['openid', 'email', 'profile', 'offline_access'],
        tokenManager: { storage: 'memory', autoRenew: false },
      })
      const run = async (type: 'token:software:totp' | 'email') => {
        const transaction = await auth.signInWithCredentials({ username, password })
        const factor = transaction.factors.find((f: { factorType: string }) => f.factorType === type)
        let challenge = '-'
        let done: { status: string; sessionToken: string }
        if (type === 'email') {
          const challenged = await factor.verify()
          challenge = challenged.status
          done = await challenged.verify({ passCode: await page.emailCode() })
        } else {
          done = await factor.verify({ passCode: await page.totpCode() })
        }
        const { tokens } = await auth.token.getWithoutPrompt({ sessionToken: done.sessionToken })
        auth.tokenManager.setTokens(tokens)
        const renewed = await auth.tokenManager.renew('accessToken')
        const signedIn: boolean = await auth.session.exists()
        await auth.closeSession()
        auth.tokenManager.clear()
        return {
          first: transaction.status,
          challenge,
          done: done.status,
          subject: tokens.idToken.claims.sub,
          renewed: renewed.accessToken !== tokens.accessToken.accessToken,
          signedIn,
        }
      }
      return { totp: await run('token:software:totp'), email: await run('email') }
    },
    { issuer: `${base}/oauth2/default`, redirectUri: `${spa}/callback`, username: CAROL.username, password: CAROL.password },
  )) as { totp: FactorRun; email: FactorRun }

  t.strictSame(runs.totp, { first: 'MFA_REQUIRED', challenge: '-', done: 'SUCCESS', subject: CAROL_USER.id, renewed: true, signedIn: true }, 'TOTP')
  t.strictSame(runs.email, { first: 'MFA_REQUIRED', challenge: 'MFA_CHALLENGE', done: 'SUCCESS', subject: CAROL_USER.id, renewed: true, signedIn: true }, 'email')
})
