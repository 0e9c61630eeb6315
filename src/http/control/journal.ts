/**
 * The journal entry of an OAuth request: started when the request arrives, written just before the
 * answer is sent, with every token and secret reduced to a fingerprint (control/oauth-request.ts). What a
 * grant issued or why it refused comes from the token route (`mocktaGrant`), never from decoding the
 * answer.
 *
 * These hooks run on every OAuth request, so they are callback-style and do as little as they can:
 * the answer's members are read from the object before serialisation instead of parsing the JSON again.
 */
import type { FastifyReply, FastifyRequest, onRequestHookHandler, onResponseHookHandler, onSendHookHandler, preSerializationHookHandler } from 'fastify'
import type { AppContext } from '../../context.js'
import { readRefreshToken } from '../../oauth/refresh-token.js'
import { StoreUnavailableError } from '../../store/store-unavailable.js'
import type { ControlPlane } from '../../control/control-plane.js'
import { describeOAuthRequest, type OAuthEndpoint, type OAuthRequestInfo } from '../../control/oauth-request.js'
import type { GrantRefused } from '../../grants/grant-refused.js'
import type { Issued } from '../../grants/types.js'
import { wellFormedBasic } from '../presented-basic.js'

/** The members of an answer the journal keeps. */
interface Answer {
  error: unknown
  errorCode: unknown
  scope: unknown
  active: unknown
}

export interface Tracking {
  endpoint: OAuthEndpoint
  startMs: number
  info?: OAuthRequestInfo
  faultId?: string
  /** Read from the answer object before serialisation (preSerialization), or from JSON text (onSend). */
  answer?: Answer | undefined
  /** An answer sent as text: parsed only when the request is journaled. */
  payload?: string
}

/** What the token route says its grant did: what it issued, or its refusal with what it found. */
export type GrantOutcome = { issued: Issued; refused?: undefined } | { issued?: undefined; refused: GrantRefused }

declare module 'fastify' {
  interface FastifyRequest {
    /** The journal's record of an OAuth request in flight; null once written. */
    mocktaTracking: Tracking | null
    /** Set by the token route (routes/token.ts); null for every other request. */
    mocktaGrant: GrantOutcome | null
  }
}

/** Answers longer than this are not read for the journal (as before: the text was kept only below it). */
const MAX_READ_PAYLOAD = 65536

export const describe = (req: FastifyRequest, tracking: Tracking): OAuthRequestInfo => describeOAuthRequest(req, tracking.endpoint, wellFormedBasic(req))

export interface JournalHooks {
  onRequest: onRequestHookHandler
  preSerialization: preSerializationHookHandler<unknown>
  onSend: onSendHookHandler<unknown>
  onResponse: onResponseHookHandler
  /** Writes the entry now (a dropped connection has no response); undefined when already written. */
  record: (req: FastifyRequest, reply: FastifyReply, status: number) => Promise<void> | undefined
}

