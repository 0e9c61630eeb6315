/**
 * Fault rules shared by replicas: `{prefix}control:faults` holds each rule (JSON, by id) and
 * `{prefix}control:fault-counts` its firings left and fired. Which rules match a request is decided
 * here from the rules as of this request's sync (candidateRules, as in memory); taking the firings
 * is one Lua script, so a `times: N` rule fires exactly N times across every replica, and a rule used
 * up is removed in the same step. These keys are this module's alone: the control plane then touches
 * the shared state (control/shared-state.ts), so the other replicas stop matching a rule used up.
 */
import type { Redis, Result } from 'ioredis'
import { unavailableOnFailure } from '../../store/redis/connection.js'
import { candidateRules, copyRule, type FaultRule, type FaultRuleStore } from '../faults.js'
import type { OAuthRequestInfo } from '../oauth-request.js'

/**
 * KEYS: rules hash, counts hash. ARGV, per candidate, in order: id, '1' if its action is terminal.
 * Returns id, remaining ('' = unlimited), fired for every rule that fired; stops after the first
 * terminal one that fired.
 */
const TAKE_FIRINGS = `
local out = {}
for i = 1, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('HEXISTS', KEYS[1], id) == 1 then
    local left = redis.call('HGET', KEYS[2], id .. '|remaining')
    local remaining = ''
    local takes = true
    if left then
      remaining = tonumber(left) - 1
      if remaining < 0 then takes = false end
    end
    if takes then
      local fired = redis.call('HINCRBY', KEYS[2], id .. '|fired', 1)
      if remaining == 0 then
        redis.call('HDEL', KEYS[1], id)
        redis.call('HDEL', KEYS[2], id .. '|remaining', id .. '|fired')
      elseif remaining ~= '' then
        redis.call('HSET', KEYS[2], id .. '|remaining', remaining)
      end
      table.insert(out, id)
      table.insert(out, tostring(remaining))
      table.insert(out, tostring(fired))
      if ARGV[i + 1] == '1' then break end
    end
  end
end
return out
`

declare module 'ioredis' {
  interface RedisCommander<Context> {
    mocktaTakeFirings(rules: string, counts: string, ...args: string[]): Result<string[], Context>
  }
}

/** A rule as stored: everything but its counts, with the order it was added in. */
interface StoredRule {
  seq: number
  rule: Omit<FaultRule, 'remaining' | 'fired'>
}

export class RedisFaultRules implements FaultRuleStore {
  /** The rules as of the last refresh, in the order added (firing counts are Redis'). */
  private rules: FaultRule[] = []
  private readonly keys: { rules: string; counts: string; seq: string }

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
  ) {
    const at = `${keyPrefix}control:`
    this.keys = { rules: `${at}faults`, counts: `${at}fault-counts`, seq: `${at}fault-seq` }
    if (!redis.mocktaTakeFirings) redis.defineCommand('mocktaTakeFirings', { numberOfKeys: 2, lua: TAKE_FIRINGS })
  }

  async add(rule: FaultRule): Promise<void> {
    const seq = await unavailableOnFailure(this.redis.incr(this.keys.seq))
    const { remaining, fired: _, ...rest } = rule
    const stored: StoredRule = { seq, rule: rest }
    const write = this.redis.multi().hset(this.keys.rules, rule.id, JSON.stringify(stored))
    if (remaining !== null) write.hset(this.keys.counts, `${rule.id}|remaining`, remaining)
    await unavailableOnFailure(write.exec())
    this.rules.push(copyRule(rule))
  }

  async list(): Promise<FaultRule[]> {
    await this.refresh()
    return this.rules.map(copyRule)
  }

  async remove(id: string): Promise<boolean> {
    const [[, removed] = []] = (await unavailableOnFailure(this.redis.multi().hdel(this.keys.rules, id).hdel(this.keys.counts, `${id}|remaining`, `${id}|fired`).exec())) ?? []
    this.rules = this.rules.filter((r) => r.id !== id)
    return removed === 1
  }

  async clear(): Promise<void> {
    await unavailableOnFailure(this.redis.del(this.keys.rules, this.keys.counts))
    this.rules = []
  }

  isEmpty(): boolean {
    return this.rules.length === 0
  }

  async refresh(): Promise<void> {
    const [[, stored] = [], [, counts] = []] = ((await unavailableOnFailure(this.redis.multi().hgetall(this.keys.rules).hgetall(this.keys.counts).exec())) ?? []) as Array<
      [Error | null, Record<string, string>]
    >
    this.rules = Object.values(stored ?? {})
      .map((text) => JSON.parse(text) as StoredRule)
      .sort((a, b) => a.seq - b.seq)
      .map(({ rule }) => {
        const remaining = counts?.[`${rule.id}|remaining`]
        return { ...rule, remaining: remaining === undefined ? null : Number(remaining), fired: Number(counts?.[`${rule.id}|fired`] ?? 0) }
      })
  }

  async fire(request: OAuthRequestInfo, random: () => number): Promise<FaultRule[]> {
    const candidates = candidateRules(this.rules, request, random, false)
    if (candidates.length === 0) return []
    const args = candidates.flatMap((r) => [r.id, r.action.type === 'latency' ? '0' : '1'])
    const taken = await unavailableOnFailure(this.redis.mocktaTakeFirings(this.keys.rules, this.keys.counts, ...args))
    const fired: FaultRule[] = []
    for (let i = 0; i < taken.length; i += 3) {
      const rule = candidates.find((r) => r.id === taken[i])
      if (!rule) continue
      const remaining = taken[i + 1] === '' ? null : Number(taken[i + 1])
      fired.push({ ...copyRule(rule), remaining, fired: Number(taken[i + 2]) })
      if (remaining === 0) this.rules = this.rules.filter((r) => r.id !== rule.id)
    }
    return fired
  }
}
