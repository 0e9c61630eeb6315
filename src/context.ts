/** What routes and grants depend on, built once by `buildApp` and passed explicitly. */
import type { Clock } from './clock.js'
import type { Config } from './config/types.js'
import type { BootEpoch } from './oauth/boot-epoch.js'
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
  /** Keys the derivation of rotated refresh tokens (see oauth/refresh-token.ts). */
  tokenSecret: Buffer
  /**
   * When this store's memory began. Tokens issued before it are unknown to it, so introspection
   * reports them inactive: a token revoked before a restart never comes back to life (bar F-1).
   */
  epochSeconds: number
  /** The jtis issued in the epoch second itself (oauth/boot-epoch.ts); follows `epochSeconds`. */
  bootEpoch: BootEpoch
}
