/**
 * The real Okta Sign-In Widget 7.x, embedded in a test app page on its own port and pointed at a
 * listening mockta, in headless Chromium (docs/sign-in-widget.md § embedded): password sign-in, a
 * wrong password showing Okta's message, a reload in the middle of a flow resuming where it was. Each
 * ends with tokens that refresh, and no request leaves for a host other than the app and mockta.
 * One browser and one mockta for the file; each flow gets its own tab (the widget keeps its
 * transaction in the tab's sessionStorage). Screenshots of each step go to test-output/widget/.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { Test } from 'tap'
import type { Page } from 'playwright-core'
import { ALICE, startMockta } from '../helpers/listening-app.js'
import { openBrowser, skipWithoutChromium } from '../helpers/chromium.js'
import { onlyOrigins, startWidgetApp } from '../helpers/widget-app.js'

const OUTPUT = fileURLToPath(new URL('../../test-output/widget/', import.meta.url))

t.test('the embedded Sign-In Widget on the Identity Engine', { skip: skipWithoutChromium }, async (t) => {
  let base = ''
  const origin = await startWidgetApp(t, (o) => ({ issuer: `${base}/oauth2/default`, clientId: 'spa-app', redirectUri: `${o}/login/callback`, useClassicEngine: false }))
  // The app's redirect URI makes its origin a trusted one for CORS.
  const mockta = await startMockta(t, { change: (c) => c.clients.find((x) => x.id === 'spa-app')!.redirectUris.push(`${origin}/login/callback`) })
  base = mockta.base
  const { ctx } = mockta
  const { context } = await openBrowser(t, { viewport: { width: 1000, height: 760 } })
  const elsewhere = await onlyOrigins(context, [origin, base])
  mkdirSync(OUTPUT, { recursive: true })
  const shot = (page: Page, name: string) => page.screenshot({ path: join(OUTPUT, `idx-${name}.png`) })

  const tab = async (t: Test) => {
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    page.on('pageerror', (e) => t.fail(`page error: ${e.message}`))
    t.teardown(() => page.close())
    await page.goto(`${origin}/`)
    await page.locator('input[name="identifier"]').waitFor()
    return page
  }
  const signedIn = async (t: Test, page: Page) => {
    await page.locator('#status').filter({ hasText: 'Signed in' }).waitFor()
    t.match(await page.textContent('#user'), ALICE.username)
    t.equal(await page.evaluate('window.refresh()'), true, 'the refresh token gives a new access token')
    t.equal(await page.textContent('#refreshes'), '1')
  }

  t.test('username and password', async (t) => {
    const page = await tab(t)
    await shot(page, '1-identify')
    await page.fill('input[name="identifier"]', ALICE.username)
    await page.fill('input[name="credentials.passcode"]', ALICE.password)
    await page.click('input[type="submit"]')
    await signedIn(t, page)
    await shot(page, '2-signed-in')
  })

  t.test('a wrong password shows Okta message, then the right one signs in', async (t) => {
    const page = await tab(t)
    await page.fill('input[name="identifier"]', ALICE.username)
    await page.fill('input[name="credentials.passcode"]', 'not-the-password')
    await page.click('input[type="submit"]')
    const callout = page.locator('.o-form-error-container')
    await callout.filter({ hasText: 'Unable to sign in' }).waitFor()
    await shot(page, '3-wrong-password')
    await page.fill('input[name="credentials.passcode"]', ALICE.password)
    await page.click('input[type="submit"]')
    await signedIn(t, page)
  })

  t.test('a reload after the username resumes at the password', async (t) => {
    // Identifier first (a server-wide setting read on every answer): the flow has a middle to reload in.
    ctx.config.identityEngine.identifierFirst = true
    t.teardown(() => {
      ctx.config.identityEngine.identifierFirst = false
    })
    const page = await tab(t)
    await page.fill('input[name="identifier"]', ALICE.username)
    await page.click('input[type="submit"]')
    await page.locator('input[name="credentials.passcode"]').waitFor()
    await page.reload()
    await page.locator('input[name="credentials.passcode"]').waitFor()
    t.equal(await page.locator('input[name="identifier"]').count(), 0, 'not back at the username')
    await shot(page, '4-resumed-at-password')
    await page.fill('input[name="credentials.passcode"]', ALICE.password)
    await page.click('input[type="submit"]')
    await signedIn(t, page)
  })

  t.test('nothing left for another host', async (t) => {
    t.same(elsewhere, [])
  })
})
