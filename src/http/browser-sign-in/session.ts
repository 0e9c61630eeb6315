/** The signed-in browser session: a random id in an HttpOnly cookie, stored only as its hash. */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { nowSeconds } from '../../clock.js'
import type { AppContext } from '../../context.js'
import { clearCookie, readCookie, SESSION_COOKIE, setCookie } from '../cookies.js'
import { hashToken } from '../../crypto/hash-token.js'
import type { User } from '../../registry/users.js'
import type { SessionRecord } from '../../store/authorization-store.js'

export interface SignedIn {
  session: SessionRecord
  user: User
}

export const secureCookies = (ctx: AppContext): boolean => ctx.config.baseUrl.startsWith('https:')

export async function currentSession(req: FastifyRequest, ctx: AppContext): Promise<SignedIn | undefined> {
  const id = readCookie(req, SESSION_COOKIE)
  if (id === undefined) return undefined
  const session = await ctx.store.findSession(hashToken(id), ctx.clock.nowMs())
  const user = session && ctx.users.get(session.userId)
  return session && user ? { session, user } : undefined
}

/** A new session for `user`, replacing the browser's previous one (no session fixation); `authTime`: when they proved who they are, if before now. */
export async function startSession(
  req: FastifyRequest,
  reply: FastifyReply,
  user: User,
  ctx: AppContext,
  authTime = nowSeconds(ctx.clock),
  /** Methods besides the password (a session token after a factor); absent: the password alone. */
  amr?: string[],
): Promise<SessionRecord> {
  const previous = readCookie(req, SESSION_COOKIE)
  if (previous !== undefined) await ctx.store.deleteSession(hashToken(previous))
  const id = ctx.ids.secret()
  const lifetime = ctx.config.signIn.sessionLifetimeSeconds
  const session: SessionRecord = {
    idHash: hashToken(id),
    userId: user.id,
    authTime,
    expiresAtMs: ctx.clock.nowMs() + lifetime * 1000,
    ...(amr !== undefined && { amr: [...amr] }),
  }
  await ctx.store.createSession(session)
  // A session cookie (no Max-Age): the server-side record decides how long it is good for.
  setCookie(reply, SESSION_COOKIE, id, { secure: secureCookies(ctx) })
  return session
}

export async function endSession(req: FastifyRequest, reply: FastifyReply, ctx: AppContext): Promise<void> {
  const id = readCookie(req, SESSION_COOKIE)
  if (id === undefined) return
  await ctx.store.deleteSession(hashToken(id))
  clearCookie(reply, SESSION_COOKIE, secureCookies(ctx))
}
