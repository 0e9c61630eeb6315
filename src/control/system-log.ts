/**
 * The Okta System Log event type closest to a journal entry (docs/okta-behaviour.md names the ones
 * mockta's grants log). Custom authorization servers log `app.oauth2.as.…`, the org server `app.oauth2.…`.
 * Endpoints Okta does not log per request (keys, discovery, introspection, userinfo) have none.
 */
import type { JournalEntry } from './journal.js'

export function systemLogEvent(e: Pick<JournalEntry, 'endpoint' | 'authServer' | 'status' | 'faultId'>): string | undefined {
  const prefix = e.authServer === 'org' ? 'app.oauth2' : 'app.oauth2.as'
  const ok = e.status < 400 && e.faultId === undefined
  switch (e.endpoint) {
    case 'token':
      return ok ? `${prefix}.token.grant.access_token` : `${prefix}.token.grant`
    case 'authorize':
      return ok ? `${prefix}.authorize.code` : `${prefix}.authorize`
    case 'revoke':
      return `${prefix}.token.revoke`
    case 'logout':
      return 'user.session.end'
    default:
      return undefined
  }
}
