/**
 * A grant's refusal: the OAuth error the client gets, and what the grant found that the answer must
 * not reveal (docs/reliability.md § #71: nothing about a foreign, dead or unknown token is revealed). The reason is
 * logged and the family journaled; neither is sent.
 */
import { OAuthError } from '../errors/oauth-error.js'

export type RefusalReason =
  | 'unknown_token'
  | 'foreign_client'
  | 'foreign_server'
  | 'family_ended'
  | 'user_gone'
  | 'reuse_detected'
  | 'redeem_refused'
  | 'scope_refused'
  /** A DPoP-bound family refreshed without a proof of its key. */
  | 'dpop_key_mismatch'

export class GrantRefused extends OAuthError {
  constructor(
    sent: OAuthError,
    readonly reason: RefusalReason,
    /** The refresh family the presented token belongs to, when the store knows it. */
    readonly familyId: string | undefined,
  ) {
    super(sent.code, sent.statusCode, sent.error, sent.message, { ...sent.headers })
    this.name = 'GrantRefused'
  }
}
