/** Users and their credentials, looked up by login or id. */
import type { UserConfig } from '../config/types.js'
import { safeEqual } from '../crypto/safe-equal.js'

export type User = Readonly<UserConfig>

export class Users {
  private readonly byLogin = new Map<string, User>()
  private readonly byId = new Map<string, User>()
  constructor(users: readonly UserConfig[]) {
    for (const u of users) {
      // Okta logins are case-insensitive.
      this.byLogin.set(u.login.toLowerCase(), u)
      this.byId.set(u.id, u)
    }
  }

  get(id: string): User | undefined {
    return this.byId.get(id)
  }

  /** By Okta user id or by login (case-insensitive). */
  find(idOrLogin: string): User | undefined {
    return this.byId.get(idOrLogin) ?? this.byLogin.get(idOrLogin.toLowerCase())
  }

  byLoginName(login: string): User | undefined {
    return this.byLogin.get(login.toLowerCase())
  }

  all(): User[] {
    return [...this.byId.values()]
  }

  /** The user whose login and password match; the comparison runs for unknown logins too. */
  authenticate(login: string, password: string): User | undefined {
    const user = this.byLogin.get(login.toLowerCase())
    const ok = safeEqual(password, user?.password ?? '\0unknown-user')
    return ok && user ? user : undefined
  }
}
