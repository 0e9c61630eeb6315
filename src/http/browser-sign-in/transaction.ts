/**
 * Sign-in transactions: an /authorize request waiting for the form. The form carries the transaction
 * id; the transaction is bound to a per-browser cookie, so a form posted from another browser (login
 * CSRF) or replayed after completion is refused.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../context.js'
import { BROWSER_COOKIE, readCookie, setCookie } from '../cookies.js'
import type { AuthorizationRequest } from '../../store/authorization-request.js'
import { hashToken } from '../../crypto/hash-token.js'
import { safeEqual } from '../../crypto/safe-equal.js'
import type { TransactionRecord } from '../../store/authorization-store.js'
import { secureCookies } from './session.js'

/** How long a sign-in form stays usable (Okta's sign-in transactions last minutes, not hours). */
export const TRANSACTION_LIFETIME_SECONDS = 600

/** The hash of this browser's id, from its cookie, set first when it has none. */
export function browserHashOf(req: FastifyRequest, reply: FastifyReply, ctx: AppContext): string {
  let browser = readCookie(req, BROWSER_COOKIE)
  if (browser === undefined || browser.length > 64) {
    browser = ctx.ids.secret()
    setCookie(reply, BROWSER_COOKIE, browser, { secure: secureCookies(ctx) })
  }
  return hashToken(browser)
}

/** The browser's id hash if it has the cookie (never set here). */
export function knownBrowserHash(req: FastifyRequest): string | undefined {
  const browser = readCookie(req, BROWSER_COOKIE)
  return browser === undefined ? undefined : hashToken(browser)
}

export async function beginTransaction(req: FastifyRequest, reply: FastifyReply, request: AuthorizationRequest, ctx: AppContext): Promise<string> {
  const browserHash = browserHashOf(req, reply, ctx)
  const id = ctx.ids.secret()
  await ctx.store.createTransaction({
    idHash: hashToken(id),
    browserHash,
    request,
    expiresAtMs: ctx.clock.nowMs() + TRANSACTION_LIFETIME_SECONDS * 1000,
  })
  return id
}

/** The live transaction `id` names, if this browser started it; `take` consumes it. */
export async function transactionOf(req: FastifyRequest, id: string, ctx: AppContext, take: boolean): Promise<TransactionRecord | undefined> {
  const browser = readCookie(req, BROWSER_COOKIE)
  if (browser === undefined) return undefined
  const idHash = hashToken(id)
  const nowMs = ctx.clock.nowMs()
  const found = await ctx.store.findTransaction(idHash, nowMs)
  if (!found || !safeEqual(found.browserHash, hashToken(browser))) return undefined
  return take ? ctx.store.takeTransaction(idHash, nowMs) : found
}
