/**
 * The dashboard (docs/dashboard.md) in a real headless Chromium (Debian's chromium, driven by
 * playwright-core, as in browser-spa.test.ts): every panel and action, asserting on what the page shows
 * and on the state it changed, read back through the control API; an axe-core check of each panel (no
 * serious or critical violation); keyboard use; and screenshots of each panel at 1280×800 and in a
 * narrow window, in test-output/. A second mockta with an admin token takes the token through the page.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { Test } from 'tap'
import type { BrowserContext, Page } from 'playwright-core'
import { SystemClock } from '../../src/clock.js'
import { ALICE, passwordGrant, startMockta } from '../helpers/listening-app.js'
import { openBrowser, skipWithoutChromium } from '../helpers/chromium.js'

const OUTPUT = fileURLToPath(new URL('../../test-output/', import.meta.url))
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const WIDE = { width: 1280, height: 800 }
const NARROW = { width: 420, height: 800 }

const skip = skipWithoutChromium

async function browser(t: Test): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await openBrowser(t, { viewport: WIDE, timeoutMs: 20_000 })
  page.on('pageerror', (e) => t.fail(`page error: ${e.message}`))
  return { context, page }
}

/** Control API calls from the test itself (loopback, no Origin: as curl). */
const controlOf =
  (base: string) =>
  async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/__mockta${path}`, { method, ...(method !== 'GET' && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) }) })
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
    return (res.status === 204 ? undefined : await res.json()) as T
  }

/** axe-core on the whole page as it stands (hidden panels are skipped by axe). */
async function serious(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE)
  return page.evaluate<string[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')))`,
  )
}

/** Opens a panel by its nav link, waits for it, checks it with axe and saves both screenshots. */
async function panel(t: Test, page: Page, name: string, ready: string): Promise<void> {
  await page.click(`#nav a[data-panel="${name}"]`)
  await page.locator(`#panel-${name}`).waitFor()
  await page.locator(ready).first().waitFor()
  t.same(await serious(page), [], `${name}: no serious or critical accessibility violation`)
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(OUTPUT, { recursive: true })
  await page.screenshot({ path: join(OUTPUT, `dashboard-${name}.png`) })
  await page.setViewportSize(NARROW)
  await page.screenshot({ path: join(OUTPUT, `dashboard-${name}-narrow.png`) })
  await page.setViewportSize(WIDE)
}

const text = (page: Page, selector: string): Promise<string> => page.locator(selector).innerText()

