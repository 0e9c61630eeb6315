/**
 * GET/POST /activate: the device activation page (RFC 8628 §3.3). The person enters the user code,
 * signs in with the sign-in page and its session (or is already signed in), then allows or denies
 * the device. On the origin like Okta's, outside the OAuth scope: no journal, no faults.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import { decideDeviceAuthorization, normalizeUserCode, pendingDeviceAuthorization } from '../grants/device-authorization.js'
import { sendErrorPage, sendHtml } from '../http/html.js'
import { ACTIVATION_PATH, activationDonePage, approvalPage, userCodePage } from '../http/browser-sign-in/activation-page.js'
import { currentSession, startSession } from '../http/browser-sign-in/session.js'
import { signInPage } from '../http/browser-sign-in/sign-in-page.js'
import { readForm, readQuery } from '../oauth/form.js'
import type { DeviceAuthorizationRecord } from '../store/grant-records.js'
import { listedUsers } from './authorize.js'

const PARAMS = ['tx', 'username', 'password', 'demo_user', 'user_code', 'decision']

export const activateRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(ACTIVATION_PATH, async (req, reply) => {
    const typed = readQuery(req.query, 'user_code')
    if (typed === undefined) return sendHtml(reply, 200, userCodePage({ failed: false, userCode: '' }))
    return showCode(req, reply, typed, ctx)
  })

  app.post(ACTIVATION_PATH, async (req, reply) => {
    // A form posted from another site's page (login CSRF, or approving behind the person's back).
    if (!sameOrigin(req)) return sendErrorPage(reply, 'invalid_request', 'The activation form must be posted from this site.')
    const form = readForm(req.body, PARAMS)
    const decision = form['decision']
    if (decision !== undefined) {
      const typed = form['user_code'] ?? ''
      const signedIn = await currentSession(req, ctx)
      if (!signedIn) return showCode(req, reply, typed, ctx)
      const outcome = await decideDeviceAuthorization(typed, decision === 'approve' ? { user: signedIn.user, authTime: signedIn.session.authTime } : 'deny', ctx)
      if (outcome.kind !== 'decided') return sendHtml(reply, 400, userCodePage({ failed: true, userCode: normalizeUserCode(typed) }))
      return sendHtml(reply, 200, activationDonePage(decision === 'approve'))
    }
    // The sign-in form: its `tx` is the user code.
    const typed = form['tx'] ?? ''
    const pending = await pendingDeviceAuthorization(typed, ctx)
    if (!pending) return sendHtml(reply, 400, userCodePage({ failed: true, userCode: normalizeUserCode(typed) }))
    const demo = form['demo_user']
    const user = demo !== undefined && ctx.config.signIn.listUsers ? ctx.users.byLoginName(demo) : ctx.users.authenticate(form['username'] ?? '', form['password'] ?? '')
    const appName = ctx.clients.get(pending.clientId)?.name ?? pending.clientId
    const code = normalizeUserCode(typed)
    if (!user)
      return sendHtml(reply, 401, signInPage({ appName, transactionId: code, username: form['username'] ?? '', failed: true, users: listedUsers(ctx), action: ACTIVATION_PATH }))
    await startSession(req, reply, user, ctx)
    return sendHtml(reply, 200, approvalPage({ appName, userCode: code, user, scopes: pending.scopes }))
  })
}

async function showCode(req: FastifyRequest, reply: FastifyReply, typed: string, ctx: AppContext): Promise<FastifyReply> {
  const code = normalizeUserCode(typed)
  const pending: DeviceAuthorizationRecord | undefined = await pendingDeviceAuthorization(typed, ctx)
  if (!pending) return sendHtml(reply, 400, userCodePage({ failed: true, userCode: code.slice(0, 64) }))
  const appName = ctx.clients.get(pending.clientId)?.name ?? pending.clientId
  const signedIn = await currentSession(req, ctx)
  if (signedIn) return sendHtml(reply, 200, approvalPage({ appName, userCode: code, user: signedIn.user, scopes: pending.scopes }))
  return sendHtml(reply, 200, signInPage({ appName, transactionId: code, username: '', failed: false, users: listedUsers(ctx), action: ACTIVATION_PATH }))
}

/**
 * A browser names the page that posted a form in `Origin`; it must be this server's own (RFC 6454 §7). Test clients send none.
 * Our pages say `Referrer-Policy: no-referrer`, so Chromium posts their forms with `Origin: null` (Fetch standard, "serializing
 * a request origin"); then `Sec-Fetch-Site` must say the form was this site's.
 */
function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return req.headers['sec-fetch-site'] !== 'cross-site'
  if (origin === 'null') return req.headers['sec-fetch-site'] === 'same-origin'
  if (!URL.canParse(origin)) return false
  return new URL(origin).host === req.headers.host?.toLowerCase()
}
