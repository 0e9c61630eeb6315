/**
 * Faults and the journal on the OAuth endpoints. Faults are decided in `preHandler`: after the form
 * is parsed, before client authentication and the grant, so a fired fault changes no state. The
 * journal entry is written once the answer is sent, with every token and secret reduced to a
 * fingerprint (oauth-request.ts).
 *
 * These hooks run on every OAuth request, so they are callback-style and do as little as they can
 * (issue 7): no fault matching while there are no rules, the answer's members read from the object
 * before serialisation instead of parsing the JSON again, and nothing at all for other routes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../context.js'
import { oktaErrors, type OktaErrorCode } from '../../errors/okta-errors.js'
import { hashToken } from '../../crypto/hash-token.js'
import { looksLikeRefreshToken } from '../../oauth/refresh-token.js'
import { StoreUnavailableError } from '../../store/store-unavailable.js'
import type { ControlPlane } from '../../control/control-plane.js'
import type { FaultAction, FaultRule } from '../../control/faults.js'
import { describeOAuthRequest, endpointOf, type OAuthEndpoint, type OAuthRequestInfo } from '../../control/oauth-request.js'

/** The members of an answer the journal keeps. */
interface Answer {
  error: unknown
  errorCode: unknown
  scope: unknown
  active: unknown
  accessToken: unknown
}

interface Tracking {
  endpoint: OAuthEndpoint
  startMs: number
  info?: OAuthRequestInfo
  faultId?: string
  /** Read from the answer object before serialisation (preSerialization), or from JSON text (onSend). */
  answer?: Answer | undefined
  /** An answer sent as text: parsed only when the request is journaled. */
  payload?: string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The journal's record of an OAuth request in flight; null for every other request. */
    mocktaTracking: Tracking | null
  }
}

/** Okta's rate-limit answer (wire spec §10): E0000047 body and X-Rate-Limit-* headers. */
const RATE_LIMIT_SUMMARY = 'API call exceeded rate limit due to too many requests.'

/** Answers longer than this are not read for the journal (as before: the text was kept only below it). */
const MAX_READ_PAYLOAD = 65536

export function registerControlHooks(app: FastifyInstance, ctx: AppContext, control: ControlPlane): void {
  app.decorateRequest('mocktaTracking', null)
  // Replicas: every request first catches up with the shared control state (clock, data, faults, a
  // reset), one Redis read. While Redis is down the request goes on with what this replica last saw;
  // whatever needs the store then answers temporarily_unavailable, and keys and discovery keep working.
  if (control.replicated) {
    app.addHook('onRequest', (_req, _reply, done) => {
      control.sync().then(
        () => done(),
        (err: Error) => done(err instanceof StoreUnavailableError ? undefined : err),
      )
    })
  }
  // endpointOf per route URL and method, computed once: the URL patterns are fixed at start-up.
  const endpoints = new Map<string, Map<string, OAuthEndpoint | undefined>>()
  const endpointFor = (url: string | undefined, method: string): OAuthEndpoint | undefined => {
    if (url === undefined) return undefined
    let byMethod = endpoints.get(url)
    if (!byMethod) endpoints.set(url, (byMethod = new Map()))
    if (byMethod.has(method)) return byMethod.get(method)
    const endpoint = endpointOf(url, method)
    byMethod.set(method, endpoint)
    return endpoint
  }

  app.addHook('onRequest', (req, _reply, done) => {
    // The 405 routes share the URL; endpointOf counts only the methods the endpoint serves.
    const endpoint = endpointFor(req.routeOptions.url, req.method)
    if (endpoint !== undefined) req.mocktaTracking = { endpoint, startMs: ctx.clock.nowMs() }
    done()
  })

  app.addHook('preHandler', (req, reply, done) => {
    const tracking = req.mocktaTracking
    // No rules, nothing to match: the request is described once, for the journal, after the answer.
    if (!tracking || !control.hasFaultRules()) return done()
    const info = describeOAuthRequest(req, tracking.endpoint)
    tracking.info = info
    control
      .fireFaults(info)
      .then((fired) => (fired.length === 0 ? false : applyFaults(fired, tracking, req, reply, ctx, () => journal(req, reply, 0))))
      .then(
        (answered) => {
          if (!answered) done()
        },
        (err: Error) => done(err),
      )
  })

  app.addHook('preSerialization', (req, _reply, payload, done) => {
    const tracking = req.mocktaTracking
    if (tracking && payload !== null && typeof payload === 'object') tracking.answer = answerOf(payload as Record<string, unknown>)
    done(null, payload)
  })

  app.addHook('onSend', (req, _reply, payload, done) => {
    const tracking = req.mocktaTracking
    if (tracking && typeof payload === 'string') {
      if (payload.length >= MAX_READ_PAYLOAD) tracking.answer = undefined
      else if (tracking.answer === undefined) tracking.payload = payload
    }
    done(null, payload)
  })

  const journal = (req: FastifyRequest, reply: FastifyReply, status: number): Promise<void> | undefined => {
    const tracking = req.mocktaTracking
    if (!tracking) return undefined
    req.mocktaTracking = null
    const info = tracking.info ?? describeOAuthRequest(req, tracking.endpoint)
    const answer = tracking.answer ?? answerOfText(tracking.endpoint, tracking.payload)
    const ok = status >= 200 && status < 300 && tracking.faultId === undefined
    const familyId = ok && typeof answer?.accessToken === 'string' ? familyOfAccessToken(answer.accessToken) : undefined
    const durationMs = Math.round(reply.elapsedTime * 10) / 10
    const record = (familyId: string | undefined): Promise<void> => {
      const error = answer?.error ?? answer?.errorCode
      // Member by member, not `...info`: spreading into a literal this size cost microseconds per request (issue 7).
      return control.record({
        endpoint: info.endpoint,
        authServer: info.authServer,
        grantType: info.grantType,
        clientId: info.clientId,
        authMethod: info.authMethod,
        scopesRequested: info.scopesRequested,
        username: info.username,
        tokenFingerprint: info.tokenFingerprint,
        remediation: info.remediation,
        time: new Date(tracking.startMs).toISOString(),
        timeMs: tracking.startMs,
        method: req.method,
        path: req.url.split('?', 1)[0] as string,
        status,
        error: status >= 400 && typeof error === 'string' ? error : undefined,
        scopesGranted: ok && typeof answer?.scope === 'string' ? answer.scope.split(' ') : undefined,
        active: info.endpoint === 'introspect' && ok && typeof answer?.active === 'boolean' ? answer.active : undefined,
        familyId,
        faultId: tracking.faultId,
        durationMs,
      })
    }
    // A refresh grant that issued nothing still names the family of the token it presented.
    const refreshToken = (req.body as Record<string, unknown> | undefined)?.['refresh_token']
    if (familyId === undefined && info.grantType === 'refresh_token' && typeof refreshToken === 'string' && looksLikeRefreshToken(refreshToken)) {
      return ctx.store.findRefreshToken(hashToken(refreshToken)).then((found) => record(found?.family.id))
    }
    return record(familyId)
  }

  app.addHook('onResponse', (req, reply, done) => {
    const pending = journal(req, reply, reply.statusCode)
    if (pending === undefined) done()
    // A shared store that is down loses this entry: the answer was already sent, and the outage shows in /health.
    else pending.then(() => done(), (err: Error) => done(err instanceof StoreUnavailableError ? undefined : err))
  })
}

