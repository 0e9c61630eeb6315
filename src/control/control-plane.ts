/**
 * The test control plane as one service: clock, faults, journal, minting, runtime data, keys, reset.
 * The HTTP routes (control/routes.ts) and the in-process handle (start-mockta.ts) both call it, so
 * every control is implemented once. Inputs are validated here, since JavaScript callers skip tsc.
 */
import { isAdjustable, type AdjustableClock } from '../clock.js'
import type { RawAuthServer as AuthServerInput, RawClient as ClientInput, RawUser as UserInput } from '../config/load.js'
import type { AuthServerConfig, Config } from '../config/types.js'
import { adoptStoreIdentity, type AppContext } from '../context.js'
import type { TokenResponse } from '../grants/types.js'
import { oktaId } from '../ids.js'
import { ControlError, badRequest, notFound, validator } from './control-error.js'
import { checkFaultRule, MemoryFaultRules, newFaultRule, type FaultRule, type FaultRuleInput, type FaultRuleStore } from './faults.js'
import { checkJournalQuery, RingJournal, type JournalEntry, type JournalQuery, type JournalStore } from './journal.js'
import { checkMintRequest, endFamily, endToken, familiesOf, mint, type EndedToken, type FamilySummary, type MintRequest } from './minting.js'
import type { OAuthRequestInfo } from './oauth-request.js'
import { RuntimeData, type KeyState, type PublicClient, type PublicUser } from './runtime-data.js'

export interface ClockState {
  /** mockta's time, ISO 8601. */
  now: string
  nowMs: number
  /** mockta's time minus the machine's, in seconds. */
  offsetSeconds: number
}

export interface ControlPlaneOptions {
  faults?: FaultRuleStore
  journal?: JournalStore
  /** Decides probability faults; Math.random by default. */
  random?: () => number
}

