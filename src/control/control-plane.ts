/**
 * The test control plane as one service: clock, faults, journal, minting, runtime data, keys, reset.
 * The HTTP routes (routes/control/routes.ts) and the in-process handle (start-mockta.ts) both call it, so
 * every control is implemented once. Inputs are validated here, since JavaScript callers skip tsc.
 */
import { checkDeviceApproval, decideDevice, type DeviceApproval, type DeviceDecided } from './device-control.js'
import { isAdjustable, type AdjustableClock } from '../clock.js'
import type { RawAuthServer as AuthServerInput, RawClient as ClientInput, RawUser as UserInput } from '../config/load.js'
import type { AuthServerConfig, Config } from '../config/types.js'
import { adoptStoreIdentity, type AppContext, type Directory } from '../context.js'
import type { TokenResponse } from '../grants/types.js'
import { oktaId } from '../ids.js'
import { ControlError, badRequest, notFound, validator } from './control-error.js'
import { checkFaultRule, MemoryFaultRules, newFaultRule, ruleEnded, type FaultRule, type FaultRuleInput, type FaultRuleStore } from './faults.js'
import { checkJournalQuery, RingJournal, type JournalEntry, type JournalQuery, type JournalStore } from './journal.js'
import { checkMintRequest, endFamily, endToken, familiesOf, mint, type EndedToken, type FamilySummary, type MintRequest } from './minting.js'
import { ORG_SERVER, type OAuthRequestInfo } from './oauth-request.js'
import { lockoutOf, unlock, type LockoutState } from './lockout.js'
import { totpCodeOf, type TotpCode } from './totp-code.js'
import { readOutbox, type OutboxEntry } from './outbox.js'
import { accessTokenScope, checkExpireAccessTokens, endAccessTokens, endSessions, sessionsOf, type AccessTokenExpiry, type SessionSummary } from './sessions.js'
import { systemLogEvent } from './system-log.js'
import { inspectToken, type TokenInspection } from './token-inspection.js'
import { serverNonce } from '../oauth/dpop.js'
import type { AuthServer } from '../registry/auth-servers.js'
import { RuntimeData, type KeyState, type PublicClient, type PublicFactor, type PublicUser } from './runtime-data.js'
import { MemorySharedState, type SharedControlState, type SharedState } from './shared-state.js'
import { StateDataError, stateValidator, type StateSection } from '../store/state-file.js'

export interface ClockState {
  /** mockta's time, ISO 8601. */
  now: string
  nowMs: number
  /** mockta's time minus the machine's, in seconds. */
  offsetSeconds: number
}

export interface DpopNonceState {
  authServer: string
  /** The nonce the server hands out now; the previous ones stay accepted for three days (docs/dpop.md § 2.2). */
  nonce: string
  /** Rotations by hand so far (every server rotates together). */
  rotations: number
}

export interface ControlPlaneOptions {
  faults?: FaultRuleStore
  journal?: JournalStore
  /** Clock offset and runtime data; shared by replicas when in Redis (control/redis/). */
  shared?: SharedControlState
  /** Decides probability faults; Math.random by default. */
  random?: () => number
}

export const advanceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['seconds'],
  properties: { seconds: { type: 'number', minimum: -1e13, maximum: 1e13 } },
} as const
export const setClockSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['time'],
  properties: {
    time: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'integer', minimum: 0 },
      ],
    },
  },
} as const
export const tokenSchema = { type: 'object', additionalProperties: false, required: ['token'], properties: { token: { type: 'string', minLength: 1, maxLength: 16384 } } } as const
export const retireSchema = { type: 'object', additionalProperties: false, properties: { kid: { type: 'string', minLength: 1 } } } as const

const checkAdvance = validator<{ seconds: number }>(advanceSchema, 'clock advance')
const checkSet = validator<{ time: string | number }>(setClockSchema, 'clock set')
const checkToken = validator<{ token: string }>(tokenSchema, 'token request')
const checkRetire = validator<{ kid?: string }>(retireSchema, 'retire request')

/**
 * A saved control section: its shape is checked here, its runtime data by building the registries
 * from it (the same checks as a runtime change).
 */
