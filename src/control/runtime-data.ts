/**
 * Users, clients, authorization servers and signing keys as changed at runtime. Every change is
 * validated like the configuration file, written to the shared control state (control/shared-state.ts,
 * so every replica adopts it), then the registries are rebuilt and swapped in as the app context's
 * next snapshot (context.ts), so a request sees either the old or the new data, never a mix.
 */
import type { AuthServerConfig, ClientConfig, Config, UserConfig } from '../config/types.js'
import { claimProblems, clientProblems, factorProblems, itemProblems, readClientJwks, resolveAuthServer, resolveClient, resolveUser } from '../config/load.js'
import type { RawAuthServer, RawClient, RawUser } from '../config/load.js'
import type { AppContext, Snapshot } from '../context.js'
import { KeySet } from '../keys/key-set.js'
import { AuthServers } from '../registry/auth-servers.js'
import { Clients } from '../registry/clients.js'
import { Users } from '../registry/users.js'
import { badRequest, ControlError, notFound } from './control-error.js'
import { checkCanPromote, checkCanPublish, keysToRetire, keyStateOf, newSigningJwk, promoteNext, publishNext, retire, type KeyState } from './key-rotation.js'
import { ORG_SERVER } from './oauth-request.js'
import type { RuntimeDataState } from './runtime-data-state.js'

/** A user as the control API shows it: no password, and factors without their TOTP secret (both write-only). */
export type PublicUser = Omit<UserConfig, 'password' | 'factors'> & { factors?: PublicFactor[] }
export type PublicFactor = { type: 'token:software:totp'; id: string } | { type: 'email'; id: string; email: string }

