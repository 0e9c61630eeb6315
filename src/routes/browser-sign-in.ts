/** POST /mockta/sign-in: the browser sign-in form's target. Checks the credentials, then finishes the pending /authorize. */
import type { FastifyPluginAsync } from 'fastify'
import type { AppContext } from '../context.js'
import { mocktaError } from '../errors/oauth-error.js'
import { readForm } from '../oauth/form.js'
import { sendErrorPage, sendHtml } from '../http/html.js'
import { completeAuthorization } from '../browser-sign-in/complete.js'
import { sendAuthorizationResponse } from '../http/authorization-response.js'
import { startSession } from '../http/browser-sign-in/session.js'
import { SIGN_IN_PATH, signInPage } from '../http/browser-sign-in/sign-in-page.js'
import { transactionOf } from '../http/browser-sign-in/transaction.js'
import { listedUsers } from './authorize.js'

const PARAMS = ['tx', 'username', 'password', 'demo_user']

export const browserSignInRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(SIGN_IN_PATH, async (req, reply) => {
    const form = readForm(req.body, PARAMS)
    const transactionId = form['tx']
    const expired = () => {
      const err = mocktaError('sign_in_transaction_invalid')
      return sendErrorPage(reply, err.error, err.message)
    }
    const pending = transactionId === undefined ? undefined : await transactionOf(req, transactionId, ctx, false)
    if (!pending || transactionId === undefined) return expired()

    const demo = form['demo_user']
    const user = demo !== undefined && ctx.config.signIn.listUsers ? ctx.users.byLoginName(demo) : ctx.users.authenticate(form['username'] ?? '', form['password'] ?? '')
    const client = ctx.clients.get(pending.request.clientId)
    if (!client) return expired()
    if (!user) {
      const page = signInPage({ appName: client.name, transactionId, username: form['username'] ?? '', failed: true, users: listedUsers(ctx) })
      return sendHtml(reply, 401, page)
    }
    // Taken, not just read: one form completes one sign-in, even when posted twice at once.
    const taken = await transactionOf(req, transactionId, ctx, true)
    if (!taken) return expired()
    const session = await startSession(req, reply, user, ctx)
    return sendAuthorizationResponse(reply, taken.request, await completeAuthorization(taken.request, client, user, session.authTime, ctx))
  })
}