t.test('every panel and action of the dashboard, in Chromium', { skip }, async (t) => {
  const { base } = await startMockta(t, { clock: new SystemClock() })
  const ctl = controlOf(base)
  const { page } = await browser(t)
  const signedIn = await passwordGrant(base)
  await fetch(`${base}/oauth2/default/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=password&client_id=native-app&username=alice@example.com&password=wrong&scope=openid',
  })

  // 1. Request log: newest first, with System Log names, filters, rows expanding (by keyboard).
  await page.goto(`${base}/__mockta/`)
  await panel(t, page, 'log', '#log-rows tr')
  const rows = page.locator('#log-rows tr:not(.detail)')
  t.equal(await rows.count(), 2)
  t.match(await rows.nth(0).innerText(), /400\s+invalid_grant[\s\S]*app\.oauth2\.as\.token\.grant\b/, 'the newest first: the failed grant')
  t.match(await rows.nth(1).innerText(), /200[\s\S]*app\.oauth2\.as\.token\.grant\.access_token[\s\S]*native-app[\s\S]*password alice@example.com/)
  await page.selectOption('#log-filters select[name=outcome]', 'error')
  await page.locator('#log-rows tr:not(.detail)').nth(1).waitFor({ state: 'detached' })
  t.equal(await rows.count(), 1, 'filtered to the errors')
  await page.selectOption('#log-filters select[name=outcome]', '')
  await page.locator('#log-rows tr:not(.detail) button').nth(1).focus()
  await page.keyboard.press('Enter')
  const detail = page.locator('#log-rows tr.detail')
  await detail.waitFor()
  t.match(await detail.innerText(), /Request \(redacted\)[\s\S]*"tokenFingerprint"|Request \(redacted\)[\s\S]*"username": "alice@example.com"/)
  t.match(await detail.innerText(), /"scope": "openid profile email offline_access"/, "the answer's scope")
  t.notOk((await page.content()).includes('alice-password'), 'no password in the page')
  t.equal(await page.locator('#log-rows tr:not(.detail) button[aria-expanded="true"]').count(), 1, 'aria-expanded says it is open')
  await fetch(`${base}/oauth2/default/.well-known/openid-configuration`)
  await page.locator('#log-rows tr:not(.detail)', { hasText: 'openid-configuration' }).waitFor()
  t.pass('a new request appears live')
  await shoot(page, 'log')

  // 4. Mint, with copy buttons and a curl; the refresh token only as a fingerprint.
  await panel(t, page, 'mint', '#mint-form')
  await page.selectOption('#mint-client', 'native-app')
  await page.selectOption('#mint-user', 'alice@example.com')
  await page.click('#mint-form button[type=submit]')
  await page.locator('#mint-result .token-box').nth(2).waitFor()
  t.match(await text(page, '#mint-result'), /access token[\s\S]*ID token[\s\S]*refresh token\s+fingerprint [0-9a-f]{8} \(not shown\)/)
  t.match(await text(page, '#mint-curl'), /^curl -s -H 'Authorization: Bearer ey[\w-]+\.[\w-]+\.[\w-]+' http:\/\/127\.0\.0\.1:\d+\/oauth2\/default\/v1\/userinfo$/)
  const minted = (await text(page, '#mint-result .token-box[data-token="access token"] .token-value')).trim()
  const userinfo = await fetch(`${base}/oauth2/default/v1/userinfo`, { headers: { authorization: `Bearer ${minted}` } })
  t.equal(userinfo.status, 200, 'the minted access token works')
  await page.click('#mint-result .token-box[data-token="access token"] button:has-text("Copy")')
  await page.locator('#status', { hasText: 'Copied access token' }).waitFor()
  await shoot(page, 'mint')

  // 3. Token inspector: from the mint panel's Inspect button, then revoke it there.
  await page.click('#mint-result .token-box[data-token="access token"] button:has-text("Inspect")')
  await page.locator('#inspect-status', { hasText: 'active' }).waitFor()
  t.same(await serious(page), [], 'inspector: no serious or critical accessibility violation')
  t.match(
    await text(page, '#inspect-result'),
    /Kind\s+access token[\s\S]*Server\s+default[\s\S]*Signed by\s+\S+ \(signature valid\)\s+That key\s+current, signs new tokens[\s\S]*"cid": "native-app"/,
  )
  await shoot(page, 'inspector')
  await page.click('#inspect-result button:has-text("Revoke this access token")')
  await page.locator('#inspect-status', { hasText: 'revoked' }).waitFor()
  t.equal((await ctl<{ status: string }>('POST', '/tokens/inspect', { token: minted })).status, 'revoked', 'revoked in mockta')

  // 5. Clock: +5 min, +1 h, +1 day, just past the token's expiry, reset.
  await panel(t, page, 'clock', '#clock-mockta')
  const offset = async () => (await ctl<{ offsetSeconds: number }>('GET', '/clock')).offsetSeconds
  await page.click('button[data-advance="300"]')
  await page.locator('#status', { hasText: 'Moved the clock +5 min' }).waitFor()
  t.ok(Math.abs((await offset()) - 300) <= 2, '+5 min')
  await page.click('button[data-advance="3600"]')
  await page.locator('#status', { hasText: '+1 h' }).waitFor()
  await page.click('button[data-advance="86400"]')
  await page.locator('#status', { hasText: '+1 day' }).waitFor()
  t.ok(Math.abs((await offset()) - 90_300) <= 2, '+1 h and +1 day more')
  await page.locator('#clock-offset', { hasText: 'ahead by 1d 1h 5m' }).waitFor()
  await shoot(page, 'clock')
  const exp = (JSON.parse(Buffer.from(minted.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp
  await page.click('#clock-past-expiry')
  await page.locator('#status', { hasText: "just past the token's expiry" }).waitFor()
  const now = (await ctl<{ nowMs: number }>('GET', '/clock')).nowMs
  t.ok(now > exp * 1000 && now < exp * 1000 + 5000, 'the clock is just past the minted token’s exp')
  await page.click('#clock-reset')
  await page.locator('#status', { hasText: 'back on the machine time' }).waitFor()
  t.ok(Math.abs(await offset()) <= 1, 'reset')

  // 6. Faults: the three presets, remove one, clear.
  await panel(t, page, 'faults', '#fault-empty')
  for (const preset of ['rate', 'outage', 'latency']) {
    await page.click(`button[data-preset="${preset}"]`)
    await page.locator('#status', { hasText: 'Added flt' }).waitFor()
    await page.locator('#status').evaluate((el) => (el.textContent = ''))
  }
  await page.locator('#fault-rows tr').nth(2).waitFor()
  const rules = await ctl<Array<{ action: { type: string; status?: number; ms?: number }; remaining: number | null; endsAt?: string }>>('GET', '/faults')
  t.match(rules, [{ action: { type: 'rate_limit' }, remaining: 1 }, { action: { type: 'error', status: 503 }, endsAt: String }, { action: { type: 'latency', ms: 2000 } }])
  t.match(await text(page, '#fault-rows'), /429 rate limit[\s\S]*503 temporarily_unavailable[\s\S]*in (29|30)s[\s\S]*2000 ms later/)
  await shoot(page, 'faults')
  await page.click('#fault-rows tr:nth-child(3) button')
  await page.locator('#fault-rows tr').nth(2).waitFor({ state: 'detached' })
  t.equal((await ctl<unknown[]>('GET', '/faults')).length, 2, 'one removed')
  await page.click('#faults-clear')
  await page.locator('#fault-empty').waitFor()
  t.same(await ctl('GET', '/faults'), [], 'cleared')

  // 7. Keys: rotate, promote, retire on the default server.
  await panel(t, page, 'keys', '#keys-list .card[data-server="default"]')
  const keys = () => ctl<{ active: string; next: string | null; published: string[] }>('GET', '/keys/default')
  const first = await keys()
  const card = page.locator('#keys-list .card[data-server="default"]')
  await card.locator('button:has-text("Rotate")').click()
  await page.locator('#status', { hasText: 'Rotate (publish next key): default' }).waitFor()
  const rotated = await keys()
  t.ok(rotated.next !== null, 'a next key is published')
  await page.locator('#keys-list .card[data-server="default"] dd', { hasText: rotated.next! }).waitFor()
  await shoot(page, 'keys')
  await page.locator('#keys-list .card[data-server="default"] button:has-text("Promote")').click()
  await page.locator('#status', { hasText: 'Promote next key: default' }).waitFor()
  t.equal((await keys()).active, rotated.next, 'promoted')
  await page.locator('#keys-list .card[data-server="default"] button:has-text("Retire old")').click()
  await page.locator('#status', { hasText: 'Retire old keys: default' }).waitFor()
  t.same((await keys()).published, [rotated.next], `the old key ${first.active} is retired`)
  await page.locator('#keys-list .card[data-server="default"] dd', { hasText: first.active }).waitFor()
  t.pass('the page lists the retired key')

  // 8. Configuration: servers with discovery links, clients, users with "sign in as", the outbox.
  await panel(t, page, 'config', '#config-users tr')
  t.match(await text(page, '#config-servers'), new RegExp(`org[\\s\\S]*${base}\\s[\\s\\S]*default\\s+${base}/oauth2/default`))
  t.equal(await page.locator('#config-servers a').first().getAttribute('href'), `${base}/.well-known/openid-configuration`)
  t.match(await text(page, '#config-clients'), /spa-app[\s\S]*public/)
  await page.locator('#config-outbox').waitFor()
  t.match(await text(page, '#config-outbox-items'), /^\[\s*\]$/, 'the outbox section, empty before anything was emailed')
  await shoot(page, 'config')
  await page.click('#config-users button:has-text("Sign in as alice@example.com")')
  await page.locator('#panel-demo').waitFor()

  // 9. Demo client: allow the callback, authorize URL, sign in, callback, token request, refresh, revoke.
  await page.selectOption('#demo-client', 'spa-app')
  t.equal(await page.inputValue('#demo-user'), 'alice@example.com', '"sign in as" chose the user')
  await page.click('#demo-allow')
  await page.locator('#status', { hasText: 'now allows' }).waitFor()
  const spa = (await ctl<Array<{ id: string; redirectUris: string[] }>>('GET', '/clients')).find((c) => c.id === 'spa-app')!
  t.ok(spa.redirectUris.includes(`${base}/__mockta/ui/callback`), 'the callback is registered with the client')
  await page.click('#demo-start')
  await page.locator('#demo-authorize-url').waitFor()
  t.match(
    await text(page, '#demo-authorize-url'),
    /\/oauth2\/default\/v1\/authorize\?client_id=spa-app&response_type=code&.*code_challenge_method=S256&login_hint=alice%40example.com/,
  )
  t.same(await serious(page), [], 'demo: no serious or critical accessibility violation')
  await page.click('#demo-go')
  await page.waitForURL(`${base}/oauth2/default/v1/authorize?**`)
  await page.fill('#password', ALICE.password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(`${base}/__mockta/#demo`)
  await page.locator('#demo-steps li', { hasText: '2. Callback' }).waitFor()
  t.match(await text(page, '#demo-steps'), /"code": "fingerprint [0-9a-f]{8}"[\s\S]*"state": "matches the one sent"/)
  await page.click('#demo-exchange')
  await page.locator('#demo-steps li', { hasText: '3. Token request' }).waitFor()
  const exchanged = await text(page, '#demo-steps')
  t.match(
    exchanged,
    /"grant_type": "authorization_code"[\s\S]*"code_verifier": "fingerprint [0-9a-f]{8}"[\s\S]*"status": 200[\s\S]*"refresh_token": "fingerprint [0-9a-f]{8}"[\s\S]*"id_token": "eyJ[\w-]+… \(\d+ characters, decoded below\)"[\s\S]*Decoded access token[\s\S]*"cid": "spa-app"[\s\S]*Decoded ID token/,
  )
  await shoot(page, 'demo')
  await page.click('#demo-refresh')
  await page.locator('#demo-steps li', { hasText: '4. Refresh' }).waitFor()
  t.match(await text(page, '#demo-steps li:has-text("4. Refresh")'), /"grant_type": "refresh_token"[\s\S]*"status": 200/)
  await page.click('#demo-revoke')
  await page.locator('#demo-steps li', { hasText: '5. Revoke the refresh token' }).waitFor()
  const families = await ctl<Array<{ clientId: string; generation: number; revokedAt: string | null }>>('GET', '/users/alice@example.com/families')
  t.match(
    families.find((f) => f.clientId === 'spa-app'),
    { generation: 1, revokedAt: String },
    'refreshed once, then revoked, in mockta',
  )

  // 2. Sessions and families: the demo's browser session, families with countdowns; end, expire, revoke.
  await panel(t, page, 'sessions', '#family-rows tr')
  t.equal(await page.inputValue('#sessions-user'), 'alice@example.com')
  await page.locator('#session-rows tr').first().waitFor()
  t.match(await text(page, '#family-rows'), /oar\w+\s+revoked\s+spa-app[\s\S]*oar\w+\s+live\s+native-app[\s\S]*in 6d 23h[\s\S]*unlimited/)
  await shoot(page, 'sessions')
  const sessions = await ctl<Array<{ id: string }>>('GET', '/users/alice@example.com/sessions')
  t.equal(sessions.length, 1, "the demo sign-in's browser session")
  await page.click(`#session-rows tr[data-session="${sessions[0]!.id}"] button`)
  await page.locator('#session-empty').waitFor()
  t.same(await ctl('GET', '/users/alice@example.com/sessions'), [], 'ended in mockta')

  const live = (await ctl<Array<{ id: string; active: boolean }>>('GET', '/users/alice@example.com/families')).filter((f) => f.active)
  t.ok(live.length >= 2, 'the password grant and the minted family are live')
  await page.click(`#family-rows tr[data-family="${live[0]!.id}"] button:has-text("Expire")`)
  await page.locator(`#family-rows tr[data-family="${live[0]!.id}"]`, { hasText: 'expired' }).waitFor()
  await page.click(`#family-rows tr[data-family="${live[1]!.id}"] button:has-text("Revoke")`)
  await page.locator(`#family-rows tr[data-family="${live[1]!.id}"]`, { hasText: 'revoked' }).waitFor()
  const after = await ctl<Array<{ id: string; active: boolean; revokedAt: string | null }>>('GET', '/users/alice@example.com/families')
  t.match(
    after.find((f) => f.id === live[0]!.id),
    { active: false, revokedAt: null },
    'expired in mockta',
  )
  t.match(
    after.find((f) => f.id === live[1]!.id),
    { active: false, revokedAt: String },
    'revoked in mockta',
  )

  // Expire every access token of the user, keep the refresh tokens.
  const fresh = await passwordGrant(base)
  await page.click('#expire-user')
  await page.locator('#status', { hasText: 'refresh tokens still work' }).waitFor()
  t.equal((await ctl<{ status: string }>('POST', '/tokens/inspect', { token: fresh.access_token })).status, 'revoked', 'the access token is ended')
  t.equal((await ctl<{ status: string }>('POST', '/tokens/inspect', { token: fresh.refresh_token })).status, 'active', 'its refresh token is not')
  await page.click('#expire-all')
  await page.locator('#status', { hasText: 'of everyone' }).waitFor()
  await page.selectOption('#expire-client', 'web-app')
  await page.click('#expire-client-go')
  await page.locator('#status', { hasText: 'of web-app' }).waitFor()
  t.not(signedIn.access_token, fresh.access_token)

  // Keyboard: the skip link, the nav links and Enter reach every panel.
  await page.goto(`${base}/__mockta/`)
  await page.locator('#log-rows tr').first().waitFor()
  await page.keyboard.press('Tab')
  t.equal(await page.evaluate('document.activeElement.className'), 'skip', 'the first Tab is the skip link')
  let reached = ''
  for (let i = 0; i < 12 && reached !== 'clock'; i++) {
    await page.keyboard.press('Tab')
    reached = await page.evaluate<string>('document.activeElement.dataset.panel || ""')
  }
  t.equal(reached, 'clock', 'the nav links are in the tab order')
  await page.keyboard.press('Enter')
  await page.locator('#panel-clock').waitFor()
  t.equal(await page.locator('#nav a[aria-current="page"]').innerText(), 'Clock', 'Enter opens the panel and marks it current')
})

t.test('with an admin token, the page takes it once and keeps it in a cookie', { skip }, async (t) => {
  const { base } = await startMockta(t, { change: (c) => (c.control.adminToken = 'dashboard-admin-token') })
  const { page, context } = await browser(t)
  await page.goto(`${base}/__mockta/`)
  await page.locator('#token').waitFor()
  t.same(await serious(page), [], 'the token form: no serious or critical accessibility violation')
  await page.fill('#token', 'wrong')
  await page.keyboard.press('Enter')
  await page.locator('#token-error', { hasText: 'not the admin token' }).waitFor()
  await page.fill('#token', 'dashboard-admin-token')
  await page.keyboard.press('Enter')
  await page.locator('#log-rows').waitFor({ state: 'attached' })
  await page.locator('#clock-summary', { hasText: "mockta's time 20" }).waitFor()
  const [cookie] = await context.cookies(`${base}/__mockta/`)
  t.match(cookie, { name: 'mockta_admin', path: '/__mockta/', httpOnly: true, sameSite: 'Strict' })
  t.equal(await page.evaluate('document.cookie'), '', 'scripts cannot read it')
  // A write from the page goes through with the cookie.
  await page.click('#nav a[data-panel="clock"]')
  await page.click('button[data-advance="300"]')
  await page.locator('#status', { hasText: 'Moved the clock +5 min' }).waitFor()
  await page.locator('#sign-out').click()
  await page.locator('#token').waitFor()
  t.same(await context.cookies(`${base}/__mockta/`), [], 'forgotten')
})
