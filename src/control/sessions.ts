/**
 * Sign-ins as the dashboard shows and ends them (docs/dashboard.md): a user's browser sessions, and
 * "expire every access token" of everyone, a client or a user while their refresh tokens keep working,
 * so an app's silent renewal can be tested on demand.
 */
import type { AppContext } from '../context.js'
import type { SessionRecord } from '../store/authorization-store.js'
import { badRequest, notFound, validator } from './control-error.js'

/** A browser session as the control plane shows it: its id is a prefix of the hash of the cookie, never the cookie. */
export interface SessionSummary {
  id: string
  userId: string
  authTime: string
  expiresAt: string
}

export interface AccessTokenExpiry {
  /** `*`, `client:<id>` or `user:<id>`. */
  scope: string
  /** Access tokens issued at or before this second (their `iat`) are ended. */
  endedBefore: string
}

export const expireAccessTokensSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { clientId: { type: 'string', minLength: 1 }, user: { type: 'string', minLength: 1 } },
} as const

export const checkExpireAccessTokens = validator<{ clientId?: string; user?: string }>(expireAccessTokensSchema, 'access-token expiry')

/** 16 hex digits of the record's hash: enough to name one session, nothing to sign in with. */
const SESSION_ID_LENGTH = 16

const iso = (ms: number): string => new Date(ms).toISOString()
const summarize = (s: SessionRecord): SessionSummary => ({
  id: s.idHash.slice(0, SESSION_ID_LENGTH),
  userId: s.userId,
  authTime: iso(s.authTime * 1000),
  expiresAt: iso(s.expiresAtMs),
})

function userIdOf(ctx: AppContext, user: string): string {
  const found = ctx.users.find(user)
  if (!found) throw notFound(`no user ${user}`)
  return found.id
}

export async function sessionsOf(ctx: AppContext, user: string): Promise<SessionSummary[]> {
  const sessions = await ctx.store.listSessionsByUser(userIdOf(ctx, user), ctx.clock.nowMs())
  return sessions.sort((a, b) => a.authTime - b.authTime).map(summarize)
}

/** Ends one session (`id` as listed) or, without one, every session of the user; returns those ended. */
export async function endSessions(ctx: AppContext, user: string, id?: string): Promise<SessionSummary[]> {
  const sessions = await ctx.store.listSessionsByUser(userIdOf(ctx, user), ctx.clock.nowMs())
  const ended = id === undefined ? sessions : sessions.filter((s) => s.idHash.slice(0, SESSION_ID_LENGTH) === id)
  if (id !== undefined && ended.length === 0) throw notFound(`no live session ${id} of ${user}`)
  for (const s of ended) await ctx.store.deleteSession(s.idHash)
  return ended.map(summarize)
}

/** The scope an expiry names: a client, a user, or (neither) everyone; not both. */
export function accessTokenScope(ctx: AppContext, input: { clientId?: string; user?: string }): string {
  if (input.clientId !== undefined && input.user !== undefined) throw badRequest('invalid access-token expiry: name a client or a user, not both')
  if (input.clientId !== undefined) {
    if (!ctx.clients.get(input.clientId)) throw notFound(`no client ${input.clientId}`)
    return `client:${input.clientId}`
  }
  if (input.user !== undefined) return `user:${userIdOf(ctx, input.user)}`
  return '*'
}

/** Ends the scope's access tokens issued up to `nowMs`'s second. */
export async function endAccessTokens(ctx: AppContext, scope: string, nowMs: number): Promise<AccessTokenExpiry> {
  const second = Math.floor(nowMs / 1000)
  await ctx.store.endAccessTokens(scope, second)
  return { scope, endedBefore: iso((second + 1) * 1000) }
}
