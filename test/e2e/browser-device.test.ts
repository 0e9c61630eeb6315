/**
 * The device authorization grant with a person at the activation page (docs/device-exchange-par.md):
 * openid-client v6 starts it as a TV app would, a real headless Chromium (Debian's `chromium`, driven
 * by playwright-core) opens `verification_uri`, types the user code, signs in on mockta's sign-in page
 * and allows (or denies) the device, while openid-client polls to its tokens (or `access_denied`).
 * Every step's screenshot goes to test-output/.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { Test } from 'tap'
import * as client from 'openid-client'
import type { Page } from 'playwright-core'
import { ALICE, startMockta } from '../helpers/listening-app.js'
import { withNewGrants } from '../helpers/grants-config.js'
import { focusedId, openBrowser, skipWithoutChromium } from '../helpers/chromium.js'

const OUTPUT = fileURLToPath(new URL('../../test-output/', import.meta.url))

const skip = skipWithoutChromium

async function setUp(t: Test): Promise<{ page: Page; config: client.Configuration; base: string }> {
  const { base } = await startMockta(t, { change: withNewGrants })
  const config = await client.discovery(new URL(`${base}/oauth2/default`), 'native-app', undefined, client.None(), { execute: [client.allowInsecureRequests] })
  const { page } = await openBrowser(t)
  mkdirSync(OUTPUT, { recursive: true })
  return { page, config, base }
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(OUTPUT, `device-${name}.png`), fullPage: true })

/** The person's part, up to the question: open the page, type the code, sign in. */
async function enterCodeAndSignIn(t: Test, page: Page, device: client.DeviceAuthorizationResponse, prefix: string): Promise<void> {
  await page.goto(device.verification_uri)
  t.equal(await page.title(), 'Activate your device')
  t.equal(await focusedId(page), 'user_code', 'the code field has focus')
  await shot(page, `${prefix}-1-enter-code`)
  // Typed as a person reads it off a TV: lower case, a dash in the middle.
  await page.keyboard.type(`${device.user_code.slice(0, 4).toLowerCase()}-${device.user_code.slice(4).toLowerCase()}`)
  await shot(page, `${prefix}-2-code-typed`)
  await page.keyboard.press('Enter')
  await page.getByLabel('Username').waitFor()
  t.match(await page.title(), /Sign in to /)
  await shot(page, `${prefix}-3-sign-in`)
  await page.fill('#username', ALICE.username)
  await page.fill('#password', ALICE.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Allow access?' }).waitFor()
  t.match(await page.textContent('body'), ALICE.username, 'the question names the signed-in user')
  t.match(await page.textContent('body'), device.user_code, 'and the code, normalized')
  await shot(page, `${prefix}-4-allow-or-deny`)
}

t.test('device flow through /activate in Chromium: code, sign-in, Allow; openid-client polls to tokens', { skip }, async (t) => {
  const { page, config, base } = await setUp(t)
  const device = await client.initiateDeviceAuthorization(config, { scope: 'openid profile offline_access' })
  t.equal(device.verification_uri, `${base}/activate`)
  // openid-client polls while the person works through the pages.
  const polled = client.pollDeviceAuthorizationGrant(config, device)
  await enterCodeAndSignIn(t, page, device, 'allow')
  await page.getByRole('button', { name: 'Allow' }).click()
  await page.getByRole('heading', { name: 'Device activated' }).waitFor()
  await shot(page, 'allow-5-done')
  const tokens = await polled
  t.match(tokens.claims(), { sub: ALICE.id, aud: 'native-app' })
  t.type(tokens.refresh_token, 'string')
  t.equal(tokens.scope, 'openid profile offline_access')

  // The session stays: a second device's code goes straight to the question.
  const second = await client.initiateDeviceAuthorization(config, { scope: 'openid' })
  await page.goto(second.verification_uri_complete!)
  await page.getByRole('heading', { name: 'Allow access?' }).waitFor()
  await shot(page, 'allow-6-signed-in-already')
  await page.getByRole('button', { name: 'Allow' }).click()
  await page.getByRole('heading', { name: 'Device activated' }).waitFor()
  t.match((await client.pollDeviceAuthorizationGrant(config, second)).claims(), { sub: ALICE.id })

  // A code used up is refused with a readable message.
  await page.goto(`${second.verification_uri}?user_code=${second.user_code}`)
  await page.getByRole('alert').waitFor()
  t.match(await page.getByRole('alert').textContent(), /not valid/)
  await shot(page, 'allow-7-code-used')
})

t.test('device flow through /activate in Chromium: Deny gives openid-client access_denied', { skip }, async (t) => {
  const { page, config } = await setUp(t)
  const device = await client.initiateDeviceAuthorization(config, { scope: 'openid' })
  const polled = client.pollDeviceAuthorizationGrant(config, device).then(
    () => undefined,
    (err: unknown) => err,
  )
  await enterCodeAndSignIn(t, page, device, 'deny')
  await page.getByRole('button', { name: 'Deny' }).click()
  await page.getByRole('heading', { name: 'Device not activated' }).waitFor()
  await shot(page, 'deny-5-done')
  t.match(await polled, { name: 'ResponseBodyError', error: 'access_denied' })
})
