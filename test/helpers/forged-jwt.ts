/**
 * Forged and tampered JWTs for the introspection and revocation tests (docs/reliability.md § #93–#98, #112):
 * each one carries claims of a real token but must never be taken for it.
 */
import { createHmac } from 'node:crypto'
import { SignJWT, generateKeyPair, type JWTPayload } from 'jose'
import type { SigningKey } from '../../src/keys/key-set.js'

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

export function decodePart(token: string, part: 0 | 1): Record<string, unknown> {
  const segment = token.split('.')[part]
  if (segment === undefined) throw new Error('not a JWT')
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>
}

export const payloadOf = (token: string): JWTPayload & Record<string, unknown> => decodePart(token, 1)
export const kidOf = (token: string): string => String(decodePart(token, 0)['kid'])

/** `alg: none`, no signature; with the kid of a real key when given. */
export function unsignedJwt(payload: Record<string, unknown>, kid?: string): string {
  return `${b64url(kid === undefined ? { alg: 'none' } : { alg: 'none', kid })}.${b64url(payload)}.`
}

/**
 * Algorithm confusion: HS256 keyed with the server's public key (its SPKI PEM, the classic attack), so a
 * verifier that lets the token pick the algorithm would accept it.
 */
export function hs256WithPublicKey(payload: Record<string, unknown>, key: SigningKey): string {
  const secret = key.publicKey.export({ type: 'spki', format: 'pem' })
  const signingInput = `${b64url({ alg: 'HS256', kid: key.kid })}.${b64url(payload)}`
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`
}

let foreignKey: Promise<Awaited<ReturnType<typeof generateKeyPair>>['privateKey']> | undefined

/** A well-formed RS256 JWT signed by an RSA key that is not mockta's, under the header the caller picks. */
export async function signedByForeignKey(payload: Record<string, unknown>, kid: string): Promise<string> {
  foreignKey ??= generateKeyPair('RS256', { modulusLength: 2048 }).then((pair) => pair.privateKey)
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).sign(await foreignKey)
}

/** The same header and signature over a changed payload. */
export function withTamperedPayload(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, , signature] = token.split('.')
  const payload = payloadOf(token)
  change(payload)
  return `${header}.${b64url(payload)}.${signature}`
}
