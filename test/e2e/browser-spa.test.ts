/**
 * A real headless Chromium (Debian's `chromium`, driven by playwright-core; never downloaded) runs a
 * small sample SPA (test/e2e/sample-spa: plain HTML + fetch, PKCE) against a listening mockta: it
 * signs in by typing into mockta's sign-in page, shows the user's name, survives an access-token
 * expiry through a refresh, and signs out. The sign-in page's screenshot goes to test-output/. A second
 * page runs okta-auth-js's own browser bundle the way Okta's samples do (signInWithRedirect,
 * handleLoginRedirect, getUser, tokenManager.renew, signOut), signing in with one click on a listed user.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { Test } from 'tap'
import type { Page } from 'playwright-core'
import { SystemClock } from '../../src/clock.js'
import { ALICE, startMockta } from '../helpers/listening-app.js'
import { freePort } from '../helpers/child-process.js'
import { focusedId, openBrowser, skipWithoutChromium } from '../helpers/chromium.js'

const SPA_DIR = fileURLToPath(new URL('./sample-spa/', import.meta.url))
/** What the sample SPA's server serves besides index.html (its default page). */
const FILES: Record<string, string> = {
  '/app.js': join(SPA_DIR, 'app.js'),
  '/okta.html': join(SPA_DIR, 'okta.html'),
  '/okta-callback': join(SPA_DIR, 'okta.html'),
  '/okta-app.js': join(SPA_DIR, 'okta-app.js'),
  // okta-auth-js's own browser bundle, as an app would load it.
  '/okta-auth-js.js': fileURLToPath(new URL('../../node_modules/@okta/okta-auth-js/umd/default.js', import.meta.url)),
}
const OUTPUT = fileURLToPath(new URL('../../test-output/', import.meta.url))

const skip = skipWithoutChromium

interface Harness {
  page: Page
  spa: string
  base: string
  clock: SystemClock
}

/** mockta (its clock movable), the sample SPA's server and a fresh headless Chromium. */
async function setUp(t: Test): Promise<Harness> {
  const spaPort = await freePort()
  const spa = `http://127.0.0.1:${spaPort}`
  const clock = new SystemClock()
  const { base } = await startMockta(t, {
    clock,
    change: (c) => {
      const client = c.clients.find((x) => x.id === 'spa-app')!
      client.redirectUris.push(`${spa}/callback`, `${spa}/okta-callback`)
      client.postLogoutRedirectUris.push(`${spa}/`, `${spa}/okta.html`)
    },
  })
  const config = {
    issuer: `${base}/oauth2/default`,
    clientId: 'spa-app',
    redirectUri: `${spa}/callback`,
    postLogoutRedirectUri: `${spa}/`,
    oktaRedirectUri: `${spa}/okta-callback`,
    oktaPostLogoutRedirectUri: `${spa}/okta.html`,
  }
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]
    if (path === '/config.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(`const CONFIG = ${JSON.stringify(config)}`)
    const file = FILES[path!] ?? join(SPA_DIR, 'index.html')
    const type = file.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8'
    return res.writeHead(200, { 'content-type': type }).end(readFileSync(file))
  })
  await new Promise<void>((resolve) => server.listen(spaPort, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const { page } = await openBrowser(t)

  return { page, spa, base, clock }
}

t.test('sample SPA in headless Chromium: sign in through the page, refresh after expiry, sign out', { skip }, async (t) => {
  const { page, spa, base, clock } = await setUp(t)
  await page.goto(`${spa}/`)
  await page.getByText('Signed out').waitFor()
  await page.click('#sign-in')
  await page.waitForURL(`${base}/oauth2/default/v1/authorize?**`)
  t.equal(await page.title(), 'Sign in to Single-page app')
  t.equal(await focusedId(page), 'username', 'the username field has focus')
  mkdirSync(OUTPUT, { recursive: true })
  await page.screenshot({ path: join(OUTPUT, 'sign-in-page.png'), fullPage: true })

  // By keyboard, as a person would: type, Tab to the password, Enter submits.
  await page.keyboard.type(ALICE.username)
  await page.keyboard.press('Tab')
  await page.keyboard.type('not-the-password')
  await page.keyboard.press('Enter')
  await page.getByRole('alert').waitFor()
  t.match(await page.getByRole('alert').textContent(), 'Sign-in failed')
  await page.fill('#password', ALICE.password)
  await page.getByRole('button', { name: 'Sign in' }).click()

  await page.waitForURL(`${spa}/`)
  await page.locator('#user').filter({ hasText: 'Alice Anderson' }).waitFor()
  t.equal(await page.textContent('#status'), 'Signed in')
  t.equal(await page.textContent('#refreshes'), '0')

  // mockta's clock moves past the access token's lifetime: /userinfo says invalid_token, the SPA refreshes.
  clock.offsetMs += 3601 * 1000
  await page.click('#profile')
  await page.locator('#refreshes').filter({ hasText: '1' }).waitFor()
  t.equal(await page.textContent('#user'), 'Alice Anderson', 'still signed in after the refresh')

  await page.click('#sign-out')
  await page.waitForURL(`${spa}/?state=signed-out`)
  t.equal(await page.textContent('#status'), 'Signed out')

  // The sign-in session ended with the sign-out: signing in again shows the form.
  await page.click('#sign-in')
  await page.locator('#password').waitFor()
  t.ok(existsSync(join(OUTPUT, 'sign-in-page.png')), 'screenshot saved')
})

t.test('okta-auth-js in the page: signInWithRedirect, handleLoginRedirect, getUser, renew, signOut', { skip }, async (t) => {
  const { page, spa, base } = await setUp(t)
  page.on('pageerror', (e) => t.fail(`page error: ${e.message}`))
  const requests: string[] = []
  page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`))
  await page.goto(`${spa}/okta.html`)
  await page.getByText('Signed out').waitFor()
  await page.click('#sign-in')
  await page.waitForURL(`${base}/oauth2/default/v1/authorize?**`)
  await page.getByRole('button', { name: /Bob Brown/ }).click()
  await page.waitForURL(`${spa}/okta.html`)
  await page.locator('#user').filter({ hasText: 'Bob Brown' }).waitFor()
  await page.click('#renew')
  await page.getByText('Renewed').waitFor()
  await page.click('#sign-out')
  await page.waitForURL(`${spa}/okta.html`)
  await page.getByText('Signed out').waitFor()
  const count = (request: string) => requests.filter((r) => r === request).length
  const as = '/oauth2/default/v1'
  t.equal(count(`POST ${as}/token`), 2, 'the code redemption and the refresh (renew)')
  t.ok(count(`GET ${as}/userinfo`) >= 1, 'getUser')
  t.ok(count(`POST ${as}/revoke`) >= 1, 'signOut revokes')
  t.equal(count(`GET ${as}/logout`), 1, 'signOut ends the session at /logout')
})
