/**
 * Okta's hosted sign-in page with the real Sign-In Widget (docs/sign-in-widget.md § hosted): the
 * widget's own CSS and JS, served by mockta from the installed package, booted with the stateToken of
 * the server-side interaction (no clientId: the widget introspects the stateToken and, at the end,
 * follows the `success-redirect` to /login/token/redirect).
 */
import type { FastifyReply } from 'fastify'
import { escapeHtml } from '../html.js'
import { sha256 } from '../../crypto/sha256.js'

/** Where the widget's dist/ files are served, by version, as Okta's pages load them from its CDN's assets/js/sdk/. */
export const widgetAssetsPath = (version: string): string => `/assets/js/sdk/okta-signin-widget/${version}`

export interface WidgetPageOptions {
  appName: string
  stateToken: string
  /** The origin the widget calls (the configured base URL). */
  baseUrl: string
  widgetVersion: string
}

// One fixed boot script (so one CSP hash), reading its settings from a JSON data block.
const BOOT = `
const settings = JSON.parse(document.getElementById('siw-settings').textContent);
const appName = settings.appName;
delete settings.appName;
settings.i18n = { en: { 'primaryauth.title': 'Sign in to ' + appName } };
new OktaSignIn(settings).renderEl({ el: '#okta-login-container' }, () => {}, (err) => console.error(err));
`
const BOOT_HASH = sha256(BOOT, 'base64')

// A JSON data block must not close its element: '<' is written as \u003c.
const jsonData = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c')

const STYLE = `
html,body{margin:0;min-height:100%}
body{background:#f5f5f6 linear-gradient(180deg,#eef1f6 0,#f5f5f6 320px);font-family:"Inter",system-ui,sans-serif}
.login-bg-image{min-height:100vh;padding:32px 0}
#okta-login-container{margin:0 auto}
`

/** The header's logo: the app's name as an SVG image (the widget's own sample logo would name another company). */
function nameLogo(appName: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40" viewBox="0 0 300 40"><text x="150" y="28" text-anchor="middle" font-family="Helvetica,Arial,sans-serif" font-size="24" font-weight="600" fill="#1d1d21">${escapeHtml(appName)}</text></svg>`
  return `data:image/svg+xml,${encodeURIComponent(svg)}`
}

export function widgetPage(o: WidgetPageOptions): string {
  const assets = widgetAssetsPath(o.widgetVersion)
  const settings = {
    appName: o.appName,
    baseUrl: o.baseUrl,
    stateToken: o.stateToken,
    // English is bundled in the widget: nothing is fetched from Okta's CDN (docs/sign-in-widget.md).
    language: 'en',
    assets: { baseUrl: `${o.baseUrl}${assets}` },
    logo: nameLogo(o.appName),
    logoText: o.appName,
    brandName: o.appName,
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(o.appName)} - Sign In</title>
<link rel="stylesheet" href="${assets}/css/okta-sign-in.min.css">
<style>${STYLE}</style>
<script src="${assets}/js/okta-sign-in.min.js"></script>
</head>
<body>
<div class="login-bg-image">
<div id="okta-login-container"></div>
</div>
<script type="application/json" id="siw-settings">${jsonData(settings)}</script>
<script>${BOOT}</script>
</body>
</html>
`
}

/**
 * The widget page's security headers: never cached nor framed; scripts and styles from mockta only
 * (the boot script by its hash); no form-action, since the widget's form GET to /login/token/redirect
 * redirects on to the app.
 */
export function sendWidgetPage(reply: FastifyReply, html: string): FastifyReply {
  return reply
    .code(200)
    .header('cache-control', 'no-cache, no-store')
    .header('pragma', 'no-cache')
    .header(
      'content-security-policy',
      `default-src 'none'; script-src 'self' 'sha256-${BOOT_HASH}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'`,
    )
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(html)
}