export const advanceSchema = { type: 'object', additionalProperties: false, required: ['seconds'], properties: { seconds: { type: 'number', minimum: -1e13, maximum: 1e13 } } } as const
export const setClockSchema = { type: 'object', additionalProperties: false, required: ['time'], properties: { time: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer', minimum: 0 }] } } } as const
export const tokenSchema = { type: 'object', additionalProperties: false, required: ['token'], properties: { token: { type: 'string', minLength: 1, maxLength: 16384 } } } as const
export const retireSchema = { type: 'object', additionalProperties: false, properties: { kid: { type: 'string', minLength: 1 } } } as const

const checkAdvance = validator<{ seconds: number }>(advanceSchema, 'clock advance')
const checkSet = validator<{ time: string | number }>(setClockSchema, 'clock set')
const checkToken = validator<{ token: string }>(tokenSchema, 'token request')
const checkRetire = validator<{ kid?: string }>(retireSchema, 'retire request')

/** Largest time a JavaScript Date can hold (ECMA-262 §21.4.1.22). */
const MAX_DATE_MS = 8.64e15

export class ControlPlane {
  private readonly faultRules: FaultRuleStore
  private readonly entries: JournalStore
  private readonly random: () => number
  private readonly runtime: RuntimeData
  private readonly adjustable: AdjustableClock | undefined

  constructor(
    private readonly ctx: AppContext,
    loaded: Config,
    options: ControlPlaneOptions = {},
  ) {
    this.faultRules = options.faults ?? new MemoryFaultRules()
    this.entries = options.journal ?? new RingJournal(loaded.control.journalSize)
    this.random = options.random ?? Math.random
    this.runtime = new RuntimeData(loaded, ctx)
    this.adjustable = isAdjustable(ctx.clock) ? ctx.clock : undefined
  }

  private clockState(): ClockState {
    const nowMs = this.ctx.clock.nowMs()
    // The offset is against the machine's time by definition, so this is the one place that reads it.
    return { now: new Date(nowMs).toISOString(), nowMs, offsetSeconds: Math.round((nowMs - Date.now()) / 1000) }
  }

  private adjustableClock(): AdjustableClock {
    if (!this.adjustable) throw new ControlError(409, 'this mockta was built with a clock that cannot be moved')
    return this.adjustable
  }

  readonly clock = {
    now: (): ClockState => this.clockState(),
    advance: (input: { seconds: number }): ClockState => {
      const { seconds } = checkAdvance(input)
      const target = this.ctx.clock.nowMs() + seconds * 1000
      if (target < 0 || target > MAX_DATE_MS) throw badRequest('invalid clock advance: the result is outside the representable dates')
      this.adjustableClock().advance(seconds)
      return this.clockState()
    },
    set: (input: { time: string | number }): ClockState => {
      const { time } = checkSet(input)
      const ms = typeof time === 'number' ? time : Date.parse(time)
      if (!Number.isFinite(ms) || ms > MAX_DATE_MS) throw badRequest(`invalid clock set: ${JSON.stringify(time)} is not an ISO 8601 time or epoch milliseconds`)
      this.adjustableClock().set(ms)
      return this.clockState()
    },
    reset: (): ClockState => {
      this.adjustableClock().reset()
      return this.clockState()
    },
  }

  readonly faults = {
    add: (input: FaultRuleInput): FaultRule => {
      const rule = newFaultRule(checkFaultRule(input), oktaId('flt'))
      this.faultRules.add(rule)
      return { ...rule }
    },
    list: (): FaultRule[] => this.faultRules.list(),
    remove: (id: string): void => {
      if (!this.faultRules.remove(id)) throw notFound(`no fault rule ${id}`)
    },
    clear: (): void => this.faultRules.clear(),
  }

  /** False only when the rule store says it is empty: the request hooks then skip describing and matching. */
  hasFaultRules(): boolean {
    return this.faultRules.isEmpty?.() !== true
  }

  /** The rules that fire for an OAuth request (used by the request hooks). */
  fireFaults(request: OAuthRequestInfo): FaultRule[] {
    return this.faultRules.fire(request, this.random)
  }

  readonly journal = {
    list: (query: JournalQuery = {}): JournalEntry[] => {
      const q = checkJournalQuery(query)
      if (typeof q.since === 'string' && !Number.isFinite(Date.parse(q.since))) throw badRequest(`invalid journal query: since ${JSON.stringify(q.since)} is not an ISO 8601 time`)
      return this.entries.query(q)
    },
    clear: (): void => this.entries.clear(),
  }

  /** Adds a journal entry (used by the request hooks). */
  record(entry: Omit<JournalEntry, 'seq'>): void {
    this.entries.append(entry)
  }

  /** An Okta token response for a client and user, without a sign-in. */
  mint(input: MintRequest): Promise<TokenResponse> {
    return mint(this.ctx, checkMintRequest(input))
  }

  readonly tokens = {
    revoke: (input: { token: string }): Promise<EndedToken> => endToken(this.ctx, checkToken(input).token, 'revoke'),
    expire: (input: { token: string }): Promise<EndedToken> => endToken(this.ctx, checkToken(input).token, 'expire'),
  }

  readonly families = {
    /** A user's families (by login or id), live and ended. */
    list: (user: string): Promise<FamilySummary[]> => familiesOf(this.ctx, user),
    revoke: (id: string): Promise<FamilySummary> => endFamily(this.ctx, id, 'revoke'),
    expire: (id: string): Promise<FamilySummary> => endFamily(this.ctx, id, 'expire'),
  }

  readonly users = {
    list: (): PublicUser[] => this.runtime.users(),
    put: (user: UserInput): PublicUser => this.runtime.upsertUser(user),
    remove: (loginOrId: string): void => this.runtime.removeUser(loginOrId),
  }

  readonly clients = {
    list: (): PublicClient[] => this.runtime.clients(),
    put: (client: ClientInput): PublicClient => this.runtime.upsertClient(client),
    remove: (id: string): void => this.runtime.removeClient(id),
  }

  readonly authServers = {
    list: (): AuthServerConfig[] => this.runtime.authServers(),
    put: (server: AuthServerInput): AuthServerConfig => this.runtime.upsertAuthServer(server),
    remove: (id: string): void => this.runtime.removeAuthServer(id),
  }

  readonly keys = {
    get: (authServer: string): KeyState => this.runtime.keyState(authServer),
    publishNext: (authServer: string): Promise<KeyState> => this.runtime.publishNextKey(authServer),
    promote: (authServer: string): KeyState => this.runtime.promoteKey(authServer),
    retire: (authServer: string, input: { kid?: string } = {}): KeyState => this.runtime.retireKeys(authServer, checkRetire(input).kid),
  }

  /**
   * Back to the loaded configuration: clock, faults, journal, store, runtime data and keys. Tokens
   * issued before are forgotten, as after a restart (context.ts `epochSeconds`).
   */
  async reset(): Promise<void> {
    this.adjustable?.reset()
    this.faultRules.clear()
    this.entries.clear()
    this.runtime.reset()
    // Clearing the store forgets its identity too: a new epoch, so the old tokens are from an earlier memory.
    await this.ctx.store.clear()
    await adoptStoreIdentity(this.ctx)
  }
}
