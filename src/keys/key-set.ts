/** RS256 signing keys, imported once at start-up and published as public JWKs. */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import type { JWK } from 'jose'

export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  /** The public JWK as published: kty, alg, use, kid, n, e — never a private member. */
  publicJwk: { kty: 'RSA'; alg: 'RS256'; use: 'sig'; kid: string; n: string; e: string }
}

export class KeySet {
  private readonly keys = new Map<string, SigningKey>()

  constructor(jwks: readonly JWK[]) {
    for (const jwk of jwks) {
      if (!jwk.kid || jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error('signing keys must be RSA JWKs with a kid')
      const privateKey = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' })
      this.keys.set(jwk.kid, {
        kid: jwk.kid,
        privateKey,
        publicKey: createPublicKey(privateKey),
        publicJwk: { kty: 'RSA', alg: 'RS256', use: 'sig', kid: jwk.kid, n: jwk.n, e: jwk.e },
      })
    }
  }

  get(kid: string): SigningKey {
    const key = this.keys.get(kid)
    if (!key) throw new Error(`no signing key with kid ${kid}`)
    return key
  }

  jwksJson(keys: readonly SigningKey[]): string {
    return JSON.stringify({ keys: keys.map((k) => k.publicJwk) })
  }
}
