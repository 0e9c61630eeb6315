/** Scope parsing and checks (RFC 6749 §3.3), pure. */
import { oktaError } from '../errors/oauth-error.js'

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ); Okta caps `scope` at 4096 characters.
const MAX_SCOPE_LENGTH = 4096

function isScopeToken(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i)
    if (c < 0x21 || c > 0x7e || c === 0x22 || c === 0x5c) return false
  }
  return token.length > 0
}

/** Splits a `scope` parameter into distinct scopes, or throws invalid_scope if it is malformed. */
export function parseScope(scope: string): string[] {
  if (scope.length > MAX_SCOPE_LENGTH) throw oktaError('invalid_scope')
  const scopes = scope.split(' ').filter((s) => s !== '')
  if (scopes.length === 0) throw oktaError('missing_scopes')
  if (!scopes.every(isScopeToken)) throw oktaError('invalid_scope')
  return [...new Set(scopes)]
}

/** Requested scopes must all be known to the server and, when the client is restricted, allowed to it. */
export function checkScopes(requested: readonly string[], serverScopes: ReadonlySet<string>, clientScopes: readonly string[]): void {
  for (const s of requested) {
    if (!serverScopes.has(s)) throw oktaError('invalid_scope')
    if (clientScopes.length > 0 && !clientScopes.includes(s)) throw oktaError('invalid_scope')
  }
}

export const formatScope = (scopes: readonly string[]): string => scopes.join(' ')