/**
 * Latency rules delay the request, in order; then a terminal rule, if one fired, answers instead of
 * mockta. Resolves true when the request was answered (or dropped) here.
 */
async function applyFaults(
  fired: FaultRule[],
  tracking: Tracking,
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: AppContext,
  recordDrop: () => Promise<void> | undefined,
): Promise<boolean> {
  for (const rule of fired) {
    if (rule.action.type === 'latency') await sleep(rule.action.ms)
  }
  const terminal = fired.find((rule) => rule.action.type !== 'latency')
  if (!terminal) return false
  tracking.faultId = terminal.id
  await answerWithFault(terminal.action, req, reply, ctx, recordDrop)
  return true
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function answerWithFault(action: FaultAction, req: FastifyRequest, reply: FastifyReply, ctx: AppContext, recordDrop: () => Promise<void> | undefined): Promise<void> {
  switch (action.type) {
    case 'error':
      reply.code(action.status).type('application/json').send({ error: action.error, error_description: action.errorDescription ?? defaultDescription(action.error) })
      return
    case 'rate_limit': {
      const limit = action.limit ?? 600
      const resetAt = Math.floor(ctx.clock.nowMs() / 1000) + (action.resetSeconds ?? 60)
      reply
        .code(429)
        .headers({ 'x-rate-limit-limit': String(limit), 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetAt) })
        .type('application/json')
        .send({ errorCode: 'E0000047', errorSummary: RATE_LIMIT_SUMMARY, errorLink: 'E0000047', errorId: ctx.ids.errorId(), errorCauses: [] })
      return
    }
    case 'malformed':
      // Valid headers, a body cut off mid-JSON: what a proxy dying mid-answer looks like.
      reply.code(action.status ?? 200).type('application/json').send('{"token_type":"Bearer","access_token":"')
      return
    case 'drop':
      reply.hijack()
      await recordDrop()
      req.raw.socket?.destroy()
      return
    case 'latency':
      return
  }
}

/** Okta's own text for the codes its catalogue names after themselves (temporarily_unavailable, server_error, …). */
function defaultDescription(error: string): string {
  const entry = Object.hasOwn(oktaErrors, error) ? oktaErrors[error as OktaErrorCode] : undefined
  return entry?.error === error ? entry.description.replace(/\{\d\}/g, '') : `Injected fault: ${error}.`
}

const answerOf = (body: Record<string, unknown>): Answer => ({
  error: body['error'] ?? idxMessageKey(body),
  errorCode: body['errorCode'],
  scope: body['scope'],
  active: body['active'],
  accessToken: body['access_token'],
})

/** An IDX answer's outcome for the journal: the i18n key of its first message (`idx.session.expired`, `errors.E0000004`, …). */
function idxMessageKey(body: Record<string, unknown>): string | undefined {
  const messages = body['messages'] as { value?: Array<{ i18n?: { key?: unknown } }> } | undefined
  const key = Array.isArray(messages?.value) ? messages.value[0]?.i18n?.key : undefined
  return typeof key === 'string' ? key : undefined
}

/**
 * An answer sent as text. The key set and the discovery documents are mockta's own, and carry none
 * of the members the journal reads (error, scope, active, access_token), so they are not parsed.
 */
function answerOfText(endpoint: OAuthEndpoint, payload: string | undefined): Answer | undefined {
  if (endpoint === 'keys' || endpoint === 'discovery') return undefined
  const body = parse(payload)
  return body === undefined ? undefined : answerOf(body)
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
