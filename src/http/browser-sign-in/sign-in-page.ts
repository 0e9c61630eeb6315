/** mockta's sign-in page: self-contained HTML (no scripts, no external assets), labelled and keyboard-usable. */
import { escapeHtml, page } from '../html.js'
import type { User } from '../../registry/users.js'

/** Where the sign-in form posts; mockta's own path, outside Okta's URL space. */
export const SIGN_IN_PATH = '/mockta/sign-in'

export interface SignInPageOptions {
  appName: string
  transactionId: string
  username: string
  /** Shown when the previous attempt failed. */
  failed: boolean
  /** Listed for one-click sign-in (demos); empty hides the list. */
  users: readonly User[]
  /** Where the form posts: the /authorize sign-in by default, the activation page for a device. */
  action?: string
}

// Says that the attempt failed without saying whether the user exists (OWASP authentication cheat sheet).
export const SIGN_IN_FAILED = 'Sign-in failed: the username or password is not correct.'

export function signInPage(o: SignInPageOptions): string {
  const tx = `<input type="hidden" name="tx" value="${escapeHtml(o.transactionId)}">`
  const action = o.action ?? SIGN_IN_PATH
  const alert = o.failed ? `<div class="alert" role="alert" id="sign-in-error">${escapeHtml(SIGN_IN_FAILED)}</div>\n` : ''
  // Focus goes where the person has to type next.
  const focusPassword = o.username !== ''
  const described = o.failed ? ' aria-describedby="sign-in-error"' : ''
  const form = `<form method="post" action="${action}" aria-labelledby="title">
${tx}
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(o.username)}"${focusPassword ? '' : ' autofocus'}${described}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${focusPassword ? ' autofocus' : ''}${described}>
<button class="primary" type="submit">Sign in</button>
</form>`
  const users =
    o.users.length === 0
      ? ''
      : `<h2 id="demo-users">Or sign in as a configured user</h2>
<form method="post" action="${action}" aria-labelledby="demo-users">
${tx}
<ul class="users">
${o.users.map((u) => `<li><button type="submit" name="demo_user" value="${escapeHtml(u.login)}">${escapeHtml(displayName(u))}<span>${escapeHtml(u.login)}</span></button></li>`).join('\n')}
</ul>
</form>`
  const body = `<h1 id="title">Sign in</h1>
<p class="app">to <strong>${escapeHtml(o.appName)}</strong></p>
${alert}${form}
${users}`
  return page(`Sign in to ${o.appName}`, body)
}

const displayName = (u: User): string => (typeof u.profile['name'] === 'string' ? u.profile['name'] : u.login)
