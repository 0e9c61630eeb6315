#!/usr/bin/env node
/**
 * Bench reference ("ceiling"): bare Fastify whose token endpoint does only what a grant costs in
 * cryptography, with jose and every key imported once. A refresh signs two RS256 tokens (access and
 * ID token), client_credentials one. With a DPoP header the proof's signature is verified first, and
 * with a client assertion the assertion's (docs/bench.md "Pinned mode"): one jose verification each,
 * so the DPoP and private_key_jwt rows measure what one verification adds to a bare server. No
 * client, no store, no other check: the refresh token presented is not even looked at.
 */
import { randomBytes } from 'node:crypto'
import formbody from '@fastify/formbody'
import Fastify from 'fastify'
import { SignJWT, compactVerify, decodeProtectedHeader, importJWK } from 'jose'
import { CLIENT_JWK_ENV, fixtureSigningJwk, listenArgs } from './args.mjs'

const { host, port } = listenArgs()
const jwk = await fixtureSigningJwk()
const key = await importJWK(jwk, 'RS256')
const issuer = `http://${host}:${port}/oauth2/default`
// The private_key_jwt client's public key, from the bench (scripts/bench/dpop.mjs).
const clientJwk = process.env[CLIENT_JWK_ENV] ? JSON.parse(process.env[CLIENT_JWK_ENV]) : undefined
const clientKey = clientJwk && (await importJWK(clientJwk, clientJwk.alg))
const proofKeys = new Map()

/** The proof's own key, imported once per key as mockta does; then jose's verification. */
async function verifyProof(proof) {
  const { jwk: proofJwk, alg } = decodeProtectedHeader(proof)
  const id = JSON.stringify(proofJwk)
  let proofKey = proofKeys.get(id)
  if (!proofKey) proofKeys.set(id, (proofKey = await importJWK(proofJwk, alg)))
  await compactVerify(proof, proofKey, { algorithms: [alg] })
}

const app = Fastify()
await app.register(formbody)
app.get('/oauth2/default/.well-known/openid-configuration', async () => ({ issuer, token_endpoint: `${issuer}/v1/token` }))
app.post('/oauth2/default/v1/token', async (req) => {
  const proof = req.headers.dpop
  if (proof) await verifyProof(proof)
  if (req.body.client_assertion) await compactVerify(req.body.client_assertion, clientKey, { algorithms: [clientJwk.alg] })
  const now = Math.floor(Date.now() / 1000)
  const jti = randomBytes(32).toString('base64url')
  const sign = (claims) => new SignJWT(claims).setProtectedHeader({ kid: jwk.kid, alg: 'RS256' }).sign(key)
  const tokenType = proof ? 'DPoP' : 'Bearer'
  const service = req.body.grant_type === 'client_credentials'
  // The claims of mockta's access tokens: of the service for client_credentials, else of alice.
  const accessToken = await sign({
    ver: 1,
    jti: `AT.${jti}`,
    iss: issuer,
    aud: 'api://default',
    iat: now,
    exp: now + 3600,
    cid: service ? 'service-app' : req.body.client_id,
    scp: service ? ['api:read'] : ['openid', 'profile', 'offline_access'],
    sub: service ? 'service-app' : 'alice@example.com',
  })
  if (service) return { token_type: tokenType, expires_in: 3600, access_token: accessToken, scope: 'api:read' }
  const idToken = await sign({ sub: '00ualice000000000001', ver: 1, iss: issuer, aud: req.body.client_id, iat: now, exp: now + 3600, jti: `ID.${jti}`, amr: ['pwd'] })
  return {
    token_type: tokenType,
    expires_in: 3600,
    access_token: accessToken,
    scope: 'openid profile offline_access',
    refresh_token: randomBytes(32).toString('base64url'),
    id_token: idToken,
  }
})
await app.listen({ host, port })