export function journalHooks(endpoint: OAuthEndpoint, ctx: Pick<AppContext, 'clock' | 'store' | 'tokenSecret'>, control: ControlPlane): JournalHooks {
  const record = (req: FastifyRequest, reply: FastifyReply, status: number): Promise<void> | undefined => {
    const tracking = req.mocktaTracking
    if (!tracking) return undefined
    req.mocktaTracking = null
    const info = tracking.info ?? describe(req, tracking)
    const answer = tracking.answer ?? answerOfText(tracking.endpoint, tracking.payload)
    const ok = status >= 200 && status < 300 && tracking.faultId === undefined
    const grant = req.mocktaGrant
    const familyId = ok ? grant?.issued?.familyId : grant?.refused?.familyId
    const durationMs = Math.round(reply.elapsedTime * 10) / 10
    const write = (familyId: string | undefined): Promise<void> => {
      const error = answer?.error ?? answer?.errorCode
      // Member by member, not `...info`: spreading into a literal this size cost microseconds per request.
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
        dpopJkt: ok ? grant?.issued?.jkt : undefined,
      })
    }
    // A refresh request answered without its grant's word (a fault, client authentication, an unexpected
    // failure) still names the family of the token it presented, which the token itself says (under its
    // MAC, so never a family it was not issued in) once the store still knows that family.
    const refreshToken = (req.body as Record<string, unknown> | undefined)?.['refresh_token']
    const ref = grant === null && info.grantType === 'refresh_token' && typeof refreshToken === 'string' ? readRefreshToken(refreshToken, ctx.tokenSecret) : undefined
    if (ref) return ctx.store.findRefreshToken(ref).then((found) => write(found?.family.id))
    return write(familyId)
  }

  /** Writes the entry, then goes on: a shared store that is down loses the entry, never the answer (the outage shows in /health). */
  const recordThen = (req: FastifyRequest, reply: FastifyReply, next: () => void): void => {
    const pending = record(req, reply, reply.statusCode)
    if (pending === undefined) {
      next()
      return
    }
    pending.then(next, (err: Error) => {
      if (!(err instanceof StoreUnavailableError)) req.log.error({ err }, 'journal entry not written')
      next()
    })
  }

  return {
    onRequest: (req, _reply, done) => {
      req.mocktaTracking = { endpoint, startMs: ctx.clock.nowMs() }
      done()
    },
    preSerialization: (req, _reply, payload, done) => {
      const tracking = req.mocktaTracking
      if (tracking && payload !== null && typeof payload === 'object') tracking.answer = answerOf(payload as Record<string, unknown>)
      done(null, payload)
    },
    // The entry is written before the answer leaves, so a client that has its answer finds the request
    // in the journal of every replica, not only of the one that served it (docs/replicas.md, "Consistency",
    // #journal): the Redis journal writes a loop turn's entries in one call after that turn.
    onSend: (req, reply, payload, done) => {
      const tracking = req.mocktaTracking
      if (tracking && typeof payload === 'string') {
        if (payload.length >= MAX_READ_PAYLOAD) tracking.answer = undefined
        else if (tracking.answer === undefined) tracking.payload = payload
      }
      recordThen(req, reply, () => done(null, payload))
    },
    // A request whose answer was never sent (the connection closed first) is journaled here.
    onResponse: (req, reply, done) => recordThen(req, reply, () => done()),
    record,
  }
}

const answerOf = (body: Record<string, unknown>): Answer => ({
  error: body['error'] ?? idxMessageKey(body),
  errorCode: body['errorCode'],
  scope: body['scope'],
  active: body['active'],
})

type Messages = { value?: Array<{ i18n?: { key?: unknown } }> } | undefined

const firstKey = (messages: Messages): string | undefined => {
  const key = Array.isArray(messages?.value) ? messages.value[0]?.i18n?.key : undefined
  return typeof key === 'string' ? key : undefined
}

/**
 * An IDX answer's outcome for the journal: the i18n key of its first message (`idx.session.expired`,
 * `errors.E0000004`, …), else of the first field message of its first form, where Okta reports a
 * wrong code (`api.authn.error.PASSCODE_INVALID`; docs/identity-engine.md § Email code).
 */
function idxMessageKey(body: Record<string, unknown>): string | undefined {
  const top = firstKey(body['messages'] as Messages)
  if (top !== undefined) return top
  type Field = { messages?: Messages; form?: { value?: Field[] } }
  const fields = (body['remediation'] as { value?: Array<{ value?: Field[] }> } | undefined)?.value?.[0]?.value
  if (!Array.isArray(fields)) return undefined
  for (const field of fields) {
    for (const inner of [field, ...(Array.isArray(field?.form?.value) ? field.form.value : [])]) {
      const key = firstKey(inner?.messages)
      if (key !== undefined) return key
    }
  }
  return undefined
}

/**
 * An answer sent as text. The key set and the discovery documents are mockta's own, and carry none
 * of the members the journal reads (error, scope, active), so they are not parsed.
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