const checkSavedControl = stateValidator<SharedState>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['clockOffsetMs', 'runtime'],
    properties: {
      clockOffsetMs: { type: 'integer' },
      runtime: {
        type: ['object', 'null'],
        required: ['authorizationServers', 'org', 'clients', 'users', 'keys', 'nextKeys'],
        properties: {
          authorizationServers: { type: 'array', items: { type: 'object' } },
          org: { type: 'object' },
          clients: { type: 'array', items: { type: 'object' } },
          users: { type: 'array', items: { type: 'object' } },
          keys: { type: 'array', minItems: 1, items: { type: 'object', required: ['kid'] } },
          nextKeys: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  },
  'control',
)

/** Largest time a JavaScript Date can hold (ECMA-262 §21.4.1.22). */
const MAX_DATE_MS = 8.64e15

export class ControlPlane {
  private readonly faultRules: FaultRuleStore
  private readonly entries: JournalStore
  private readonly shared: SharedControlState
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
    this.shared = options.shared ?? new MemorySharedState()
    this.random = options.random ?? Math.random
    this.runtime = new RuntimeData(loaded, ctx, (decide) =>
      this.shared.change(
        () => ({ runtime: decide() }),
        () => this.sync(),
        'changing the runtime data',
      ),
    )
    this.adjustable = isAdjustable(ctx.clock) ? ctx.clock : undefined
  }

  /**
   * What sign-in flows change in the users (registration, recovery, an expired password): the runtime
   * data, as a control call would change it, for every replica.
   */
  readonly directory: Directory = {
    create: (user) => this.changing(() => this.runtime.addUser(user)),
    setPassword: (userId, password) => this.changing(() => this.runtime.setPassword(userId, password)),
  }

  /** Whether replicas share this control plane's state (then every request syncs first). */
  get replicated(): boolean {
    return this.shared.replicated
  }

  /** Replicas: whether this process has caught up with every change announced to it, so a request need not sync. */
  get upToDate(): boolean {
    return this.shared.upToDate === true
  }

  /** Replicas: catch up when another process announces a change (docs/replicas.md, "Consistency"). */
  listen(): void {
    this.shared.listen?.(() => this.sync())
  }

  async close(): Promise<void> {
    await this.shared.close?.()
  }

  /**
   * Catches up with what other replicas changed (clock, runtime data, fault rules, a reset): called
   * before every request on a shared store, and by every control call. Free for a single process.
   */
  async sync(): Promise<void> {
    if (!(await this.shared.refresh(() => this.applyShared()))) return
    await this.faultRules.refresh?.()
    // A reset elsewhere, or a store that lost its memory, comes with a new identity.
    await adoptStoreIdentity(this.ctx)
  }

  /** Puts the shared state into effect in this process (the runtime data first: it is what can fail). */
  private applyShared(): void {
    const { clockOffsetMs, runtime } = this.shared.current
    this.runtime.adopt(runtime)
    if (this.adjustable) this.adjustable.offsetMs = clockOffsetMs
  }

  /**
   * The control plane's part of a state file (a single node's memory, store/state-file.ts): the clock
   * offset and the runtime data, keys included, so tokens signed with a rotated key still verify after
   * a restart. Fault rules and the journal belong to a test session and are not kept.
   */
  stateSection(): StateSection {
    const shared = this.shared
    if (!(shared instanceof MemorySharedState)) throw new Error('a state file keeps the memory store; a Redis store keeps the control state itself')
    return {
      name: 'control',
      snapshot: (): SharedState => shared.current,
      restore: (data) => {
        const saved = checkSavedControl(data)
        const previous = shared.current
        shared.current = { clockOffsetMs: saved.clockOffsetMs, runtime: saved.runtime }
        try {
          this.applyShared()
        } catch (err) {
          shared.current = previous
          throw new StateDataError(`control/runtime cannot be applied: ${(err as Error).message}`)
        }
      },
    }
  }

  private clockState(): ClockState {
    const nowMs = this.ctx.clock.nowMs()
    // The offset is against the machine's time by definition, so this is the one place that reads it.
    return { now: new Date(nowMs).toISOString(), nowMs, offsetSeconds: Math.round((nowMs - Date.now()) / 1000) }
  }

  /**
   * Moves the clock for every replica: the new offset is decided from the latest shared one and
   * written through the shared state's `change`, so two replicas advancing at once both count.
   */
  private async moveClock(what: string, target: (nowMs: number, offsetMs: number) => number): Promise<ClockState> {
    const clock = this.adjustable
    if (!clock) throw new ControlError(409, 'this mockta was built with a clock that cannot be moved')
    const replicated = this.shared.replicated
    let offsetMs = clock.offsetMs
    const decide = () => {
      // Replicas decide from the shared offset, not this process's clock: another replica's move may
      // have been announced but not yet applied here (docs/replicas.md, "Consistency").
      const base = replicated ? this.shared.current.clockOffsetMs : clock.offsetMs
      const nowMs = clock.nowMs() - clock.offsetMs + base
      const ms = target(nowMs, base)
      if (!Number.isFinite(ms) || ms < 0 || ms > MAX_DATE_MS) throw badRequest(`invalid ${what}: the result is outside the representable dates`)
      // Whole milliseconds: the offset is shared as an integer.
      offsetMs = Math.round(base + ms - nowMs)
      return { clockOffsetMs: offsetMs }
    }
    await this.shared.change(decide, () => this.sync(), 'moving the clock')
    // While this write waited for the other replicas' acknowledgements, a later move by one of them
    // may already be in effect here: keep the newest shared offset rather than put this one back.
    clock.offsetMs = replicated ? this.shared.current.clockOffsetMs : offsetMs
    return this.clockState()
  }

  readonly clock = {
    now: async (): Promise<ClockState> => {
      await this.sync()
      return this.clockState()
    },
    advance: async (input: { seconds: number }): Promise<ClockState> => {
      const { seconds } = checkAdvance(input)
      return this.changing(() => this.moveClock('clock advance', (now) => now + seconds * 1000))
    },
    set: async (input: { time: string | number }): Promise<ClockState> => {
      const { time } = checkSet(input)
      const ms = typeof time === 'number' ? time : Date.parse(time)
      if (!Number.isFinite(ms) || ms > MAX_DATE_MS) throw badRequest(`invalid clock set: ${JSON.stringify(time)} is not an ISO 8601 time or epoch milliseconds`)
      return this.changing(() => this.moveClock('clock set', () => ms))
    },
    reset: (): Promise<ClockState> => this.changing(() => this.moveClock('clock reset', (now, offsetMs) => now - offsetMs)),
  }

  readonly faults = {
    add: async (input: FaultRuleInput): Promise<FaultRule> => {
      const rule = newFaultRule(checkFaultRule(input), oktaId('flt'), this.ctx.clock.nowMs())
      if (rule.endsAt !== undefined) this.timedFaults = true
      await this.faultRules.add(rule)
      await this.shared.touch()
      return { ...rule }
    },
    list: async (): Promise<FaultRule[]> => {
      await this.sync()
      await this.dropEndedFaults(true)
      return this.faultRules.list()
    },
    remove: async (id: string): Promise<void> => {
      if (!(await this.faultRules.remove(id))) throw notFound(`no fault rule ${id}`)
      await this.shared.touch()
    },
    clear: async (): Promise<void> => {
      await this.faultRules.clear()
      await this.shared.touch()
    },
  }

  /** False when there are no rules (as of the last sync): the request hooks then skip describing and matching. */
  hasFaultRules(): boolean {
    return !this.faultRules.isEmpty()
  }

  /**
   * The rules that fire for an OAuth request (used by the request hooks). A rule used up is gone from
   * the fault rules' own keys; the touch makes the other replicas stop matching it.
   */
  async fireFaults(request: OAuthRequestInfo): Promise<FaultRule[]> {
    if (this.timedFaults) await this.dropEndedFaults(false)
    const fired = await this.faultRules.fire(request, this.random)
    if (fired.some((rule) => rule.remaining === 0)) await this.shared.touch()
    return fired
  }

  /** Whether a rule with `seconds` may be in force (seen added or listed here): only then are rules checked for their end. */
  private timedFaults = false

  /** Removes the rules whose `seconds` are over by mockta's clock. */
  private async dropEndedFaults(listing: boolean): Promise<void> {
    if (!listing && !this.timedFaults) return
    const rules = await this.faultRules.list()
    const nowMs = this.ctx.clock.nowMs()
    for (const rule of rules) if (ruleEnded(rule, nowMs)) await this.faultRules.remove(rule.id)
    this.timedFaults = rules.some((r) => r.endsAt !== undefined && !ruleEnded(r, nowMs))
  }

  readonly journal = {
    list: async (query: JournalQuery = {}): Promise<JournalEntry[]> => {
      const q = checkJournalQuery(query)
      if (typeof q.since === 'string' && !Number.isFinite(Date.parse(q.since))) throw badRequest(`invalid journal query: since ${JSON.stringify(q.since)} is not an ISO 8601 time`)
      return this.entries.query(q)
    },
    clear: (): Promise<void> => this.entries.clear(),
    /** Newest first, each with its Okta System Log event type: the dashboard's request log. */
    events: async (query: JournalQuery = {}): Promise<Array<JournalEntry & { eventType: string | undefined }>> => {
      const entries = await this.journal.list(query)
      return entries.reverse().map((e) => ({ ...e, eventType: systemLogEvent(e) }))
    },
  }

  /** Adds a journal entry (used by the request hooks). */
  record(entry: Omit<JournalEntry, 'seq'>): Promise<void> {
    return this.entries.append(entry)
  }

  /** An Okta token response for a client and user, without a sign-in. */
  async mint(input: MintRequest): Promise<TokenResponse> {
    const request = checkMintRequest(input)
    await this.sync()
    return mint(this.ctx, request)
  }

  readonly tokens = {
    /** Header, claims, signing key and status by mockta's clock, without client authentication. */
    inspect: async (input: { token: string }): Promise<TokenInspection> => this.afterSync(() => inspectToken(this.ctx, checkToken(input).token)),
    revoke: async (input: { token: string }): Promise<EndedToken> => this.afterSync(() => endToken(this.ctx, checkToken(input).token, 'revoke')),
    expire: async (input: { token: string }): Promise<EndedToken> => this.afterSync(() => endToken(this.ctx, checkToken(input).token, 'expire')),
  }

  readonly families = {
    /** A user's families (by login or id), live and ended. */
    list: (user: string): Promise<FamilySummary[]> => this.afterSync(() => familiesOf(this.ctx, user)),
    revoke: (id: string): Promise<FamilySummary> => this.afterSync(() => endFamily(this.ctx, id, 'revoke')),
    expire: (id: string): Promise<FamilySummary> => this.afterSync(() => endFamily(this.ctx, id, 'expire')),
  }

  /** A device's user code, approved as a user or denied, without the activation page. */
  readonly devices = {
    approve: (userCode: string, input: DeviceApproval): Promise<DeviceDecided> => {
      const approval = checkDeviceApproval(input)
      return this.afterSync(() => decideDevice(this.ctx, userCode, approval))
    },
    deny: (userCode: string): Promise<DeviceDecided> => this.afterSync(() => decideDevice(this.ctx, userCode, 'deny')),
  }

  readonly sessions = {
    /** A user's live browser sessions (login or id). */
    list: (user: string): Promise<SessionSummary[]> => this.afterSync(() => sessionsOf(this.ctx, user)),
    /** Signs a browser out: one session (`id` as listed), or all of the user's. */
    end: (user: string, id?: string): Promise<SessionSummary[]> => this.afterSync(() => endSessions(this.ctx, user, id)),
  }

  readonly lockouts = {
    /** A user's wrong passwords in a row and whether they are locked out (login or id). */
    get: (user: string): Promise<LockoutState> => this.afterSync(() => lockoutOf(this.ctx, user)),
    /** Clears the count: the user signs in again (the Authentication API and the Identity Engine alike). */
    unlock: (user: string): Promise<LockoutState> => this.afterSync(() => unlock(this.ctx, user)),
  }

  /** The code a user's TOTP factor shows now (login or id), on mockta's clock. */
  readonly totp = {
    get: (user: string): Promise<TotpCode> => this.afterSync(() => totpCodeOf(this.ctx, user)),
  }

  /** What mockta "sent by email", newest first; `to` keeps one address (docs/identity-engine.md § outbox). */
  outbox(query: { to?: string; limit?: number } = {}): Promise<OutboxEntry[]> {
    return this.afterSync(() => readOutbox(this.ctx, query))
  }

  readonly accessTokens = {
    /**
     * Ends every access token of a client, a user or (neither) everyone issued until now; refresh tokens
     * keep working, so an app's renewal can be tested. `iat` has one-second resolution, so the clock is
     * then moved to the next whole second: tokens issued after this call are told apart from those before.
     */
    expire: async (input: { clientId?: string; user?: string } = {}): Promise<AccessTokenExpiry & { clock: ClockState }> => {
      const checked = checkExpireAccessTokens(input)
      await this.sync()
      const scope = accessTokenScope(this.ctx, checked)
      const ended = await endAccessTokens(this.ctx, scope, this.ctx.clock.nowMs())
      const clock = this.adjustable ? await this.changing(() => this.moveClock('access-token expiry', (now) => Math.max(now, Date.parse(ended.endedBefore)))) : this.clockState()
      return { ...ended, clock }
    },
  }

  readonly users = {
    list: (): Promise<PublicUser[]> => this.afterSync(() => this.runtime.users()),
    /** Adds or replaces a user; `at` (a login or id) names the one to replace, as PUT /users/{user}. The password may be left out to keep it. */
    put: (
      user: Omit<UserInput, 'password' | 'factors'> & { password?: string; factors?: Array<NonNullable<UserInput['factors']>[number] | PublicFactor> },
      at?: string,
    ): Promise<PublicUser> => this.changing(() => this.runtime.upsertUser(user, at)),
    remove: (loginOrId: string): Promise<void> => this.changing(() => this.runtime.removeUser(loginOrId)),
  }

  readonly clients = {
    list: (): Promise<PublicClient[]> => this.afterSync(() => this.runtime.clients()),
    /** Adds or replaces a client (`at`: its id, as PUT /clients/{id}). A listed client may be written back: a left-out secret is kept, `confidential` ignored. */
    put: (client: ClientInput & { confidential?: boolean }, at?: string): Promise<PublicClient> => this.changing(() => this.runtime.upsertClient(client, at)),
    remove: (id: string): Promise<void> => this.changing(() => this.runtime.removeClient(id)),
  }

  readonly authServers = {
    list: (): Promise<AuthServerConfig[]> => this.afterSync(() => this.runtime.authServers()),
    put: (server: AuthServerInput, at?: string): Promise<AuthServerConfig> => this.changing(() => this.runtime.upsertAuthServer(server, at)),
    remove: (id: string): Promise<void> => this.changing(() => this.runtime.removeAuthServer(id)),
  }

  /** Every authorization server, the org's first when enabled: issuer, discovery document and scopes. */
  async issuers(): Promise<Array<{ authServer: string; name: string; issuer: string; discovery: string; scopes: string[] }>> {
    await this.sync()
    const describe = (authServer: string, name: string) => {
      const server = this.ctx.servers.resolve(authServer === ORG_SERVER ? undefined : authServer)
      return { authServer, name, issuer: server.issuer, discovery: `${server.issuer}/.well-known/openid-configuration`, scopes: [...server.scopes] }
    }
    const custom = this.runtime.authServers().map((a) => describe(a.id, a.name))
    return this.ctx.config.org.enabled ? [describe(ORG_SERVER, 'Org authorization server'), ...custom] : custom
  }

  readonly keys = {
    get: (authServer: string): Promise<KeyState> => this.afterSync(() => this.runtime.keyState(authServer)),
    publishNext: (authServer: string): Promise<KeyState> => this.changing(() => this.runtime.publishNextKey(authServer)),
    promote: (authServer: string): Promise<KeyState> => this.changing(() => this.runtime.promoteKey(authServer)),
    retire: (authServer: string, input: { kid?: string } = {}): Promise<KeyState> => {
      const { kid } = checkRetire(input)
      return this.changing(() => this.runtime.retireKeys(authServer, kid))
    },
  }

  /** The DPoP nonces (RFC 9449 §8; oauth/dpop-nonce.ts): each server's current one, and a rotation now for every replica. */
  readonly dpop = {
    nonce: (authServer: string): Promise<DpopNonceState> => this.afterSync(() => this.nonceState(authServer)),
    rotateNonce: (authServer: string): Promise<DpopNonceState> =>
      this.afterSync(async () => {
        this.serverOf(authServer)
        await this.ctx.store.rotateDpopNonce()
        return this.nonceState(authServer)
      }),
  }

  private serverOf(authServer: string): AuthServer {
    const server = authServer === ORG_SERVER ? this.ctx.servers.org : this.ctx.servers.byIssuer(`${this.ctx.config.baseUrl}/oauth2/${authServer}`)
    if (!server) throw notFound(authServer === ORG_SERVER ? 'the org authorization server is disabled' : `no authorization server ${authServer}`)
    return server
  }

  private async nonceState(authServer: string): Promise<DpopNonceState> {
    const server = this.serverOf(authServer)
    return { authServer, nonce: await serverNonce(server.issuer, this.ctx), rotations: await this.ctx.store.dpopNonceRotations() }
  }

  private async afterSync<T>(call: () => T | Promise<T>): Promise<T> {
    await this.sync()
    return call()
  }

  /** The tail of this process's changes of the shared state. */
  private changes: Promise<unknown> = Promise.resolve()

  /**
   * Changes of the shared state run one at a time in each process, so compare-and-set conflicts
   * come only from other replicas (concurrent calls in one process would otherwise keep failing
   * each other's writes).
   */
  private changing<T>(call: () => T | Promise<T>): Promise<T> {
    const run = this.changes.then(() => this.afterSync(call))
    this.changes = run.catch(() => {})
    return run
  }

  /**
   * Back to the loaded configuration, for every replica: clock, faults, journal, store (the outbox
   * with it), runtime data and keys. Tokens issued before are forgotten, as after a restart (context.ts `epochSeconds`).
   */
  async reset(): Promise<void> {
    await this.faultRules.clear()
    await this.entries.clear()
    // Clearing the store forgets its identity too: a new epoch, so the old tokens are from an earlier memory.
    await this.ctx.store.clear()
    await this.shared.clear()
    this.applyShared()
    await adoptStoreIdentity(this.ctx)
  }
}
