/**
 * `startMockta()`: mockta inside a test process, listening on a real port (any free one by default)
 * on loopback, with the control plane as typed methods. Every control is ControlPlane's own method.
 */
import { resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildMockta } from './app.js'
import type { Clock } from './clock.js'
import { defaultBaseUrl } from './config/cli-options.js'
import { loadConfigFile, resolveConfig } from './config/load.js'
import type { Config } from './config/types.js'
import type { ControlPlane } from './control/control-plane.js'
import { ORG_SERVER } from './control/oauth-request.js'
import { assertControlAccess } from './routes/control/routes.js'
import { anyFreePort } from './free-port.js'

export interface StartMocktaOptions {
  /** A configuration file's path, or its content as an object. Default: the built-in fixtures/config.json. */
  config?: string | Record<string, unknown>
  /** Default 0: any free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Public origin for the issuers. Default: the listening address. */
  baseUrl?: string
  /** Default `silent`. */
  logLevel?: Config['logLevel']
  /** Require this Bearer token on /__mockta/ (needed off loopback unless `trustNetwork`). */
  adminToken?: string
  trustNetwork?: boolean
  /** Host names the HTTP control API answers besides loopback and the base URL's host (`control.allowedHosts`). */
  allowedHosts?: string[]
  journalSize?: number
  /** Another clock (e.g. ManualClock); the control plane moves it if it can be moved. */
  clock?: Clock
}

export interface MocktaHandle {
  /** The listening origin, e.g. http://127.0.0.1:53123. */
  baseUrl: string
  /** Issuer per authorization server: each custom server's id, and `org` for the org server. */
  readonly issuers: Readonly<Record<string, string>>
  /** The issuer of one server, `default` unless said. */
  issuer(authServer?: string): string
  clock: ControlPlane['clock']
  faults: ControlPlane['faults']
  journal: ControlPlane['journal']
  mint: ControlPlane['mint']
  tokens: ControlPlane['tokens']
  families: ControlPlane['families']
  devices: ControlPlane['devices']
  /** Browser sessions per user, listed and ended. */
  sessions: ControlPlane['sessions']
  /** Every access token of a client, a user or everyone ended, refresh tokens kept. */
  accessTokens: ControlPlane['accessTokens']
  users: ControlPlane['users']
  clients: ControlPlane['clients']
  authServers: ControlPlane['authServers']
  keys: ControlPlane['keys']
  /** The DPoP nonces (docs/dpop.md § 2.2). */
  dpop: ControlPlane['dpop']
  /** What mockta "sent by email", newest first: `outbox({ to })` (docs/identity-engine.md § outbox). */
  outbox: ControlPlane['outbox']
  /** The current code of a user's TOTP factor (docs/authentication-api.md § 1.4). */
  totp: ControlPlane['totp']['get']
  reset: ControlPlane['reset']
  /** The Fastify instance, for `inject()`. */
  app: FastifyInstance
  close(): Promise<void>
}

const MAX_ATTEMPTS = 5

export async function startMockta(options: StartMocktaOptions = {}): Promise<MocktaHandle> {
  const host = options.host ?? '127.0.0.1'
  const control = {
    ...(options.adminToken !== undefined && { adminToken: options.adminToken }),
    ...(options.trustNetwork !== undefined && { trustNetwork: options.trustNetwork }),
    ...(options.journalSize !== undefined && { journalSize: options.journalSize }),
    ...(options.allowedHosts !== undefined && { allowedHosts: [...options.allowedHosts] }),
  }
  for (let attempt = 1; ; attempt++) {
    // The issuers name the port, so a free one is taken before building; another process may take
    // it in between, hence the retries.
    const port = options.port === undefined || options.port === 0 ? await anyFreePort(host) : options.port
    const config = configFor(options, defaultBaseUrl(host, port))
    config.logLevel = options.logLevel ?? 'silent'
    Object.assign(config.control, control)
    assertControlAccess(host, config.control)
    const { app, ctx, control: plane } = await buildMockta(config, options.clock ? { clock: options.clock } : {})
    try {
      await app.listen({ host, port })
    } catch (err) {
      await app.close()
      if ((err as { code?: string }).code === 'EADDRINUSE' && (options.port ?? 0) === 0 && attempt < MAX_ATTEMPTS) continue
      throw err
    }
    const issuers = (): Record<string, string> => {
      const out: Record<string, string> = {}
      if (ctx.servers.org) out[ORG_SERVER] = ctx.servers.org.issuer
      for (const as of ctx.config.authorizationServers) out[as.id] = ctx.servers.resolve(as.id).issuer
      return out
    }
    return {
      baseUrl: defaultBaseUrl(host, port),
      get issuers() {
        return issuers()
      },
      issuer(authServer = 'default') {
        const issuer = issuers()[authServer]
        if (issuer === undefined) throw new Error(`no authorization server ${authServer}`)
        return issuer
      },
      clock: plane.clock,
      faults: plane.faults,
      journal: plane.journal,
      mint: (input) => plane.mint(input),
      tokens: plane.tokens,
      families: plane.families,
      devices: plane.devices,
      sessions: plane.sessions,
      accessTokens: plane.accessTokens,
      users: plane.users,
      clients: plane.clients,
      authServers: plane.authServers,
      keys: plane.keys,
      dpop: plane.dpop,
      outbox: (query) => plane.outbox(query),
      totp: (user) => plane.totp.get(user),
      reset: () => plane.reset(),
      app,
      close: () => app.close(),
    }
  }
}

function configFor(options: StartMocktaOptions, fallbackBaseUrl: string): Config {
  const urls = { baseUrl: options.baseUrl, defaultBaseUrl: fallbackBaseUrl }
  if (typeof options.config === 'object') return resolveConfig(options.config, { ...urls, baseDir: process.cwd() })
  return loadConfigFile(options.config === undefined ? undefined : resolve(options.config), urls)
}
