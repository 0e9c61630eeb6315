/**
 * GET /email/verify/{userId}?token=…: the magic link of an emailed code (docs/identity-engine.md §
 * Magic link), opened in any browser. It verifies the challenge as the code would; the tab that asked
 * for the code learns it through its poll, so this page only says to go back there. On the origin like
 * Okta's, outside the OAuth scope: no journal, no faults; the token is never shown or logged.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { AppContext } from '../context.js'
import { page, sendHtml, escapeHtml } from '../http/html.js'
import { verifyEmailLink } from '../idx/challenge-email.js'
import { IDX_MESSAGES } from '../idx/messages.js'
import { readQuery } from '../oauth/form.js'

export const EMAIL_VERIFY_PATH = '/email/verify/:userId'

/** Nothing longer is a token mockta issued (idx/email-codes.ts: 43 + 1 + 43 characters). */
const MAX_TOKEN_LENGTH = 128

export const emailVerifyRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(EMAIL_VERIFY_PATH, async (req, reply) => {
    const { userId } = req.params as { userId: string }
    const token = readQuery(req.query, 'token')
    const outcome = token === undefined || token.length > MAX_TOKEN_LENGTH ? 'expired' : await verifyEmailLink(ctx, userId, token)
    if (outcome === 'verified') return sendHtml(reply, 200, page('Email verified', notice('Email verified', IDX_MESSAGES.returnToOriginalTab.message)))
    return sendHtml(reply, 400, page('Link expired', notice('Link expired', IDX_MESSAGES.linkExpired.message)))
  })
}

const notice = (title: string, text: string): string => `<h1>${escapeHtml(title)}</h1>
<p role="status">${escapeHtml(text)}</p>`
