/**
 * The bench's DPoP refresh and private_key_jwt client-credentials rows (docs/bench.md): mockta only,
 * since the peers do neither. The load generator signs each proof and assertion itself, synchronously
 * with node:crypto (ES256: cheap for the generator), so every request carries a fresh `jti` and the
 * server pays one signature verification more than the Bearer rows, which is what the rows measure.
 */
import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto'

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const publicJwk = publicKey.export({ format: 'jwk' })
const KID = 'bench-key-1'
/** The private_key_jwt client's key as its JWKS lists it (the ceiling verifies with it too). */
export const CLIENT_PUBLIC_JWK = { ...publicJwk, kid: KID, use: 'sig', alg: 'ES256' }

/** The clients mockta's bench configuration adds (scripts/bench/targets.mjs). */
export const DPOP_CLIENT = { id: 'bench-dpop-native' }
export const PRIVATE_KEY_CLIENT = { id: 'bench-private-key', scope: 'api:read' }
export const benchClients = () => [
  { id: DPOP_CLIENT.id, type: 'native', grantTypes: ['password', 'refresh_token'], redirectUris: ['com.example.bench:/cb'], dpopBoundAccessTokens: true },
  {
    id: PRIVATE_KEY_CLIENT.id,
    type: 'service',
    authMethods: ['private_key_jwt'],
    grantTypes: ['client_credentials'],
    scopes: ['api:read'],
    jwks: { keys: [CLIENT_PUBLIC_JWK] },
  },
]

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
function es256(header, claims) {
  const input = `${b64(header)}.${b64(claims)}`
  return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`
}
const now = () => Math.floor(Date.now() / 1000)

export const dpopProof = (htu, nonce) =>
  es256({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk }, { htm: 'POST', htu, iat: now(), jti: randomBytes(16).toString('hex'), ...(nonce && { nonce }) })

export const clientAssertion = (aud) =>
  es256({ alg: 'ES256', kid: KID }, { iss: PRIVATE_KEY_CLIENT.id, sub: PRIVATE_KEY_CLIENT.id, aud, iat: now(), exp: now() + 300, jti: randomUUID() })

/** The nonce dance once (the nonce lasts days), then `params` with a proof: the token response. */
export async function dpopTokenRequest(tokenUrl, params, state) {
  const post = (proof) => fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: proof }, body: new URLSearchParams(params) })
  if (state.nonce === undefined) state.nonce = (await post(dpopProof(tokenUrl))).headers.get('dpop-nonce') ?? undefined
  const res = await post(dpopProof(tokenUrl, state.nonce))
  return res.json()
}
