/**
 * okta-auth-js 8 as a Node app sets it up for the Identity Engine (docs/identity-engine.md): the
 * fixture SPA, memory storage, no automatic renewal, so a test drives every call itself; the
 * @okta/jwt-verifier that checks the tokens; and how a test reads the code a user was "emailed".
 */
import OktaJwtVerifier from '@okta/jwt-verifier'
import { OktaAuth, type OktaAuthOptions } from '@okta/okta-auth-js'
import { SPA } from './authorize.js'

export const SCOPES = ['openid', 'profile', 'email', 'offline_access']

export function sdk(base: string, options: Partial<OktaAuthOptions> = {}): OktaAuth {
  return new OktaAuth({
    issuer: `${base}/oauth2/default`,
    clientId: SPA.id,
    redirectUri: SPA.redirectUri,
    scopes: SCOPES,
    tokenManager: { storage: 'memory', autoRenew: false, autoRemove: false },
    storageManager: { token: { storageType: 'memory' }, transaction: { storageType: 'memory' }, 'shared-transaction': { storageType: 'memory' } },
    ...options,
  } as OktaAuthOptions)
}

export function verifierFor(issuer: string): OktaJwtVerifier {
  // The library warns about the disabled HTTPS check on every construction; expected here.
  const warn = console.warn
  console.warn = () => {}
  try {
    return new OktaJwtVerifier({ issuer, testing: { disableHttpsCheck: true } })
  } finally {
    console.warn = warn
  }
}

export interface Outboxed {
  id: string
  code: string
  link: string
  kind: string
}

/** What a test does to read the code a user was sent: the control API's outbox (docs/identity-engine.md § Outbox). */
export async function latestEmail(base: string, to: string): Promise<Outboxed> {
  const [message] = (await (await fetch(`${base}/__mockta/outbox?to=${encodeURIComponent(to)}&limit=1`)).json()) as Outboxed[]
  if (!message) throw new Error(`no email to ${to}`)
  return message
}
