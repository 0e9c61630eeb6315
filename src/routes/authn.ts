/**
 * Okta's classic Authentication API and the Sessions API (docs/authentication-api.md): `POST
 * /api/v1/authn` trades a username and password for a one-time session token; `/api/v1/sessions/me`
 * reads, ends and extends the browser's session. JSON only; every failure is Okta's API error body.
 */
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify'
import type { AppContext, Directory } from '../context.js'
import { cancelTransaction, previousStep, verifyFactor } from '../authn/factor-verification.js'
import { changeExpiredPassword } from '../authn/password-change.js'
import { authenticate, redeemSessionToken, type AuthnOutcome } from '../authn/primary-authentication.js'
import { AUTHN_PATH, authnBody } from '../authn/transaction-body.js'
import { apiValidationFailed, authenticationFailed, invalidStateToken, malformedBody, OAuthError, OktaApiError, sessionNotFound } from '../errors/oauth-error.js'
import { errorHandler } from '../http/error-handler.js'
import { currentSession, endSession, startSession } from '../http/browser-sign-in/session.js'
import { clientOrigins } from '../http/cors.js'
import { sendErrorPage } from '../http/html.js'
import { readForm } from '../oauth/form.js'
import type { User } from '../registry/users.js'
import type { SessionRecord } from '../store/authorization-store.js'
import { StoreUnavailableError } from '../store/store-unavailable.js'

/** Okta's username limit is 100 characters, passwords far less than this; anything longer is refused unread. */
const MAX_FIELD_LENGTH = 1024

export { AUTHN_PATH }
export const SESSIONS_ME_PATH = '/api/v1/sessions/me'

export interface AuthnRouteOptions {
  ctx: AppContext
  /** Where an expired password is replaced (the control plane's runtime data). */
  directory: Directory
}

export const authnRoutes: FastifyPluginAsync<AuthnRouteOptions> = async (app, { ctx, directory }) => {
  jsonOnly(app, ctx)

  app.post(AUTHN_PATH, async (req, reply) => {
    const body = objectBody(req.body)
    const username = field(body, 'username')
    const password = field(body, 'password')
    const missing = [...(username === undefined ? ['username'] : []), ...(password === undefined ? ['password'] : [])]
    if (missing.length > 0) throw apiValidationFailed(missing.map((name) => `${name}: The field cannot be left blank.`))
    return sendAuthn(reply, await authenticate(ctx, username!, password!), ctx)
  })

  // okta-auth-js posts `{ stateToken, passCode }` to a factor's verify link (docs/authentication-api.md § 1.4).
  app.post<{ Params: { factorId: string } }>(`${AUTHN_PATH}/factors/:factorId/verify`, async (req, reply) => {
    const body = objectBody(req.body)
    const request = { stateToken: field(body, 'stateToken'), factorId: req.params.factorId, passCode: field(body, 'passCode') }
    return sendAuthn(reply, await verifyFactor(ctx, request), ctx)
  })

  app.post<{ Params: { factorId: string } }>(`${AUTHN_PATH}/factors/:factorId/verify/resend`, async (req, reply) => {
    const body = objectBody(req.body)
    const request = { stateToken: field(body, 'stateToken'), factorId: req.params.factorId, passCode: undefined, resend: true }
    return sendAuthn(reply, await verifyFactor(ctx, request), ctx)
  })

  app.post(`${AUTHN_PATH}/previous`, async (req, reply) => {
    return sendAuthn(reply, await previousStep(ctx, field(objectBody(req.body), 'stateToken')), ctx)
  })

  app.post(`${AUTHN_PATH}/credentials/change_password`, async (req, reply) => {
    const body = objectBody(req.body)
    const stateToken = field(body, 'stateToken')
    const oldPassword = field(body, 'oldPassword')
    const newPassword = field(body, 'newPassword')
    // A bad state token answers first: the password fields mean nothing without a transaction.
    if (stateToken === undefined) throw invalidStateToken()
    const missing = [...(oldPassword === undefined ? ['oldPassword'] : []), ...(newPassword === undefined ? ['newPassword'] : [])]
    if (missing.length > 0) throw apiValidationFailed(missing.map((name) => `${name}: The field cannot be left blank.`))
    return sendAuthn(reply, await changeExpiredPassword(ctx, directory, { stateToken, oldPassword: oldPassword!, newPassword: newPassword! }), ctx)
  })

  // Ends the transaction; Okta answers with the bare status (docs/authentication-api.md § 1.2).
  app.post(`${AUTHN_PATH}/cancel`, async (req, reply) => {
    await cancelTransaction(ctx, field(objectBody(req.body), 'stateToken'))
    return reply.type('application/json').send({ status: 'UNAUTHENTICATED' })
  })

  app.get(SESSIONS_ME_PATH, async (req, reply) => {
    const signedIn = await currentSession(req, ctx)
    if (!signedIn) throw sessionNotFound()
    return reply.type('application/json').send(sessionBody(signedIn.session, signedIn.user, ctx))
  })

  app.delete(SESSIONS_ME_PATH, async (req, reply) => {
    const signedIn = await currentSession(req, ctx)
    if (!signedIn) throw sessionNotFound()
    await endSession(req, reply, ctx)
    return reply.code(204).send()
  })

  // Okta extends the session by its lifetime from now (docs/authentication-api.md § 4).
  app.post(`${SESSIONS_ME_PATH}/lifecycle/refresh`, async (req, reply) => {
    const signedIn = await currentSession(req, ctx)
    if (!signedIn) throw sessionNotFound()
    const session: SessionRecord = { ...signedIn.session, expiresAtMs: ctx.clock.nowMs() + ctx.config.signIn.sessionLifetimeSeconds * 1000 }
    await ctx.store.createSession(session)
    return reply.type('application/json').send(sessionBody(session, signedIn.user, ctx))
  })
}

