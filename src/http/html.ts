/** HTML answers of the browser-facing endpoints: escaping, one self-contained page layout, security headers. */
import type { FastifyReply } from 'fastify'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!)

// No external assets: the page must work offline (docs/sign-in.md), so styles are inline.
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1d1d21}
main{max-width:26rem;margin:3rem auto;padding:2rem;background:#fff;border:1px solid #d7d9de;border-radius:8px}
h1{font-size:1.4rem;margin:0 0 .25rem}
h2{font-size:1rem;margin:1.5rem 0 .5rem}
p.app{margin:0 0 1.5rem;color:#4b4f58}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input{width:100%;padding:.6rem;font:inherit;border:1px solid #8c9099;border-radius:4px}
button{font:inherit;cursor:pointer;border-radius:4px}
button.primary{width:100%;margin-top:1.25rem;padding:.65rem;background:#1662dd;color:#fff;border:0;font-weight:600}
ul.users{list-style:none;margin:0;padding:0}
ul.users button{width:100%;text-align:left;margin:.25rem 0;padding:.5rem .75rem;background:#fff;border:1px solid #8c9099}
ul.users span{display:block;font-size:.875rem;color:#4b4f58}
:focus-visible{outline:3px solid #f0a30a;outline-offset:2px}
.alert{padding:.75rem;border-radius:4px;background:#fdecea;border:1px solid #d93025;color:#8c1d18}
code{word-break:break-all}
`

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`
}

/**
 * Sends a page that is never cached nor framed and runs no script (clickjacking and injection
 * defence); `script` lists inline scripts' SHA-256 CSP sources when one is needed (form_post).
 */
export function sendHtml(reply: FastifyReply, status: number, html: string, scriptHashes: string[] = []): FastifyReply {
  const scripts = scriptHashes.length > 0 ? `script-src ${scriptHashes.map((h) => `'sha256-${h}'`).join(' ')}; ` : ''
  return reply
    .code(status)
    .header('cache-control', 'no-cache, no-store')
    .header('pragma', 'no-cache')
    .header('content-security-policy', `default-src 'none'; style-src 'unsafe-inline'; ${scripts}frame-ancestors 'none'; base-uri 'none'`)
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(html)
}

/** The error page of /authorize and /logout when there is no trusted place to redirect to (RFC 6749 §4.1.2.1). */
export function sendErrorPage(reply: FastifyReply, error: string, description: string): FastifyReply {
  const body = `<h1>Sign-in error</h1>
<div class="alert" role="alert">
<p><strong>${escapeHtml(error)}</strong></p>
<p>${escapeHtml(description)}</p>
</div>`
  return sendHtml(reply, 400, page('Error', body))
}
