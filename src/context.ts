/**
 * What routes and grants depend on, built once by `buildApp` and passed explicitly. The parts that
 * change at runtime (the registries as the control plane changes them, the store's identity) are one
 * immutable `Snapshot`; a change builds a new one and `swap` puts it in effect in one step, so a
 * reader of `current()` sees either the old or the new data, never a mix.
 */
import { randomBytes } from 'node:crypto'
import { nowSeconds, type Clock } from './clock.js'
import type { Config, UserConfig } from './config/types.js'
import type { Ids } from './ids.js'
import type { KeySet } from './keys/key-set.js'
import type { AuthServers } from './registry/auth-servers.js'
import type { Clients } from './registry/clients.js'
import type { Users } from './registry/users.js'
import type { Store } from './store/store.js'

/** The store's identity, as the app uses it. */
export interface Identity {
  /**
   * When the store's memory began. Tokens issued before it are unknown to it, so introspection
   * reports them inactive: a token revoked before a restart never comes back to life (docs/reliability.md § F-1).
   */
  readonly epochSeconds: number
  /** Keys the derivation of rotated refresh tokens (see oauth/refresh-token.ts). */
  readonly tokenSecret: Buffer
}

/** The data in effect at one moment; never changed once built (a change builds the next one). */
export interface Snapshot {
  readonly config: Config
  readonly servers: AuthServers
  readonly clients: Clients
  readonly users: Users
  /** The signing keys the servers were built from. */
  readonly keys: KeySet
  readonly identity: Identity
}

/**
 * The changes to users that sign-in flows make: a registration's new user, and a password set by the
 * user (a registration's first one, a recovery's reset, an expired one changed). The control plane's
 * runtime data applies them, so every replica adopts them and `reset` undoes them
 * (control/runtime-data.ts).
 */
export interface Directory {
  /** Adds the user unless its login is taken, decided against the latest data of every replica: of concurrent sign-ups for one email, one creates the user. */
  create(user: UserConfig): Promise<'created' | 'exists'>
  /** Sets the user's password and makes the user ACTIVE; false when no user has the id (removed meanwhile). */
  setPassword(userId: string, password: string): Promise<boolean>
}

export class AppContext {
  private snapshot: Snapshot

  constructor(
    readonly clock: Clock,
    readonly ids: Ids,
    readonly store: Store,
    initial: Snapshot,
  ) {
    this.snapshot = Object.freeze({ ...initial })
  }

  /** The snapshot in effect now. A reader that needs several fields to agree reads it once. */
  current(): Snapshot {
    return this.snapshot
  }

  /** The one place runtime changes take effect: the next snapshot is the current one with `change`. */
  swap(change: Partial<Snapshot>): Snapshot {
    this.snapshot = Object.freeze({ ...this.snapshot, ...change })
    return this.snapshot
  }

  // The current snapshot's fields, for readers that need just one.
  get config(): Config {
    return this.snapshot.config
  }
  get servers(): AuthServers {
    return this.snapshot.servers
  }
  get clients(): Clients {
    return this.snapshot.clients
  }
  get users(): Users {
    return this.snapshot.users
  }
  get epochSeconds(): number {
    return this.snapshot.identity.epochSeconds
  }
  get tokenSecret(): Buffer {
    return this.snapshot.identity.tokenSecret
  }
}

/** Adopts the store's identity, proposing a new one (now, a fresh secret) if the store has none. */
export async function adoptStoreIdentity(ctx: AppContext): Promise<void> {
  const identity = await ctx.store.identity({ epochSeconds: nowSeconds(ctx.clock), tokenSecret: randomBytes(32).toString('base64url') })
  const tokenSecret = Buffer.from(identity.tokenSecret, 'base64url')
  const held = ctx.current().identity
  // The same identity keeps the same snapshot (what consumers derive from it stays valid).
  if (held.epochSeconds === identity.epochSeconds && held.tokenSecret.equals(tokenSecret)) return
  ctx.swap({ identity: Object.freeze({ epochSeconds: identity.epochSeconds, tokenSecret }) })
}