/**
 * `GET /login/sessionCookieRedirect?token=…&redirectUrl=…` (okta-auth-js `session.setCookieAndRedirect`):
 * the session token becomes the browser's session, then the browser goes to `redirectUrl`, which must
 * be on a trusted origin (docs/authentication-api.md § 4.2). An unknown, used or expired token signs
 * nobody in; the browser still goes on, and the app finds no session.
 */
export const sessionCookieRedirectRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/login/sessionCookieRedirect', async (req, reply) => {
    const { token, redirectUrl } = readForm(req.query, ['token', 'redirectUrl'])
    const target = redirectUrl !== undefined && URL.canParse(redirectUrl) ? new URL(redirectUrl) : undefined
    const trusted = new Set([new URL(ctx.config.baseUrl).origin, ...ctx.config.trustedOrigins, ...ctx.config.clients.flatMap(clientOrigins)])
    if (!target || !trusted.has(target.origin)) return sendErrorPage(reply, 'invalid_request', "The 'redirectUrl' parameter must be on a trusted origin.")
    const redeemed = token === undefined ? undefined : await redeemSessionToken(ctx, token)
    if (redeemed) await startSession(req, reply, redeemed.user, ctx, redeemed.authTime, redeemed.amr)
    return reply.code(302).header('cache-control', 'no-cache, no-store').redirect(target.toString())
  })
}

/**
 * JSON bodies only, in this scope: the app parses forms alone. A body that is not JSON, or not the
 * JSON media type, gets Okta's E0000003, never the OAuth shape or a 5xx.
 */
function jsonOnly(app: FastifyInstance, ctx: AppContext): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if (body === '') return done(null, undefined)
    try {
      done(null, JSON.parse(body as string))
    } catch {
      done(malformedBody())
    }
  })
  app.addContentTypeParser('*', (_req, _payload, done) => done(malformedBody()))
  const handle = errorHandler(ctx.ids)
  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    const known = err instanceof OktaApiError || err instanceof OAuthError || err instanceof StoreUnavailableError
    const status = (err as FastifyError).statusCode
    const client = !known && status !== undefined && status >= 400 && status < 500
    return handle(client ? malformedBody() : err, req, reply)
  })
}

function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined) return {}
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw malformedBody()
  return body as Record<string, unknown>
}

function field(body: Record<string, unknown>, name: string): string | undefined {
  const value = Object.hasOwn(body, name) ? body[name] : undefined
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string' || value.length > MAX_FIELD_LENGTH) throw malformedBody()
  return value
}

function sendAuthn(reply: FastifyReply, result: AuthnOutcome, ctx: AppContext): FastifyReply {
  if (result.kind === 'failed') throw authenticationFailed()
  return reply.type('application/json').send(authnBody(ctx, result))
}

/** A session's public id: derived from the hash of its cookie, so it names the session without opening it. */
export const publicSessionId = (session: SessionRecord): string => `102${session.idHash.slice(0, 22)}`

function sessionBody(session: SessionRecord, user: User, ctx: AppContext): Record<string, unknown> {
  const id = publicSessionId(session)
  const base = ctx.config.baseUrl
  const signedInAt = new Date(session.authTime * 1000).toISOString()
  return {
    id,
    userId: user.id,
    login: user.login,
    createdAt: signedInAt,
    expiresAt: new Date(session.expiresAtMs).toISOString(),
    status: 'ACTIVE',
    lastPasswordVerification: signedInAt,
    // A factor verified at sign-in (docs/authentication-api.md § 1.4) shows here as Okta shows it.
    lastFactorVerification: session.amr ? signedInAt : null,
    amr: session.amr ?? ['pwd'],
    idp: { id: '00o000000000000000mk', type: 'OKTA' },
    mfaActive: session.amr !== undefined,
    _links: {
      self: { href: `${base}/api/v1/sessions/${id}`, hints: { allow: ['GET', 'DELETE'] } },
      // The browser's own session: okta-auth-js posts here with its cookie (session.get().refresh()).
      refresh: { href: `${base}${SESSIONS_ME_PATH}/lifecycle/refresh`, hints: { allow: ['POST'] } },
      user: { name: user.login, href: `${base}/api/v1/users/${user.id}`, hints: { allow: ['GET'] } },
    },
  }
}
