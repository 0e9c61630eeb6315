/** The device activation pages (RFC 8628 §3.3): enter the user code, approve or deny, the outcome. Self-contained, like the sign-in page. */
import { escapeHtml, page } from '../html.js'
import type { User } from '../../registry/users.js'

export const ACTIVATION_PATH = '/activate'

/** The code entry form; `failed`: the code given was unknown, expired or already answered. */
export function userCodePage(o: { failed: boolean; userCode: string }): string {
  const alert = o.failed ? `<div class="alert" role="alert" id="code-error">That code is not valid: it may have expired or been used. Check the code on your device.</div>\n` : ''
  const described = o.failed ? ' aria-describedby="code-error"' : ''
  const body = `<h1 id="title">Activate your device</h1>
<p class="app">Enter the code shown on your device.</p>
${alert}<form method="get" action="${ACTIVATION_PATH}" aria-labelledby="title">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus value="${escapeHtml(o.userCode)}"${described}>
<button class="primary" type="submit">Next</button>
</form>`
  return page('Activate your device', body)
}

/** Approve or deny, as the signed-in user. */
export function approvalPage(o: { appName: string; userCode: string; user: User; scopes: readonly string[] }): string {
  const code = `<input type="hidden" name="user_code" value="${escapeHtml(o.userCode)}">`
  const body = `<h1 id="title">Allow access?</h1>
<p class="app"><strong>${escapeHtml(o.appName)}</strong> on your device asks to sign in as <strong>${escapeHtml(o.user.login)}</strong>.</p>
<p>Code: <code>${escapeHtml(o.userCode)}</code></p>
<p>Scopes: ${o.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}</p>
<form method="post" action="${ACTIVATION_PATH}" aria-labelledby="title">
${code}
<button class="primary" type="submit" name="decision" value="approve">Allow</button>
<button class="primary" type="submit" name="decision" value="deny" style="background:#4b4f58">Deny</button>
</form>`
  return page(`Allow ${o.appName}?`, body)
}

export function activationDonePage(approved: boolean): string {
  const body = approved
    ? `<h1 id="title">Device activated</h1>\n<p class="app">You can return to your device.</p>`
    : `<h1 id="title">Device not activated</h1>\n<p class="app">The request was denied. You can close this page.</p>`
  return page(approved ? 'Device activated' : 'Device not activated', body)
}
