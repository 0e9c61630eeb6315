/** The hand-assembled RS256 JWS is byte for byte what jose produces, for any key, including one added later. */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { SignJWT, jwtVerify, type JWK } from 'jose'
import t from 'tap'
import { defaultKeyFile } from '../../src/config/load.js'
import type { SigningKey } from '../../src/keys/key-set.js'
import { signJwt } from '../../src/oauth/token-signer.js'

function signingKey(jwk: JWK & { kid: string }): SigningKey {
  const privateKey = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' })
  return { kid: jwk.kid, privateKey, publicKey: createPublicKey(privateKey), publicJwk: { kty: 'RSA', alg: 'RS256', use: 'sig', kid: jwk.kid, n: jwk.n!, e: jwk.e! } }
}

const fixture = (JSON.parse(readFileSync(defaultKeyFile, 'utf8')) as { keys: Array<JWK & { kid: string }> }).keys

t.test('same compact JWS as jose SignJWT with { kid, alg: RS256 }', async (t) => {
  const claims = [
    { ver: 1, jti: 'AT.abc', iss: 'http://127.0.0.1:8080/oauth2/default', aud: 'api://default', iat: 1767225600, exp: 1767229200, scp: ['openid', 'profile'] },
    { sub: '00u1', name: 'Zoë 漢字 \u2028 "quoted" \\ </script>', amr: ['pwd'], nested: { a: [1, 2.5, null, true] } },
    {},
  ]
  for (const jwk of fixture) {
    const key = signingKey(jwk)
    for (const c of claims) {
      const ours = await signJwt(c, key)
      const jose = await new SignJWT(c).setProtectedHeader({ kid: key.kid, alg: 'RS256' }).sign(key.privateKey)
      t.equal(ours, jose, `kid ${key.kid.slice(0, 8)}…, ${Object.keys(c).length} claims`)
    }
  }
})

t.test('a key created at runtime signs on first use and verifies with its public key', async (t) => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'runtime-key-1' } as JWK & { kid: string }
  const key = signingKey(jwk)
  const token = await signJwt({ iss: 'x', n: 1 }, key)
  const { payload, protectedHeader } = await jwtVerify(token, key.publicKey, { algorithms: ['RS256'] })
  t.strictSame(protectedHeader, { kid: 'runtime-key-1', alg: 'RS256' })
  t.strictSame(payload, { iss: 'x', n: 1 })
  const again = await signJwt({ iss: 'x', n: 2 }, key)
  t.equal(again.split('.')[0], token.split('.')[0], 'the serialised header is reused')
})

t.test('concurrent signatures all complete and stay distinct', async (t) => {
  const key = signingKey(fixture[0]!)
  const tokens = await Promise.all(Array.from({ length: 64 }, (_, i) => signJwt({ i }, key)))
  t.equal(new Set(tokens).size, 64)
  for (const [i, token] of tokens.entries()) t.same((await jwtVerify(token, key.publicKey)).payload, { i })
})
