/**
 * Faults on the OAuth endpoints, decided in `preHandler`: after the form is parsed, before client
 * authentication and the grant, so a fired fault changes no state. A terminal rule answers instead
 * of mockta (the answers below); latency rules only delay.
 */
import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify'
import type { AppContext } from '../../context.js'
import { oktaErrors, type OktaErrorCode } from '../../errors/okta-errors.js'
import type { ControlPlane } from '../../control/control-plane.js'
import type { FaultAction, FaultRule } from '../../control/faults.js'
import { describe, type JournalHooks, type Tracking } from './journal.js'

/** Okta's rate-limit answer (docs/okta-behaviour.md § 10): E0000047 body and X-Rate-Limit-* headers. */
const RATE_LIMIT_SUMMARY = 'API call exceeded rate limit due to too many requests.'

export function faultsHook(ctx: Pick<AppContext, 'clock' | 'ids'>, control: ControlPlane, journal: JournalHooks): preHandlerHookHandler {
  return (req, reply, done) => {
    const tracking = req.mocktaTracking
    // No rules, nothing to match: the request is described once, for the journal, after the answer.
    if (!tracking || !control.hasFaultRules()) return done()
    const info = describe(req, tracking)
    tracking.info = info
    control
      .fireFaults(info)
      .then((fired) => (fired.length === 0 ? false : applyFaults(fired, tracking, req, reply, ctx, () => journal.record(req, reply, 0))))
      .then(
        (answered) => {
          if (!answered) done()
        },
        (err: Error) => done(err),
      )
  }
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
  ctx: Pick<AppContext, 'clock' | 'ids'>,
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

async function answerWithFault(
  action: FaultAction,
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: Pick<AppContext, 'clock' | 'ids'>,
  recordDrop: () => Promise<void> | undefined,
): Promise<void> {
  switch (action.type) {
    case 'error':
      reply
        .code(action.status)
        .type('application/json')
        .send({ error: action.error, error_description: action.errorDescription ?? defaultDescription(action.error) })
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
      reply
        .code(action.status ?? 200)
        .type('application/json')
        .send('{"token_type":"Bearer","access_token":"')
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