const publicUser = ({ password: _, factors, ...u }: UserConfig): PublicUser => {
  const shown: PublicUser = structuredClone(u)
  if (factors) shown.factors = factors.map((f) => (f.type === 'email' ? { ...f } : { type: f.type, id: f.id }))
  return shown
}
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
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
/** A PUT to an item's path whose body names another item. */
const mismatch = (field: string, value: unknown, at: string): ControlError => badRequest(`the body's ${field} ${JSON.stringify(value)} is not the one in the path (${at})`)
/** By login (case-insensitive) or id. */
const findUser = (users: UserConfig[], loginOrId: string): UserConfig | undefined => users.find((u) => u.id === loginOrId || u.login.toLowerCase() === loginOrId.toLowerCase())

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
  private build(state: RuntimeDataState): Omit<Snapshot, 'identity'> {
    const config: Config = { ...this.loaded, ...state }
    const keys = new KeySet(config.keys)
    return { config, servers: new AuthServers(config, keys), clients: new Clients(config.clients), users: new Users(config.users), keys }
  }

  /** Swaps the registries in together, as the context's next snapshot. */
  private install(state: RuntimeDataState, built: Omit<Snapshot, 'identity'>): void {
    this.state = state
    this.ctx.swap(built)
  }

  /**
   * Applies `change` to a copy of the latest state, checks the registries build from it, writes it for
   * every replica and swaps it in. A replica that changed the data meanwhile makes the write fail; the
   * change is then decided again on the newer state (so its checks, inside `change`, see that too).
   */
  private async change(change: (s: RuntimeDataState) => void): Promise<void> {
    let next = this.state
    let built: Omit<Snapshot, 'identity'> | undefined
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
    return this.state.users.map(publicUser)
  }

  /**
   * Adds the user, or replaces the one with the same login (case-insensitive); with `at` (PUT
   * /users/{user}), replaces the user that login or id names, or adds one with that login. The
   * password is write-only: a write that leaves it out keeps the replaced user's, so a listed user can
   * be written back as it is.
   */
  async upsertUser(input: unknown, at?: string): Promise<PublicUser> {
    let user: UserConfig | undefined
    await this.change((s) => {
      const body: Record<string, unknown> = isObject(input) ? { ...input } : {}
      const login = typeof body['login'] === 'string' ? body['login'] : undefined
      const existing = at === undefined ? s.users.find((u) => u.login.toLowerCase() === login?.toLowerCase()) : findUser(s.users, at)
      if (at !== undefined && existing) {
        if (login !== undefined && login.toLowerCase() !== existing.login.toLowerCase()) throw mismatch('login', login, at)
        if (body['id'] !== undefined && body['id'] !== existing.id) throw mismatch('id', body['id'], at)
        body['login'] ??= existing.login
        body['id'] ??= existing.id
      } else if (at !== undefined) {
        if (login === undefined) body['login'] = at
        else if (login.toLowerCase() !== at.toLowerCase() && body['id'] !== at) throw mismatch('login', login, at)
      }
      if (body['password'] === undefined && existing) body['password'] = existing.password
      // A TOTP secret is write-only too: a factor written back without one keeps the replaced user's.
      if (Array.isArray(body['factors']) && existing?.factors) {
        const kept = existing.factors
        body['factors'] = body['factors'].map((f: unknown) => {
          const same =
            isObject(f) && f['type'] === 'token:software:totp' && f['secret'] === undefined && kept.find((k) => k.type === f['type'] && (f['id'] === undefined || f['id'] === k.id))
          return same && same.type === 'token:software:totp' ? { ...f, secret: same.secret } : f
        })
      }
      const problems = [...itemProblems('user', isObject(input) ? body : input), ...factorProblems(body, '')]
      if (problems.length > 0) throw fail('user', problems)
      const next = resolveUser(body as RawUser)
      const key = next.login.toLowerCase()
      const clash = s.users.find((u) => u.id === next.id && u.login.toLowerCase() !== key)
      if (clash) throw new ControlError(409, `user id ${next.id} already belongs to ${clash.login}`)
      const i = s.users.findIndex((u) => u.login.toLowerCase() === key)
      if (i === -1) s.users.push(next)
      else s.users[i] = next
      user = next
    })
    return publicUser(user!)
  }

  /**
   * Adds a user that registered itself (idx/registration.ts) unless its login or id is taken: decided
   * in the change, so against the latest data of every replica.
   */
  async addUser(user: UserConfig): Promise<'created' | 'exists'> {
    const taken = new Error('taken')
    try {
      await this.change((s) => {
        if (s.users.some((u) => u.id === user.id || u.login.toLowerCase() === user.login.toLowerCase())) throw taken
        s.users.push(structuredClone(user))
      })
    } catch (err) {
      if (err === taken) return 'exists'
      throw err
    }
    return 'created'
  }

  /** A password the user set (a registration's first, a recovery's reset, an expired one changed), which makes the user ACTIVE; false when no user has the id. */
  async setPassword(id: string, password: string): Promise<boolean> {
    const gone = new Error('gone')
    try {
      await this.change((s) => {
        const user = s.users.find((u) => u.id === id)
        if (!user) throw gone
        user.password = password
        user.status = 'ACTIVE'
      })
    } catch (err) {
      if (err === gone) return false
      throw err
    }
    return true
  }

  /** By login or id. */
  async removeUser(loginOrId: string): Promise<void> {
    await this.change((s) => {
      const found = findUser(s.users, loginOrId)
      if (!found) throw notFound(`no user ${loginOrId}`)
      s.users.splice(s.users.indexOf(found), 1)
    })
  }

  clients(): PublicClient[] {
    return this.state.clients.map(({ secret, ...c }) => ({ ...structuredClone(c), confidential: secret !== undefined }))
  }

  /**
   * Adds the client, or replaces the one with the same id (with `at`, PUT /clients/{id}: that id). A
   * listed client can be written back as it is: the secret is write-only, so a write without one keeps
   * the replaced client's (unless it asks for a public client, authMethods ["none"]), and `confidential`,
   * which the listing derives from the secret, is ignored.
   */
  async upsertClient(input: unknown, at?: string): Promise<PublicClient> {
    let id = ''
    await this.change((s) => {
      const body: Record<string, unknown> = isObject(input) ? { ...input } : {}
      delete body['confidential']
      if (at !== undefined) {
        body['id'] ??= at
        if (body['id'] !== at) throw mismatch('id', body['id'], at)
      }
      const existing = s.clients.find((c) => c.id === body['id'])
      const askedPublic = Array.isArray(body['authMethods']) && body['authMethods'].includes('none')
      if (body['secret'] === undefined && existing?.secret !== undefined && !askedPublic) body['secret'] = existing.secret
      const written = isObject(input) ? body : input
      const problems = [
        ...itemProblems('client', written),
        ...clientProblems(
          written,
          '',
          s.users.map((u) => u.login),
        ),
      ]
      // A runtime client's jwksFile is read now, from mockta's working directory, and kept as its jwks.
      if (problems.length === 0 && typeof body['jwksFile'] === 'string') {
        const read = readClientJwks(body['jwksFile'], process.cwd(), '')
        problems.push(...read.problems)
        body['jwks'] = read.jwks
        delete body['jwksFile']
      }
      if (problems.length > 0) throw fail('client', problems)
      const client = resolveClient(body as RawClient)
      const i = s.clients.findIndex((c) => c.id === client.id)
      if (i === -1) s.clients.push(client)
      else s.clients[i] = client
      id = client.id
    })
    return this.clients().find((c) => c.id === id)!
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

  /**
   * Adds the custom authorization server, or replaces the one with the same id (with `at`, PUT
   * /authorization-servers/{id}: that id); its keys default to the first loaded key.
   */
  async upsertAuthServer(body: unknown, at?: string): Promise<AuthServerConfig> {
    let input = body
    if (at !== undefined && isObject(body)) {
      input = { id: at, ...body }
      if ((input as { id: unknown }).id !== at) throw mismatch('id', (input as { id: unknown }).id, at)
    }
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
