/**
 * okta-auth-js 8 with `dpop: true` in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core) against a listening mockta whose SPA client requires DPoP (docs/dpop.md): sign-in
 * with the nonce dance, getUser with the DPoP scheme, a refresh with rotation bound to the same key,
 * a resource call with getDPoPAuthorizationHeaders, and sign-out. okta-auth-js keeps its key in
 * IndexedDB and does not cache the nonce, so each /token call costs two requests.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { startMockta } from '../helpers/listening-app.js'
import { freePort } from '../helpers/child-process.js'
import { openBrowser, skipWithoutChromium } from '../helpers/chromium.js'

const SPA_DIR = fileURLToPath(new URL('./sample-spa/', import.meta.url))
const FILES: Record<string, string> = {
  '/okta-dpop.html': join(SPA_DIR, 'okta-dpop.html'),
  '/okta-dpop-callback': join(SPA_DIR, 'okta-dpop.html'),
  '/okta-dpop-app.js': join(SPA_DIR, 'okta-dpop-app.js'),
  '/okta-auth-js.js': fileURLToPath(new URL('../../node_modules/@okta/okta-auth-js/umd/default.js', import.meta.url)),
}
const skip = skipWithoutChromium

t.test('okta-auth-js with dpop: true: sign in, getUser, renew, a DPoP resource call, sign out', { skip }, async (t) => {
  const spaPort = await freePort()
  // localhost, not 127.0.0.1: both are secure contexts for WebCrypto, and the origin differs from mockta's.
  const spa = `http://localhost:${spaPort}`
  const { base, app } = await startMockta(t, {
    change: (c) => {
      const client = c.clients.find((x) => x.id === 'spa-app')!
      client.redirectUris.push(`${spa}/okta-dpop-callback`)
      client.postLogoutRedirectUris.push(`${spa}/okta-dpop.html`)
      client.dpopBoundAccessTokens = true
    },
  })
  const config = { issuer: `${base}/oauth2/default`, clientId: 'spa-app', oktaDpopRedirectUri: `${spa}/okta-dpop-callback`, oktaDpopPostLogoutRedirectUri: `${spa}/okta-dpop.html` }
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]!
    if (path === '/config.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(`const CONFIG = ${JSON.stringify(config)}`)
    const file = FILES[path] ?? join(SPA_DIR, 'okta-dpop.html')
    return res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8' }).end(readFileSync(file))
  })
  await new Promise<void>((resolve) => server.listen(spaPort, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { page } = await openBrowser(t, { args: ['--host-resolver-rules=MAP localhost 127.0.0.1'] })
  page.on('pageerror', (e) => t.fail(`page error: ${e.message}`))
  const requests: string[] = []
  page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}${r.headers()['dpop'] ? ' +dpop' : ''}`))

  // okta-auth-js keeps its DPoP keys in IndexedDB, database OktaAuthJs, store DPoPKeys.
  const storedKeys = () =>
    page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          // Runs in the page: the test's tsconfig has no DOM types.
          const idb = (globalThis as unknown as { indexedDB: { open(name: string): any } }).indexedDB
          const open = idb.open('OktaAuthJs')
          open.onsuccess = () => {
            const db = open.result
            if (!db.objectStoreNames.contains('DPoPKeys')) return resolve(0)
            const count = db.transaction('DPoPKeys').objectStore('DPoPKeys').count()
            count.onsuccess = () => resolve(count.result)
          }
          open.onerror = () => resolve(-1)
        }),
    )

  await page.goto(`${spa}/okta-dpop.html`)
  await page.getByText('Signed out').waitFor()
  await page.click('#sign-in')
  await page.waitForURL(`${base}/oauth2/default/v1/authorize?**`)
  await page.getByRole('button', { name: /Bob Brown/ }).click()
  await page.waitForURL(`${spa}/okta-dpop.html`)
  await page.locator('#user').filter({ hasText: 'Bob Brown' }).waitFor()
  t.equal(await page.textContent('#token-type'), 'DPoP')

  await page.click('#renew')
  await page.getByText('Renewed').waitFor()
  await page.click('#resource-call')
  await page.locator('#resource').filter({ hasText: '200 Bob Brown' }).waitFor()
  t.ok((await storedKeys()) >= 1, 'the DPoP key is in IndexedDB')
  await page.click('#sign-out')
  await page.waitForURL(`${spa}/okta-dpop.html`)
  await page.getByText('Signed out').waitFor()
  t.equal(await storedKeys(), 0, 'signOut deleted the key')

  const as = '/oauth2/default/v1'
  const count = (request: string) => requests.filter((r) => r === request).length
  t.equal(count(`POST ${as}/token +dpop`), 4, 'the code redemption and the refresh, each with one nonce retry')
  t.ok(count(`GET ${as}/userinfo +dpop`) >= 2, 'getUser and the resource call, with proofs')
  t.equal(count(`GET ${as}/logout`), 1, 'signOut ends the session')
  const journal = (await app.inject({ method: 'GET', url: '/__mockta/journal?endpoint=token' })).json<
    Array<{ status: number; error?: string; dpopJkt?: string; grantType?: string }>
  >()
  const issued = journal.filter((e) => e.status === 200)
  t.same(
    issued.map((e) => e.grantType),
    ['authorization_code', 'refresh_token'],
  )
  t.ok(issued[0]!.dpopJkt !== undefined && issued[1]!.dpopJkt === issued[0]!.dpopJkt, 'both bound to the one browser key')
  t.equal(journal.filter((e) => e.error === 'use_dpop_nonce').length, 2)
})
