/**
 * Delivers an /authorize result to the client's redirect URI in the requested response mode:
 * query or fragment (RFC 6749 §4.1.2, OAuth 2.0 Multiple Response Types §2), form_post (OAuth 2.0
 * Form Post Response Mode) or Okta's okta_post_message, for codes and errors alike.
 */
import type { FastifyReply } from 'fastify'
import { escapeHtml, page, sendHtml } from './html.js'
import type { ResponseTarget } from '../oauth/authorize-params.js'
import { sha256 } from '../crypto/sha256.js'

export function sendAuthorizationResponse(reply: FastifyReply, target: ResponseTarget, params: Record<string, string>): FastifyReply {
  if (target.responseMode === 'form_post') return sendFormPost(reply, target.redirectUri, params)
  if (target.responseMode === 'okta_post_message') return sendPostMessage(reply, target.redirectUri, params)
  return reply.code(302).header('cache-control', 'no-cache, no-store').header('pragma', 'no-cache').redirect(redirectUrl(target, params))
}

export function redirectUrl(target: ResponseTarget, params: Record<string, string>): string {
  const encoded = new URLSearchParams(params).toString()
  if (target.responseMode === 'fragment') return `${target.redirectUri.split('#', 1)[0]}#${encoded}`
  // RFC 6749 §3.1.2: the redirect URI's own query is kept.
  const url = new URL(target.redirectUri)
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value)
  return url.toString()
}

const AUTO_SUBMIT = 'document.forms[0].submit()'
const AUTO_SUBMIT_HASH = sha256(AUTO_SUBMIT, 'base64')

function sendFormPost(reply: FastifyReply, action: string, params: Record<string, string>): FastifyReply {
  const inputs = Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n')
  const body = `<h1>Signing in…</h1>
<form method="post" action="${escapeHtml(action)}">
${inputs}
<noscript><button class="primary" type="submit">Continue</button></noscript>
</form>
<script>${AUTO_SUBMIT}</script>`
  return sendHtml(reply, 200, page('Signing in', body), [AUTO_SUBMIT_HASH])
}

/** The one script of the page: it reads the JSON data island, so its hash never changes with the data. */
const POST_MESSAGE =
  "var d=JSON.parse(document.getElementById('okta-data').textContent);var t=window.opener&&window.opener!==window?window.opener:window.parent;t.postMessage(d.data,d.origin)"
const POST_MESSAGE_HASH = sha256(POST_MESSAGE, 'base64')

/**
 * okta_post_message (docs/authentication-api.md § 3): a page from the issuer's origin,
 * framed by the app (iframe) or opened by it (popup), posts the result to the redirect URI's origin
 * only; okta-auth-js checks the message's origin is the issuer's and its `state` is the request's.
 */
function sendPostMessage(reply: FastifyReply, redirectUri: string, params: Record<string, string>): FastifyReply {
  const origin = new URL(redirectUri).origin
  // `<` escaped: the data can never close the script element it sits in.
  const island = JSON.stringify({ data: params, origin }).replace(/</g, '\\u003c')
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Signing in</title></head>
<body>
<script type="application/json" id="okta-data">${island}</script>
<script>${POST_MESSAGE}</script>
</body></html>
`
  return (
    reply
      .code(200)
      .header('cache-control', 'no-cache, no-store')
      .header('pragma', 'no-cache')
      // Framed by the app itself, and by nothing else; no X-Frame-Options, which cannot name an origin.
      .header('content-security-policy', `default-src 'none'; script-src 'sha256-${POST_MESSAGE_HASH}'; frame-ancestors ${origin === 'null' ? "'none'" : origin}; base-uri 'none'`)
      .header('referrer-policy', 'no-referrer')
      .type('text/html; charset=utf-8')
      .send(html)
  )
}
