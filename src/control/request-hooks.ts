/**
 * Faults and the journal on the OAuth endpoints. Faults are decided in `preHandler`: after the form
 * is parsed, before client authentication and the grant, so a fired fault changes no state. The
 * journal entry is written once the answer is sent, with every token and secret reduced to a
 * fingerprint (oauth-request.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import { oktaErrors, type OktaErrorCode } from '../errors/okta-errors.js'
import { hashToken, looksLikeRefreshToken } from '../oauth/refresh-token.js'
import type { ControlPlane } from './control-plane.js'
import type { FaultAction } from './faults.js'
import { describeOAuthRequest, endpointOf, type OAuthEndpoint, type OAuthRequestInfo } from './oauth-request.js'

interface Tracking {
  endpoint: OAuthEndpoint
  startMs: number
  info?: OAuthRequestInfo
  faultId?: string
  payload?: string
  /** Kept only for the family lookup after the answer; never stored in the journal. */
  refreshToken?: string
}

/** Okta's rate-limit answer (wire spec §10): E0000047 body and X-Rate-Limit-* headers. */
const RATE_LIMIT_SUMMARY = 'API call exceeded rate limit due to too many requests.'

export function registerControlHooks(app: FastifyInstance, ctx: AppContext, control: ControlPlane): void {
  const tracked = new WeakMap<FastifyRequest, Tracking>()

  app.addHook('onRequest', async (req) => {
    // The 405 routes share the URL; endpointOf counts only the methods the endpoint serves.
    const endpoint = endpointOf(req.routeOptions.url, req.method)
    if (endpoint !== undefined) tracked.set(req, { endpoint, startMs: ctx.clock.nowMs() })
  })

  app.addHook('preHandler', async (req, reply) => {
    const tracking = tracked.get(req)
    if (!tracking) return
    const info = describeOAuthRequest(req, tracking.endpoint)
    tracking.info = info
    const refreshToken = (req.body as Record<string, unknown> | undefined)?.['refresh_token']
    if (typeof refreshToken === 'string') tracking.refreshToken = refreshToken
    const fired = control.fireFaults(info)
    for (const rule of fired) {
      if (rule.action.type === 'latency') await sleep(rule.action.ms)
    }
    const terminal = fired.find((rule) => rule.action.type !== 'latency')
    if (!terminal) return
    tracking.faultId = terminal.id
    return answerWithFault(terminal.action, req, reply, ctx, () => journal(req, reply, 0))
  })

  app.addHook('onSend', async (req, _reply, payload) => {
    const tracking = tracked.get(req)
    if (tracking && typeof payload === 'string' && payload.length < 65536) tracking.payload = payload
    return payload
  })

  const journal = async (req: FastifyRequest, reply: FastifyReply, status: number): Promise<void> => {
    const tracking = tracked.get(req)
    if (!tracking) return
    tracked.delete(req)
    const info = tracking.info ?? describeOAuthRequest(req, tracking.endpoint)
    const body = parse(tracking.payload)
    const ok = status >= 200 && status < 300 && tracking.faultId === undefined
    let familyId = ok && typeof body?.['access_token'] === 'string' ? familyOfAccessToken(body['access_token']) : undefined
    if (familyId === undefined && info.grantType === 'refresh_token' && tracking.refreshToken !== undefined && looksLikeRefreshToken(tracking.refreshToken)) {
      familyId = (await ctx.store.findRefreshToken(hashToken(tracking.refreshToken)))?.family.id
    }
    const error = body?.['error'] ?? body?.['errorCode']
    control.record({
      ...info,
      time: new Date(tracking.startMs).toISOString(),
      timeMs: tracking.startMs,
      method: req.method,
      path: req.url.split('?', 1)[0] as string,
      status,
      error: status >= 400 && typeof error === 'string' ? error : undefined,
      scopesGranted: ok && typeof body?.['scope'] === 'string' ? body['scope'].split(' ') : undefined,
      active: info.endpoint === 'introspect' && ok && typeof body?.['active'] === 'boolean' ? body['active'] : undefined,
      familyId,
      faultId: tracking.faultId,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    })
  }

  app.addHook('onResponse', async (req, reply) => journal(req, reply, reply.statusCode))
}

async function answerWithFault(action: FaultAction, req: FastifyRequest, reply: FastifyReply, ctx: AppContext, recordDrop: () => Promise<void>): Promise<FastifyReply | undefined> {
  switch (action.type) {
    case 'error':
      return reply.code(action.status).type('application/json').send({ error: action.error, error_description: action.errorDescription ?? defaultDescription(action.error) })
    case 'rate_limit': {
      const limit = action.limit ?? 600
      const resetAt = Math.floor(ctx.clock.nowMs() / 1000) + (action.resetSeconds ?? 60)
      return reply
        .code(429)
        .headers({ 'x-rate-limit-limit': String(limit), 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetAt) })
        .type('application/json')
        .send({ errorCode: 'E0000047', errorSummary: RATE_LIMIT_SUMMARY, errorLink: 'E0000047', errorId: ctx.ids.errorId(), errorCauses: [] })
    }
    case 'malformed':
      // Valid headers, a body cut off mid-JSON: what a proxy dying mid-answer looks like.
      return reply.code(action.status ?? 200).type('application/json').send('{"token_type":"Bearer","access_token":"')
    case 'drop':
      reply.hijack()
      await recordDrop()
      req.raw.socket?.destroy()
      return reply
    case 'latency':
      return undefined
  }
}

/** Okta's own text for the codes its catalogue names after themselves (temporarily_unavailable, server_error, …). */
function defaultDescription(error: string): string {
  const entry = Object.hasOwn(oktaErrors, error) ? oktaErrors[error as OktaErrorCode] : undefined
  return entry?.error === error ? entry.description.replace(/\{\d\}/g, '') : `Injected fault: ${error}.`
}

function parse(payload: string | undefined): Record<string, unknown> | undefined {
  if (payload === undefined || !payload.startsWith('{')) return undefined
  try {
    return JSON.parse(payload) as Record<string, unknown>
  } catch {
    return undefined
  }
}

/** Okta access-token `jti`s carry the family as their third part (`AT.….oar…`, wire spec §5.1). */
function familyOfAccessToken(token: string): string | undefined {
  const payload = parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
  const jti = payload?.['jti']
  return typeof jti === 'string' ? jti.split('.')[2] : undefined
}
