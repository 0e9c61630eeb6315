/**
 * A test app page that embeds the real Okta Sign-In Widget (docs/sign-in-widget.md § embedded):
 * served on its own port, loading the widget's files from node_modules, as an app bundling it would.
 * Also the request guard of every widget test: nothing may leave for a host other than the app and mockta.
 */
import { readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BrowserContext } from 'playwright-core'
import { freePort } from './child-process.js'

const APP_DIR = fileURLToPath(new URL('../e2e/widget-app/', import.meta.url))
export const WIDGET_DIST = fileURLToPath(new URL('../../node_modules/@okta/okta-signin-widget/dist/', import.meta.url))

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
}

export interface WidgetAppConfig {
  issuer: string
  /** The embedded widget's client (index.html). */
  clientId: string
  redirectUri: string
  /** The client whose users sign in on mockta's hosted widget page (hosted.html). */
  hostedClientId: string
}

const AUTH_JS = fileURLToPath(new URL('../../node_modules/@okta/okta-auth-js/umd/default.js', import.meta.url))

/**
 * Starts the app's server; `configure` gives the widget's settings from the app's origin, asked on
 * each page load (so mockta can be started after the app, with the app's redirect URI).
 */
export async function startWidgetApp(t: { teardown(fn: () => unknown): void }, configure: (origin: string) => WidgetAppConfig): Promise<string> {
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?', 1)[0] ?? '/')
    if (path === '/config.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(`const CONFIG = ${JSON.stringify(configure(origin))}`)
    if (path === '/app.js' || path === '/hosted.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join(APP_DIR, path)))
    if (path === '/okta-auth-js.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(AUTH_JS))
    if (path.startsWith('/hosted')) return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(readFileSync(join(APP_DIR, 'hosted.html')))
    if (path.startsWith('/siw/')) {
      const file = normalize(join(WIDGET_DIST, path.slice('/siw/'.length)))
      if (!file.startsWith(WIDGET_DIST) || !statSync(file, { throwIfNoEntry: false })?.isFile()) return res.writeHead(404).end()
      return res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file))
    }
    return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(readFileSync(join(APP_DIR, 'index.html')))
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return origin
}

/** Aborts and records every request to a host other than `origins`' (a CDN, a tracker, Okta itself). */
export async function onlyOrigins(context: BrowserContext, origins: string[]): Promise<string[]> {
  const elsewhere: string[] = []
  await context.route('**/*', (route) => {
    const url = route.request().url()
    if (url.startsWith('data:') || origins.includes(new URL(url).origin)) return route.continue()
    elsewhere.push(url)
    return route.abort()
  })
  return elsewhere
}
