/** The hand-assembled RS256 JWS is byte for byte what jose produces, for any key, including one added later. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { SignJWT, decodeProtectedHeader, jwtVerify, type JWK } from 'jose'
import t from 'tap'
import { defaultKeyFile } from '../../src/config/load.js'
import type { SigningKey } from '../../src/keys/key-set.js'
import type { AuthServer } from '../../src/registry/auth-servers.js'
import { signJwt, verifyJwt } from '../../src/oauth/token-signer.js'
import { forgetVerified } from '../../src/oauth/verified-tokens.js'
import { hs256WithPublicKey, signedByForeignKey, unsignedJwt, withTamperedPayload } from '../helpers/forged-jwt.js'

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

t.test('verifyJwt accepts and rejects exactly what jose jwtVerify (RS256, issuer, currentDate) does', async (t) => {
  const key = signingKey(fixture[0]!)
  const other = signingKey(fixture[1]!)
  const issuer = 'http://127.0.0.1:8080/oauth2/default'
  const server = { issuer, verificationKeys: new Map([[key.kid, key]]) } as unknown as AuthServer
  const now = 1767225600
  const base = { ver: 1, jti: 'AT.x', iss: issuer, aud: 'api://default', iat: now - 10, exp: now + 3600, sub: 'alice@example.com' }
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')
  // A correctly signed token with whatever header and payload bytes the case needs.
  const signRaw = async (header: unknown, payload: string | object) => {
    const input = `${b64(header)}.${b64(payload)}`
    return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`
  }
  const valid = await signJwt(base, key)
  const cases: Array<[string, string]> = [
    ['valid', valid],
    ['no exp, no iat', await signJwt({ iss: issuer, jti: 'AT.y' }, key)],
    ['expired one second ago', await signJwt({ ...base, exp: now - 1 }, key)],
    ['exp is now', await signJwt({ ...base, exp: now }, key)],
    ['exp in one second', await signJwt({ ...base, exp: now + 1 }, key)],
    ['nbf in the future', await signJwt({ ...base, nbf: now + 1 }, key)],
    ['nbf now', await signJwt({ ...base, nbf: now }, key)],
    ['exp as a string', await signJwt({ ...base, exp: String(now + 60) }, key)],
    ['iat as a string', await signJwt({ ...base, iat: 'yesterday' }, key)],
    ['nbf null', await signJwt({ ...base, nbf: null }, key)],
    ['other issuer', await signJwt({ ...base, iss: 'http://127.0.0.1:8080' }, key)],
    ['no issuer', await signJwt({ jti: 'AT.z', exp: now + 60 }, key)],
    ["signed by another of our keys, not this server's", await signJwt(base, { ...other, kid: key.kid })],
    ['foreign key', await signedByForeignKey(base, key.kid)],
    ['unknown kid', await signJwt(base, { ...key, kid: 'nope' })],
    ['alg none', unsignedJwt(base, key.kid)],
    ['HS256 with the public key', hs256WithPublicKey(base, key)],
    ['tampered payload', withTamperedPayload(valid, (p) => (p['sub'] = 'mallory'))],
    ['signature cut short', valid.slice(0, -10)],
    ['payload an array', await signRaw({ kid: key.kid, alg: 'RS256' }, '[1,2]')],
    ['payload not JSON', await signRaw({ kid: key.kid, alg: 'RS256' }, 'not json')],
    [
      'payload invalid UTF-8',
      await (async () => {
        const input = `${b64({ kid: key.kid, alg: 'RS256' })}.${Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString('base64url')}`
        return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`
      })(),
    ],
    ['header alg RS512', await signRaw({ kid: key.kid, alg: 'RS512' }, base)],
    ['header with crit', await signRaw({ kid: key.kid, alg: 'RS256', crit: ['exp'], exp: 1 }, base)],
    ['header not an object', await signRaw('"RS256"', base)],
    ['trailing newline', `${valid}\n`],
    ['two segments', valid.split('.').slice(0, 2).join('.')],
  ]
  for (const [name, token] of cases) {
    const ours = await verifyJwt(token, server, now)
    let theirs: unknown
    try {
      const kid = decodeProtectedHeader(token).kid
      const k = typeof kid === 'string' ? server.verificationKeys.get(kid) : undefined
      theirs =
        k && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)
          ? (await jwtVerify(token, k.publicKey, { algorithms: ['RS256'], issuer, currentDate: new Date(now * 1000) })).payload
          : undefined
    } catch {
      theirs = undefined
    }
    t.strictSame(ours, theirs, name)
  }
  t.ok(await verifyJwt(valid, server, now), 'the valid token does verify')
})

t.test('a remembered verification decides as jose does: later and earlier times, retired or replaced keys, another issuer', async (t) => {
  forgetVerified()
  const key = signingKey(fixture[0]!)
  const issuer = 'http://127.0.0.1:8080/oauth2/default'
  const serverWith = (keys: SigningKey[], iss = issuer) => ({ issuer: iss, verificationKeys: new Map(keys.map((k) => [k.kid, k])) }) as unknown as AuthServer
  const server = serverWith([key])
  const now = 1767225600
  const base = { ver: 1, jti: 'AT.x', iss: issuer, aud: 'api://default', iat: now - 10, exp: now + 3600, sub: 'alice@example.com', scp: ['openid'] }
  const tokens = {
    valid: await signJwt(base, key),
    'nbf in an hour': await signJwt({ ...base, nbf: now + 3600, exp: now + 7200 }, key),
    'no exp': await signJwt({ iss: issuer, jti: 'AT.y' }, key),
    'fractional exp': await signJwt({ ...base, exp: now + 0.5 }, key),
  }
  const jose = async (token: string, s: AuthServer, at: number) => {
    try {
      const k = s.verificationKeys.get(decodeProtectedHeader(token).kid as string)
      return k ? (await jwtVerify(token, k.publicKey, { algorithms: ['RS256'], issuer: s.issuer, currentDate: new Date(at * 1000) })).payload : undefined
    } catch {
      return undefined
    }
  }
  const times = [now, now + 1, now + 3599, now + 3600, now + 3601, now + 7200, now - 3600, now - 1e9, 8.64e12 + 1, Number.NaN]
  for (const [name, token] of Object.entries(tokens)) {
    // jose accepts a fractional `exp`; mockta does not (docs/security.md: numeric claims are whole numbers).
    const expected = name === 'fractional exp' ? async () => undefined : (at: number) => jose(token, server, at)
    for (const at of [now, ...times]) t.strictSame(await verifyJwt(token, server, at), await expected(at), `${name} at ${at - now}`)
  }
  const payload = await verifyJwt(tokens.valid, server, now)
  t.ok(Object.isFrozen(payload) && Object.isFrozen(payload!['scp']), 'the shared payload cannot be changed by a caller')
  t.equal(await verifyJwt(tokens.valid, serverWith([]), now), undefined, 'a retired key no longer verifies')
  t.equal(await verifyJwt(tokens.valid, serverWith([signingKey(fixture[1]!)].map((k) => ({ ...k, kid: key.kid }))), now), undefined, 'another key under the same kid')
  t.strictSame(await verifyJwt(tokens.valid, serverWith([signingKey(fixture[0]!)]), now), base, 'the same key imported again verifies through jose')
  t.equal(await verifyJwt(tokens.valid, serverWith([key], 'http://127.0.0.1:8080'), now), undefined, 'another issuer')
  t.strictSame(await verifyJwt(tokens.valid, server, now), base, 'and the first server still does')
})
