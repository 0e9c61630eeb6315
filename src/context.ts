/** What routes and grants depend on, built once by `buildApp` and passed explicitly. */
import { randomBytes } from 'node:crypto'
import { nowSeconds, type Clock } from './clock.js'
import type { Config } from './config/types.js'
import type { Ids } from './ids.js'
import type { AuthServers } from './registry/auth-servers.js'
import type { Clients } from './registry/clients.js'
import type { Users } from './registry/users.js'
import type { Store } from './store/store.js'

export interface AppContext {
  config: Config
  clock: Clock
  ids: Ids
  store: Store
  servers: AuthServers
  clients: Clients
  users: Users
  /** Keys the derivation of rotated refresh tokens (see oauth/refresh-token.ts); the store's identity. */
  tokenSecret: Buffer
  /**
   * When the store's memory began (its identity). Tokens issued before it are unknown to it, so
   * introspection reports them inactive: a token revoked before a restart never comes back to life (docs/reliability.md § F-1).
   */
  epochSeconds: number
}

/** Adopts the store's identity, proposing a new one (now, a fresh secret) if the store has none. */
export async function adoptStoreIdentity(ctx: AppContext): Promise<void> {
  const identity = await ctx.store.identity({ epochSeconds: nowSeconds(ctx.clock), tokenSecret: randomBytes(32).toString('base64url') })
  ctx.epochSeconds = identity.epochSeconds
  ctx.tokenSecret = Buffer.from(identity.tokenSecret, 'base64url')
}
