/**
 * The real Okta Sign-In Widget 7.x, embedded in a test app page on its own port and pointed at a
 * listening mockta, in headless Chromium (docs/sign-in-widget.md § embedded): password sign-in, a
 * wrong password showing Okta's message, a reload in the middle of a flow resuming where it was. Each
 * ends with tokens that refresh, and no request leaves for a host other than the app and mockta.
 * The same page with `useClassicEngine: true` signs in through the classic Authentication API.
 * An SPA whose client has `signInPage: "okta-widget"` signs in on mockta's hosted widget page
 * (Cypress's Okta recipe: type into the widget's fields) and comes back with code and state.
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

t.test('the embedded Sign-In Widget, Identity Engine and classic', { skip: skipWithoutChromium }, async (t) => {
  let base = ''
  const origin = await startWidgetApp(t, (o) => ({ issuer: `${base}/oauth2/default`, clientId: 'spa-app', redirectUri: `${o}/login/callback`, hostedClientId: 'hosted-spa' }))
  const mockta = await startMockta(t, {
    change: (c) => {
      const spa = c.clients.find((x) => x.id === 'spa-app')!
      // The app's redirect URI makes its origin a trusted one for CORS.
      spa.redirectUris.push(`${origin}/login/callback`)
      c.clients.push({ ...structuredClone(spa), id: 'hosted-spa', name: 'Acme Portal', signInPage: 'okta-widget', redirectUris: [`${origin}/hosted/callback`] })
    },
  })
  base = mockta.base
  const { ctx } = mockta
  const { context } = await openBrowser(t, { viewport: { width: 1000, height: 760 } })
  const elsewhere = await onlyOrigins(context, [origin, base])
  mkdirSync(OUTPUT, { recursive: true })
  const shot = (page: Page, name: string) => page.screenshot({ path: join(OUTPUT, `${name}.png`) })

  const tab = async (t: Test, path = '/', ready = 'input[name="identifier"], input[name="username"]') => {
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    page.on('pageerror', (e) => t.fail(`page error: ${e.message}`))
    t.teardown(async () => {
      if (!t.passing()) await shot(page, `failed-${t.name.replace(/\W+/g, '-')}`)
      await page.close()
    })
    await page.goto(`${origin}${path}`)
    await page.locator(ready).waitFor()
    return page
  }
  // Typed key by key, as a person (or Cypress's recipe) would: a bare fill() can land before the
  // widget's form model listens, and the widget then reports the field as blank.
  const enter = async (page: Page, selector: string, text: string) => {
    const field = page.locator(selector)
    await field.fill('')
    await field.pressSequentially(text)
  }
  const signedIn = async (t: Test, page: Page) => {
    await page.locator('#status').filter({ hasText: 'Signed in' }).waitFor()
    t.match(await page.textContent('#user'), ALICE.username)
    t.equal(await page.evaluate('window.refresh()'), true, 'the refresh token gives a new access token')
    t.equal(await page.textContent('#refreshes'), '1')
  }

  t.test('username and password', async (t) => {
    const page = await tab(t)
    await shot(page, '1-embedded-identify')
    await enter(page, 'input[name="identifier"]', ALICE.username)
    await enter(page, 'input[name="credentials.passcode"]', ALICE.password)
    await page.click('input[type="submit"]')
    await signedIn(t, page)
    await shot(page, '2-embedded-signed-in')
  })

  t.test('a wrong password shows Okta message, then the right one signs in', async (t) => {
    const page = await tab(t)
    await enter(page, 'input[name="identifier"]', ALICE.username)
    await enter(page, 'input[name="credentials.passcode"]', 'not-the-password')
    await page.click('input[type="submit"]')
    const callout = page.locator('.o-form-error-container')
    await callout.filter({ hasText: 'Unable to sign in' }).waitFor()
    await shot(page, '3-embedded-wrong-password')
    await enter(page, 'input[name="credentials.passcode"]', ALICE.password)
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
    await enter(page, 'input[name="identifier"]', ALICE.username)
    await page.click('input[type="submit"]')
    await page.locator('input[name="credentials.passcode"]').waitFor()
    await page.reload()
    await page.locator('input[name="credentials.passcode"]').waitFor()
    t.equal(await page.locator('input[name="identifier"]').count(), 0, 'not back at the username')
    await shot(page, '4-embedded-resumed-at-password')
    await enter(page, 'input[name="credentials.passcode"]', ALICE.password)
    await page.click('input[type="submit"]')
    await signedIn(t, page)
  })

  t.test('the classic engine (useClassicEngine): the Authentication API, then tokens', async (t) => {
    const page = await tab(t, '/?classic')
    const requests: string[] = []
    page.on('request', (r) => requests.push(new URL(r.url()).pathname))
    await page.locator('input[name="username"]').waitFor()
    await shot(page, '5-classic-sign-in')
    await enter(page, 'input[name="username"]', ALICE.username)
    await enter(page, 'input[name="password"]', ALICE.password)
    await page.click('input[type="submit"]')
    await signedIn(t, page)
    t.ok(requests.includes('/api/v1/authn'), 'signed in through /api/v1/authn')
    t.notOk(requests.includes('/oauth2/default/v1/interact'), 'not through the Identity Engine')
  })

  t.test('the hosted widget page: typed into as Cypress does, back with code and state', async (t) => {
    // The classic sign-in above left a mockta session: without its cookie, /authorize shows the page.
    await context.clearCookies()
    const page = await tab(t, '/hosted', '#sign-in')
    const requests: string[] = []
    page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`))
    await page.click('#sign-in')
    await page.waitForURL(`${base}/oauth2/default/v1/authorize?**`)
    await page.locator('input[name="identifier"]').waitFor()
    t.equal(await page.title(), 'Acme Portal - Sign In')
    t.match(await page.textContent('#okta-sign-in'), 'Sign in to Acme Portal')
    await shot(page, '6-hosted-sign-in')
    await enter(page, 'input[name="identifier"]', ALICE.username)
    await enter(page, 'input[name="credentials.passcode"]', 'not-the-password')
    await page.click('input[type="submit"]')
    await page.locator('.o-form-error-container').filter({ hasText: 'Unable to sign in' }).waitFor()
    await shot(page, '7-hosted-wrong-password')
    await enter(page, 'input[name="credentials.passcode"]', ALICE.password)
    await page.click('input[type="submit"]')
    await signedIn(t, page)
    // What the browser was sent back with (okta-auth-js has since taken the query off the address bar).
    const callback = requests.find((r) => r.startsWith(`GET ${origin}/hosted/callback?`))
    const back = new URL(callback?.slice('GET '.length) ?? origin)
    t.ok(back.searchParams.get('code'), 'a code')
    t.ok(back.searchParams.get('state'), 'the state')
    await shot(page, '8-hosted-back-in-app')
    const hops = requests.filter((r) => r.includes('/login/token/redirect?stateToken='))
    t.equal(hops.length, 1, 'through /login/token/redirect')

    // The session the hosted page started: the next sign-in needs no page at all.
    await page.goto(`${origin}/hosted`)
    await page.click('#sign-in')
    await page.waitForURL(`${origin}/hosted/callback?**`)
    await page.locator('#status').filter({ hasText: 'Signed in' }).waitFor()
  })

  t.test('nothing left for another host', async (t) => {
    t.same(elsewhere, [])
  })
})
