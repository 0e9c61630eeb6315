/**
 * Users, clients, authorization servers and signing keys as changed at runtime. Every change is
 * validated like the configuration file, written to the shared control state (control/shared-state.ts,
 * so every replica adopts it), then the registries are rebuilt and swapped into the app context in
 * one step, so a request sees either the old or the new data, never a mix.
 */
import type { AuthServerConfig, ClientConfig, Config, UserConfig } from '../config/types.js'
import { claimProblems, clientProblems, itemProblems, resolveAuthServer, resolveClient, resolveUser } from '../config/load.js'
import type { RawAuthServer, RawClient, RawUser } from '../config/load.js'
import type { AppContext } from '../context.js'
import { KeySet } from '../keys/key-set.js'
import { AuthServers } from '../registry/auth-servers.js'
import { Clients } from '../registry/clients.js'
import { Users } from '../registry/users.js'
import { badRequest, ControlError, notFound } from './control-error.js'
import { checkCanPromote, checkCanPublish, keysToRetire, keyStateOf, newSigningJwk, promoteNext, publishNext, retire, type KeyState } from './key-rotation.js'
import { ORG_SERVER } from './oauth-request.js'
import type { RuntimeDataState } from './runtime-data-state.js'

export type PublicUser = Omit<UserConfig, 'password'>
export type PublicClient = Omit<ClientConfig, 'secret'> & { confidential: boolean }
export type { KeyState }

const snapshot = (config: Config): RuntimeDataState =>
  structuredClone({
    authorizationServers: config.authorizationServers,
    org: config.org,
    clients: config.clients,
    users: config.users,
    keys: config.keys,
    nextKeys: {},
  })

const fail = (what: string, problems: string[]): ControlError => badRequest(`invalid ${what}: ${problems.join('; ')}`)

/**
 * How a change reaches the other replicas (ControlPlane wires it to the shared control state): decides
 * the new runtime data, again after catching up if another replica changed it first, and writes it.
 */
export type CommitRuntimeData = (decide: () => RuntimeDataState) => Promise<void>

export class RuntimeData {
  private state: RuntimeDataState
  /** The shared object last adopted. */
  private adopted: RuntimeDataState | null = null

  constructor(
    private readonly loaded: Config,
    private readonly ctx: AppContext,
    private readonly commit: CommitRuntimeData,
  ) {
    this.state = snapshot(loaded)
  }

  /** Takes the shared runtime data (`null`: as loaded), e.g. after another replica changed it. */
  adopt(runtime: RuntimeDataState | null): void {
    // The shared state hands back the same object while the data is unchanged (a clock move, a fault rule).
    if (runtime !== null && runtime === this.adopted) return
    this.adopted = runtime
    const next = runtime === null ? snapshot(this.loaded) : structuredClone(runtime)
    this.install(next, this.build(next))
  }

  /** Builds the registries for a state; throws if they cannot be built from it. */
  private build(state: RuntimeDataState): Pick<AppContext, 'config' | 'servers' | 'clients' | 'users'> {
    const config: Config = { ...this.loaded, ...state }
    const servers = new AuthServers(config, new KeySet(config.keys))
    return { config, servers, clients: new Clients(config.clients), users: new Users(config.users) }
  }

  /** Swaps the registries in together. */
  private install(state: RuntimeDataState, built: ReturnType<RuntimeData['build']>): void {
    this.state = state
    Object.assign(this.ctx, built)
  }

  /**
   * Applies `change` to a copy of the latest state, checks the registries build from it, writes it for
   * every replica and swaps it in. A replica that changed the data meanwhile makes the write fail; the
   * change is then decided again on the newer state (so its checks, inside `change`, see that too).
   */
  private async change(change: (s: RuntimeDataState) => void): Promise<void> {
    let next = this.state
    let built: ReturnType<RuntimeData['build']> | undefined
    await this.commit(() => {
      next = structuredClone(this.state)
      change(next)
      try {
        built = this.build(next)
      } catch (err) {
        throw badRequest(`the change cannot be applied: ${(err as Error).message}`)
      }
      return next
    })
    this.install(next, built!)
  }

  users(): PublicUser[] {
    return this.state.users.map(({ password: _, ...u }) => structuredClone(u))
  }

