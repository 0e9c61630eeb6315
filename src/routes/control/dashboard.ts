/**
 * The dashboard (docs/dashboard.md): a page at /__mockta/ and its script and styles under /__mockta/ui/,
 * served inside the control API's scope, so the same Host, cross-site and admin-token rules hold for
 * them (docs/security.md). The page only calls the control API and, for its demo client, the OAuth
 * endpoints. With an admin token configured, the page asks for it once and keeps it in an HttpOnly
 * cookie scoped to /__mockta/ (SameSite=Strict); writes authorised by it must come from the page's own
 * origin (routes.ts `requireOwnOrigin`).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { serialize } from 'cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ControlConfig } from '../../config/types.js'
import { ControlError, validator } from '../../control/control-error.js'
import { safeEqual } from '../../crypto/safe-equal.js'
import { packageRoot } from '../../package-root.js'
import { sha256 } from '../../crypto/sha256.js'

export const ADMIN_COOKIE = 'mockta_admin'
const COOKIE_PATH = '/__mockta/'

/** Route flags the control API's request hook reads: `page` answers a missing token with the token form, `signIn` takes the token itself. */
export interface DashboardRouteConfig {
  page?: boolean
  signIn?: boolean
}

declare module 'fastify' {
  interface FastifyContextConfig extends DashboardRouteConfig {}
}

const ASSETS: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'app.css': 'text/css; charset=utf-8' }

/** Read once, on first use: start-up reads none of it (docs/bench.md). */
const files = new Map<string, string>()
const asset = (name: string): string => {
  let text = files.get(name)
  if (text === undefined) files.set(name, (text = readFileSync(join(packageRoot, 'ui', name), 'utf8')))
  return text
}

/** No inline script or style, nothing from elsewhere: the page works offline and injected markup runs nothing. */
const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

function secured(reply: FastifyReply, csp: string): FastifyReply {
  return reply
    .header('cache-control', 'no-cache, no-store')
    .header('content-security-policy', csp)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
}

/** The token form, self-contained (its one script is allowed by hash) since the assets need the token. */
const TOKEN_SCRIPT = `document.getElementById('token-form').addEventListener('submit',async(e)=>{e.preventDefault();const out=document.getElementById('token-error');out.textContent='';const r=await fetch('/__mockta/ui/session',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({token:document.getElementById('token').value})});if(r.ok)location.reload();else out.textContent='That is not the admin token ('+r.status+').'})`
const TOKEN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>mockta dashboard: admin token</title>
<style>body{font:16px/1.5 system-ui,sans-serif;background:#f4f5f7;color:#1d1d21;margin:0}main{max-width:26rem;margin:4rem auto;background:#fff;border:1px solid #d7d9de;border-radius:8px;padding:2rem}label{display:block;font-weight:600;margin:.75rem 0 .25rem}input{width:100%;padding:.6rem;font:inherit;border:1px solid #8c9099;border-radius:4px;box-sizing:border-box}button{margin-top:1rem;padding:.6rem 1rem;font:inherit;font-weight:600;background:#1662dd;color:#fff;border:0;border-radius:4px}:focus-visible{outline:3px solid #f0a30a;outline-offset:2px}#token-error{color:#8c1d18}</style></head>
<body><main><h1>mockta dashboard</h1><p>This mockta has an admin token (MOCKTA_ADMIN_TOKEN). Enter it once; the browser keeps it in a cookie for this page only.</p>
<form id="token-form"><label for="token">Admin token</label><input id="token" type="password" autocomplete="off" required><button type="submit">Open the dashboard</button><p id="token-error" role="alert"></p></form></main>
<script>${TOKEN_SCRIPT}</script></body></html>
`
const TOKEN_SCRIPT_HASH = sha256(TOKEN_SCRIPT, 'base64')

/** `/__mockta` without its slash: the cookie's path would not cover it, so the page lives at `/__mockta/` only. */
const withoutSlash = (req: FastifyRequest): boolean => req.url.split('?', 1)[0] === COOKIE_PATH.slice(0, -1)

export function sendTokenPage(req: FastifyRequest, reply: FastifyReply): void {
  if (withoutSlash(req)) {
    void reply.redirect(COOKIE_PATH, 302)
    return
  }
  secured(
    reply,
    `default-src 'none'; script-src 'sha256-${TOKEN_SCRIPT_HASH}'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  )
    .code(401)
    .header('www-authenticate', 'Bearer realm="mockta-control"')
    .type('text/html; charset=utf-8')
    .send(TOKEN_PAGE)
}

const checkSignIn = validator<{ token: string }>(
  { type: 'object', additionalProperties: false, required: ['token'], properties: { token: { type: 'string', minLength: 1, maxLength: 4096 } } },
  'dashboard sign-in',
)

export async function dashboardRoutes(api: FastifyInstance, options: { access: ControlConfig; secure: boolean }): Promise<void> {
  const cookie = (value: string, maxAge?: number): string =>
    serialize(ADMIN_COOKIE, value, { httpOnly: true, sameSite: 'strict', path: COOKIE_PATH, secure: options.secure, ...(maxAge !== undefined && { maxAge }) })
  const page: DashboardRouteConfig = { page: true }
  const sendPage = (req: FastifyRequest, reply: FastifyReply) =>
    withoutSlash(req) ? reply.redirect(COOKIE_PATH, 302) : secured(reply, PAGE_CSP).type('text/html; charset=utf-8').send(asset('index.html'))
  api.get('/', { config: page }, sendPage)
  // The demo client's redirect URI: the same page, which finishes the flow it started.
  api.get('/ui/callback', { config: page }, sendPage)
  for (const [name, type] of Object.entries(ASSETS)) {
    api.get(`/ui/${name}`, (_req, reply) => secured(reply, "default-src 'none'").type(type).send(asset(name)))
  }
  api.get('/ui/session', async (_req, reply) => reply.type('application/json').send({ adminToken: options.access.adminToken !== undefined }))
  api.post('/ui/session', { config: { signIn: true } satisfies DashboardRouteConfig }, async (req, reply) => {
    const { token } = checkSignIn(req.body)
    const expected = options.access.adminToken
    if (expected === undefined) throw new ControlError(409, 'this mockta has no admin token: the dashboard needs none')
    if (!safeEqual(token, expected)) throw new ControlError(401, 'that is not the admin token')
    return reply.code(204).header('set-cookie', cookie(token)).send()
  })
  api.delete('/ui/session', { config: { signIn: true } satisfies DashboardRouteConfig }, async (_req, reply) => reply.code(204).header('set-cookie', cookie('', 0)).send())
}
