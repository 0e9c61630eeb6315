/**
 * Fault rules: which OAuth requests to break and how. Rules live behind `FaultRuleStore` so replicas
 * could share them later (TODO(redis): a Redis implementation with an atomic "take one firing").
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
}

export interface FaultRuleInput {
  match?: FaultMatch
  action: FaultAction
  /** Fire for the next N matching requests, then disappear. */
  times?: number
  /** Fire with this probability (0..1) for every matching request until cleared. */
  probability?: number
}

export interface FaultRule {
  id: string
  match: FaultMatch
  action: FaultAction
  /** Firings left; `null` = unlimited (probability rules, or neither given). */
  remaining: number | null
  probability: number
  fired: number
}

const matchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoint: { enum: [...OAUTH_ENDPOINTS] },
    authServer: { type: 'string', minLength: 1 },
    clientId: { type: 'string', minLength: 1 },
    grantType: { type: 'string', minLength: 1 },
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
    action: {
      type: 'object',
      required: ['type'],
      discriminator: { propertyName: 'type' },
      oneOf: [
        {
          type: 'object', additionalProperties: false, required: ['type', 'status', 'error'],
          properties: {
            type: { const: 'error' }, status: { type: 'integer', minimum: 400, maximum: 599 },
            error: { type: 'string', pattern: '^[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]+$', maxLength: 128 },
            errorDescription: { type: 'string', maxLength: 1024 },
          },
        },
        {
          type: 'object', additionalProperties: false, required: ['type'],
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
  add(rule: FaultRule): void
  list(): FaultRule[]
  remove(id: string): boolean
  clear(): void
  /**
   * The rules that fire for this request, in the order added, each firing counted (a `times` rule
   * is used up atomically). `random` decides probability rules.
   */
  fire(request: OAuthRequestInfo, random: () => number): FaultRule[]
  /** True when there are no rules; a store that can tell cheaply lets requests skip matching (issue 7). */
  isEmpty?(): boolean
}

export function newFaultRule(input: FaultRuleInput, id: string): FaultRule {
  if (input.times !== undefined && input.probability !== undefined) throw badRequest('invalid fault rule: give either times or probability, not both')
  return {
    id,
    match: { ...input.match },
    action: { ...input.action },
    remaining: input.times ?? null,
    probability: input.probability ?? 1,
    fired: 0,
  }
}

export function ruleMatches(m: FaultMatch, r: OAuthRequestInfo): boolean {
  return (
    (m.endpoint === undefined || m.endpoint === r.endpoint) &&
    (m.authServer === undefined || m.authServer === r.authServer) &&
    (m.clientId === undefined || m.clientId === r.clientId) &&
    (m.grantType === undefined || m.grantType === r.grantType)
  )
}

export class MemoryFaultRules implements FaultRuleStore {
  private rules: FaultRule[] = []

  add(rule: FaultRule): void {
    this.rules.push(rule)
  }
  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r, match: { ...r.match }, action: { ...r.action } }))
  }
  remove(id: string): boolean {
    const before = this.rules.length
    this.rules = this.rules.filter((r) => r.id !== id)
    return this.rules.length !== before
  }
  clear(): void {
    this.rules = []
  }
  isEmpty(): boolean {
    return this.rules.length === 0
  }
  fire(request: OAuthRequestInfo, random: () => number): FaultRule[] {
    const fired: FaultRule[] = []
    for (const rule of this.rules) {
      if (!ruleMatches(rule.match, request)) continue
      if (rule.probability < 1 && random() >= rule.probability) continue
      rule.fired++
      if (rule.remaining !== null) rule.remaining--
      fired.push({ ...rule })
      // A terminal action answers the request: later rules never see it.
      if (rule.action.type !== 'latency') break
    }
    this.rules = this.rules.filter((r) => r.remaining === null || r.remaining > 0)
    return fired
  }
}
