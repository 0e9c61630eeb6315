/**
 * Delivers an /authorize result to the client's redirect URI in the requested response mode:
 * query or fragment (RFC 6749 §4.1.2, OAuth 2.0 Multiple Response Types §2) or form_post (OAuth 2.0
 * Form Post Response Mode), for codes and errors alike.
 */
import { createHash } from 'node:crypto'
import type { FastifyReply } from 'fastify'
import { escapeHtml, page, sendHtml } from './html.js'
import type { ResponseTarget } from '../oauth/authorize-params.js'

export function sendAuthorizationResponse(reply: FastifyReply, target: ResponseTarget, params: Record<string, string>): FastifyReply {
  if (target.responseMode === 'form_post') return sendFormPost(reply, target.redirectUri, params)
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
const AUTO_SUBMIT_HASH = createHash('sha256').update(AUTO_SUBMIT).digest('base64')

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
