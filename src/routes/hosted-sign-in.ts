/**
 * Okta's hosted sign-in with the real Sign-In Widget (docs/sign-in-widget.md § hosted): the widget's
 * files from the installed package, and `GET /login/token/redirect`, where the widget sends the
 * browser once its interaction succeeded: the browser is signed in and sent back to the app with the
 * /authorize request's `code` and `state`, as at Okta.
 */
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { FastifyPluginAsync } from 'fastify'
import type { AppContext } from '../context.js'
import { mocktaError } from '../errors/oauth-error.js'
import { safeEqual } from '../crypto/safe-equal.js'
import { completeAuthorization } from '../browser-sign-in/complete.js'
import { sendAuthorizationResponse } from '../http/authorization-response.js'
import { startSession } from '../http/browser-sign-in/session.js'
import { knownBrowserHash } from '../http/browser-sign-in/transaction.js'
import { widgetAssetsPath } from '../http/browser-sign-in/widget-page.js'
import { sendErrorPage } from '../http/html.js'
import { IdxError } from '../idx/idx-error.js'
import { TOKEN_REDIRECT_PATH, transactionByStateHandle } from '../idx/transaction.js'
import { readForm } from '../oauth/form.js'
import type { SignInWidgetPackage } from '../sign-in-widget.js'

export interface HostedSignInOptions {
  ctx: AppContext
  /** The installed widget; absent: no hosted page, and its assets are not served. */
  widget: SignInWidgetPackage | undefined
}

/** The widget's file types; anything else in its dist/ (source maps, sass) is not served. */
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.gif': 'image/gif',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject',
  '.otf': 'font/otf',
}

export const hostedSignInRoutes: FastifyPluginAsync<HostedSignInOptions> = async (app, { ctx, widget }) => {
  if (widget) {
    const root = normalize(widget.dist + sep)
    app.get(`${widgetAssetsPath(widget.version)}/*`, async (req, reply) => {
      const rest = (req.params as { '*': string })['*']
      const file = normalize(join(root, rest))
      const type = TYPES[extname(file)]
      if (!file.startsWith(root) || type === undefined) throw mocktaError('not_found')
      const content = await readFile(file).catch(() => undefined)
      if (content === undefined) throw mocktaError('not_found')
      // Versioned path: the files never change under it.
      return reply.header('cache-control', 'public, max-age=31536000, immutable').type(type).send(content)
    })
  }

  app.get(TOKEN_REDIRECT_PATH, { config: { noStore: true } }, async (req, reply) => {
    const expired = () => {
      const err = mocktaError('sign_in_transaction_invalid')
      return sendErrorPage(reply, err.error, err.message)
    }
    const { stateToken } = readForm(req.query, ['stateToken'])
    let tx: Awaited<ReturnType<typeof transactionByStateHandle>>
    try {
      tx = await transactionByStateHandle(ctx, stateToken)
    } catch (err) {
      if (err instanceof IdxError) return expired()
      throw err
    }
    const { hosted, codeHash, userId } = tx.record
    const browser = knownBrowserHash(req)
    // Only the browser that opened the page finishes it (login CSRF: nobody signs another browser in).
    if (!hosted || tx.record.step !== 'SUCCESS' || codeHash === null || browser === undefined || !safeEqual(browser, hosted.browserHash)) return expired()
    // Taken, not read: one hosted sign-in ends once, even when the redirect is followed twice at once.
    const taken = await ctx.store.takeInteractionByCode(codeHash, ctx.clock.nowMs())
    const user = userId === null ? undefined : ctx.users.get(userId)
    if (!taken || !user || taken.authTime === null) return expired()
    const session = await startSession(req, reply, user, ctx, taken.authTime)
    return sendAuthorizationResponse(reply, hosted.request, await completeAuthorization(hosted.request, tx.client, user, session.authTime, ctx))
  })
}