  /** Adds the user, or replaces the one with the same login (case-insensitive). */
  async upsertUser(input: unknown): Promise<PublicUser> {
    const problems = itemProblems('user', input)
    if (problems.length > 0) throw fail('user', problems)
    const user = resolveUser(input as RawUser)
    const login = user.login.toLowerCase()
    await this.change((s) => {
      const clash = s.users.find((u) => u.id === user.id && u.login.toLowerCase() !== login)
      if (clash) throw new ControlError(409, `user id ${user.id} already belongs to ${clash.login}`)
      const i = s.users.findIndex((u) => u.login.toLowerCase() === login)
      if (i === -1) s.users.push(user)
      else s.users[i] = user
    })
    const { password: _, ...shown } = user
    return shown
  }

  /** By login or id. */
  async removeUser(loginOrId: string): Promise<void> {
    const key = loginOrId.toLowerCase()
    await this.change((s) => {
      const i = s.users.findIndex((u) => u.id === loginOrId || u.login.toLowerCase() === key)
      if (i === -1) throw notFound(`no user ${loginOrId}`)
      s.users.splice(i, 1)
    })
  }

  clients(): PublicClient[] {
    return this.state.clients.map(({ secret, ...c }) => ({ ...structuredClone(c), confidential: secret !== undefined }))
  }

  /** Adds the client, or replaces the one with the same id. */
  async upsertClient(input: unknown): Promise<PublicClient> {
    const problems = [...itemProblems('client', input), ...clientProblems(input, '', this.state.users.map((u) => u.login))]
    if (problems.length > 0) throw fail('client', problems)
    const client = resolveClient(input as RawClient)
    await this.change((s) => {
      const i = s.clients.findIndex((c) => c.id === client.id)
      if (i === -1) s.clients.push(client)
      else s.clients[i] = client
    })
    return this.clients().find((c) => c.id === client.id)!
  }

  async removeClient(id: string): Promise<void> {
    await this.change((s) => {
      const i = s.clients.findIndex((c) => c.id === id)
      if (i === -1) throw notFound(`no client ${id}`)
      s.clients.splice(i, 1)
    })
  }

  authServers(): AuthServerConfig[] {
    return structuredClone(this.state.authorizationServers)
  }

  /** Adds the custom authorization server, or replaces the one with the same id (its keys default to the first loaded key). */
  async upsertAuthServer(input: unknown): Promise<AuthServerConfig> {
    const problems = [...itemProblems('authorizationServer', input), ...claimProblems(input, '')]
    if (problems.length > 0) throw fail('authorization server', problems)
    const raw = input as RawAuthServer
    if (raw.id === ORG_SERVER) throw badRequest(`invalid authorization server: "${ORG_SERVER}" names the org server in the control API`)
    const kids = new Set(this.state.keys.map((k) => k.kid))
    const unknown = (raw.signingKeys ?? []).filter((kid) => !kids.has(kid))
    if (unknown.length > 0) throw badRequest(`invalid authorization server: unknown kid ${unknown.map((k) => JSON.stringify(k)).join(', ')}`)
    const server = resolveAuthServer(raw, this.loaded.keys[0]!.kid as string)
    await this.change((s) => {
      const i = s.authorizationServers.findIndex((a) => a.id === server.id)
      if (i === -1) s.authorizationServers.push(server)
      else s.authorizationServers[i] = server
      delete s.nextKeys[server.id]
    })
    return structuredClone(server)
  }

  async removeAuthServer(id: string): Promise<void> {
    await this.change((s) => {
      const i = s.authorizationServers.findIndex((a) => a.id === id)
      if (i === -1) throw notFound(`no authorization server ${id}`)
      s.authorizationServers.splice(i, 1)
      delete s.nextKeys[id]
    })
  }

  keyState(authServer: string): KeyState {
    return keyStateOf(this.state, authServer)
  }

  async publishNextKey(authServer: string): Promise<KeyState> {
    checkCanPublish(this.state, authServer)
    const jwk = await newSigningJwk()
    // Checked again: another call may have published one while this key was being generated.
    await this.change((s) => {
      checkCanPublish(s, authServer)
      publishNext(s, authServer, jwk)
    })
    return this.keyState(authServer)
  }

  async promoteKey(authServer: string): Promise<KeyState> {
    await this.change((s) => {
      checkCanPromote(s, authServer)
      promoteNext(s, authServer)
    })
    return this.keyState(authServer)
  }

  async retireKeys(authServer: string, kid?: string): Promise<KeyState> {
    await this.change((s) => retire(s, authServer, keysToRetire(s, authServer, kid)))
    return this.keyState(authServer)
  }
}
