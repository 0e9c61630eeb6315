#!/usr/bin/env node
/**
 * Bench reference ("ceiling"): bare Fastify whose token endpoint does only what a refresh costs in
 * cryptography, two RS256 signatures with jose (access token and ID token), with the key imported
 * once. No client, no store, no checks: the refresh token presented is not even looked at.
 */
import { randomBytes } from 'node:crypto'
import formbody from '@fastify/formbody'
import Fastify from 'fastify'
import { SignJWT, importJWK } from 'jose'
import { fixtureSigningJwk, listenArgs } from './args.mjs'

const { host, port } = listenArgs()
const jwk = await fixtureSigningJwk()
const key = await importJWK(jwk, 'RS256')
const issuer = `http://${host}:${port}/oauth2/default`

const app = Fastify()
await app.register(formbody)
app.get('/oauth2/default/.well-known/openid-configuration', async () => ({ issuer, token_endpoint: `${issuer}/v1/token` }))
app.post('/oauth2/default/v1/token', async (req) => {
  const now = Math.floor(Date.now() / 1000)
  const jti = randomBytes(32).toString('base64url')
  const sign = (claims) => new SignJWT(claims).setProtectedHeader({ kid: jwk.kid, alg: 'RS256' }).sign(key)
  const accessToken = await sign({
    ver: 1,
    jti: `AT.${jti}`,
    iss: issuer,
    aud: 'api://default',
    iat: now,
    exp: now + 3600,
    cid: req.body.client_id,
    scp: ['openid', 'profile', 'offline_access'],
    sub: 'alice@example.com',
  })
  const idToken = await sign({ sub: '00ualice000000000001', ver: 1, iss: issuer, aud: req.body.client_id, iat: now, exp: now + 3600, jti: `ID.${jti}`, amr: ['pwd'] })
  return {
    token_type: 'Bearer',
    expires_in: 3600,
    access_token: accessToken,
    scope: 'openid profile offline_access',
    refresh_token: randomBytes(32).toString('base64url'),
    id_token: idToken,
  }
})
await app.listen({ host, port })
