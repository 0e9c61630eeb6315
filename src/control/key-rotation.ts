/**
 * Key rotation as Okta does it (docs/okta-behaviour.md § 8): a NEXT key is published ahead of use, promoted to sign
 * new tokens, and the old key is retired from the JWKS. Checks and changes on runtime-data state;
 * RuntimeData applies them.
 */
import type { JWK } from 'jose'
import { loadJose } from '../oauth/jose-loader.js'
import { ControlError, notFound } from './control-error.js'
import { ORG_SERVER } from './oauth-request.js'
import type { RuntimeDataState } from './runtime-data-state.js'

export interface KeyState {
  authServer: string
  /** Signs new tokens. */
  active: string
  /** Published ahead of use; `promote` makes it active. */
  next: string | null
  /** Every kid in the server's JWKS, active first. */
  published: string[]
}

/** The published kids of a server inside `s` (the array itself, to change in place), active first. */
export function publishedKids(s: RuntimeDataState, authServer: string): string[] {
  if (authServer === ORG_SERVER) {
    if (!s.org.enabled) throw notFound('the org authorization server is disabled')
    return s.org.signingKeys
  }
  const server = s.authorizationServers.find((a) => a.id === authServer)
  if (!server) throw notFound(`no authorization server ${authServer}`)
  return server.signingKeys
}

export function keyStateOf(s: RuntimeDataState, authServer: string): KeyState {
  const published = [...publishedKids(s, authServer)]
  return { authServer, active: published[0]!, next: s.nextKeys[authServer] ?? null, published }
}

export function checkCanPublish(s: RuntimeDataState, authServer: string): void {
  publishedKids(s, authServer)
  if (s.nextKeys[authServer] !== undefined) throw new ControlError(409, `${authServer} already has a next key; promote it first`)
}

/** NEXT: in the JWKS at once, signing nothing yet. */
export function publishNext(s: RuntimeDataState, authServer: string, jwk: JWK): void {
  s.keys.push(jwk)
  publishedKids(s, authServer).push(jwk.kid as string)
  s.nextKeys[authServer] = jwk.kid as string
}

export function checkCanPromote(s: RuntimeDataState, authServer: string): void {
  publishedKids(s, authServer)
  if (s.nextKeys[authServer] === undefined) throw new ControlError(409, `${authServer} has no next key; publish one first`)
}

/** NEXT → ACTIVE: new tokens carry its kid; the previous key stays published until retired. */
export function promoteNext(s: RuntimeDataState, authServer: string): void {
  const next = s.nextKeys[authServer] as string
  const kids = publishedKids(s, authServer)
  kids.splice(kids.indexOf(next), 1)
  kids.unshift(next)
  delete s.nextKeys[authServer]
}

/**
 * `kid`, or every key that is neither active nor next. Once unpublished, tokens signed with them no
 * longer verify: they introspect inactive and drop out of the JWKS.
 */
export function keysToRetire(s: RuntimeDataState, authServer: string, kid?: string): string[] {
  const { active, next, published } = keyStateOf(s, authServer)
  if (kid !== undefined && !published.includes(kid)) throw notFound(`${authServer} publishes no key ${kid}`)
  if (kid === active) throw new ControlError(409, `${kid} is the active key of ${authServer}; promote another key first`)
  return kid !== undefined ? [kid] : published.filter((k) => k !== active && k !== next)
}

export function retire(s: RuntimeDataState, authServer: string, kids: readonly string[]): void {
  const published = publishedKids(s, authServer)
  for (const kid of kids) published.splice(published.indexOf(kid), 1)
  const next = s.nextKeys[authServer]
  if (next !== undefined && kids.includes(next)) delete s.nextKeys[authServer]
}

/** A fresh RS256 key (RFC 7638 thumbprint as kid: 43 base64url characters, like Okta's). */
export async function newSigningJwk(): Promise<JWK> {
  const { calculateJwkThumbprint, exportJWK, generateKeyPair } = await loadJose()
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 })
  const jwk = await exportJWK(privateKey)
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' }
}
