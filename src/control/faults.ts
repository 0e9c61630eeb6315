/**
 * Fault rules: which OAuth requests to break and how. Rules live behind `FaultRuleStore`: in memory
 * for one process, in Redis for replicas (control/redis/fault-rules.ts, where a firing of a `times`
 * rule is taken atomically, so "fail the next 2" fails exactly 2 requests across every replica).
 */
import { badRequest, validator } from './control-error.js'
import { OAUTH_ENDPOINTS, type OAuthRequestInfo } from './oauth-request.js'

export type FaultAction =
  /** An Okta-shaped OAuth error of any status (e.g. 503 temporarily_unavailable, 500 server_error). */
  | { type: 'error'; status: number; error: string; errorDescription?: string }
  /** 429 with X-Rate-Limit-* headers and Okta's E0000047 body. */
  | { type: 'rate_limit'; limit?: number; resetSeconds?: number }
  /** The request goes through, this much later. */
  | { type: 'latency'; ms: number }
  /** The connection is closed without an answer. */
  | { type: 'drop' }
  /** A truncated JSON body with this status. */
  | { type: 'malformed'; status?: number }

export interface FaultMatch {
  endpoint?: string
  /** A custom server's id, or `org`. */
  authServer?: string
  clientId?: string
  grantType?: string
  /** An IDX call by its path under /idp/idx/ (`challenge/resend`, `recover`, …), as the journal names it. */
  remediation?: string
}

export interface FaultRuleInput {
  match?: FaultMatch
  action: FaultAction
  /** Fire for the next N matching requests, then disappear. */
  times?: number
  /** Fire with this probability (0..1) for every matching request until cleared. */
  probability?: number
  /** Stop firing this many seconds (mockta's clock) after it was added, and disappear. */
  seconds?: number
}

export interface FaultRule {
  id: string
  match: FaultMatch
  action: FaultAction
  /** Firings left; `null` = unlimited (probability rules, or neither given). */
  remaining: number | null
  probability: number
  fired: number
  /** When a rule added with `seconds` stops (mockta's clock, ISO 8601); absent otherwise. */
  endsAt?: string
}

const matchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoint: { enum: [...OAUTH_ENDPOINTS] },
    authServer: { type: 'string', minLength: 1 },
    clientId: { type: 'string', minLength: 1 },
    grantType: { type: 'string', minLength: 1 },
    remediation: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const

export const faultRuleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['action'],
  properties: {
    match: matchSchema,
    times: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    probability: { type: 'number', minimum: 0, maximum: 1 },
    seconds: { type: 'integer', minimum: 1, maximum: 86400 },
    action: {
      type: 'object',
      required: ['type'],
      discriminator: { propertyName: 'type' },
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'status', 'error'],
          properties: {
            type: { const: 'error' },
            status: { type: 'integer', minimum: 400, maximum: 599 },
            error: { type: 'string', pattern: '^[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]+$', maxLength: 128 },
            errorDescription: { type: 'string', maxLength: 1024 },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          properties: { type: { const: 'rate_limit' }, limit: { type: 'integer', minimum: 1 }, resetSeconds: { type: 'integer', minimum: 0, maximum: 86400 } },
        },
        // Latency stays below the default request timeout (limits.requestTimeoutSeconds, 10 s).
        { type: 'object', additionalProperties: false, required: ['type', 'ms'], properties: { type: { const: 'latency' }, ms: { type: 'integer', minimum: 0, maximum: 9000 } } },
        { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { const: 'drop' } } },
        { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { const: 'malformed' }, status: { type: 'integer', minimum: 200, maximum: 599 } } },
      ],
    },
  },
} as const

export const checkFaultRule = validator<FaultRuleInput>(faultRuleSchema, 'fault rule')

export interface FaultRuleStore {
  add(rule: FaultRule): Promise<void>
  list(): Promise<FaultRule[]>
  remove(id: string): Promise<boolean>
  clear(): Promise<void>
  /**
   * The rules that fire for this request, in the order added, each firing counted (a `times` rule
   * is used up atomically). `random` decides probability rules.
   */
  fire(request: OAuthRequestInfo, random: () => number): Promise<FaultRule[]>
  /** True when there are no rules, as this process last saw; requests then skip matching (docs/bench.md). */
  isEmpty(): boolean
  /** Catches up with rules changed by other replicas (called when the shared state moved). */
  refresh?(): Promise<void>
}

/**
 * The matching rules that pass their dice, in order, up to and including the first terminal one
 * (a terminal action answers the request: later rules never see it). Shared by every store; a shared
 * store that may find a rule used up by another replica asks for all of them (`untilTerminal` false).
 */
export function candidateRules(rules: readonly FaultRule[], request: OAuthRequestInfo, random: () => number, untilTerminal = true): FaultRule[] {
  const out: FaultRule[] = []
  for (const rule of rules) {
    if (!ruleMatches(rule.match, request)) continue
    if (rule.probability < 1 && random() >= rule.probability) continue
    out.push(rule)
    if (untilTerminal && rule.action.type !== 'latency') break
  }
  return out
}

/** `nowMs`: mockta's clock, from which a rule with `seconds` counts. */
export function newFaultRule(input: FaultRuleInput, id: string, nowMs = 0): FaultRule {
  if (input.times !== undefined && input.probability !== undefined) throw badRequest('invalid fault rule: give either times or probability, not both')
  return {
    id,
    match: { ...input.match },
    action: { ...input.action },
    remaining: input.times ?? null,
    probability: input.probability ?? 1,
    fired: 0,
    ...(input.seconds !== undefined && { endsAt: new Date(nowMs + input.seconds * 1000).toISOString() }),
  }
}

/** Whether a rule added with `seconds` is over at `nowMs`. */
export const ruleEnded = (rule: FaultRule, nowMs: number): boolean => rule.endsAt !== undefined && Date.parse(rule.endsAt) <= nowMs

export function ruleMatches(m: FaultMatch, r: OAuthRequestInfo): boolean {
  return (
    (m.endpoint === undefined || m.endpoint === r.endpoint) &&
    (m.authServer === undefined || m.authServer === r.authServer) &&
    (m.clientId === undefined || m.clientId === r.clientId) &&
    (m.grantType === undefined || m.grantType === r.grantType) &&
    (m.remediation === undefined || m.remediation === r.remediation)
  )
}

export const copyRule = (r: FaultRule): FaultRule => ({ ...r, match: { ...r.match }, action: { ...r.action } })

export class MemoryFaultRules implements FaultRuleStore {
  private rules: FaultRule[] = []

  async add(rule: FaultRule): Promise<void> {
    this.rules.push(copyRule(rule))
  }

  async list(): Promise<FaultRule[]> {
    return this.rules.map(copyRule)
  }

  async remove(id: string): Promise<boolean> {
    const before = this.rules.length
    this.rules = this.rules.filter((r) => r.id !== id)
    return this.rules.length !== before
  }

  async clear(): Promise<void> {
    this.rules = []
  }

  isEmpty(): boolean {
    return this.rules.length === 0
  }

  /** One synchronous section: no other request can take the same firing. */
  async fire(request: OAuthRequestInfo, random: () => number): Promise<FaultRule[]> {
    const fired = candidateRules(this.rules, request, random)
    for (const rule of fired) {
      rule.fired++
      if (rule.remaining !== null) rule.remaining--
    }
    this.rules = this.rules.filter((r) => r.remaining === null || r.remaining > 0)
    return fired.map(copyRule)
  }
}
