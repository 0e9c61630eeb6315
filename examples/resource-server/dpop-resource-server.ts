/**
 * A resource server that accepts DPoP-bound access tokens (RFC 9449 §7), as an Okta customer writes
 * one: the token is checked by Okta's @okta/jwt-verifier, the proof with jose (its `typ`, its
 * signature by the key it carries, `htm`, `htu`, `iat` and `ath`), and the key must be the one the
 * token is bound to (`cnf.jkt`). Nothing in it knows about mockta.
 */
import { createHash } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import OktaJwtVerifier from '@okta/jwt-verifier'
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose'

export interface DpopResourceServerOptions {
  issuer: string
  audience: string
  /** This server's own origin, for the proof's `htu`. */
  origin: () => string
}

const refuse = (reply: FastifyReply, error: string) => reply.code(401).header('www-authenticate', `DPoP error="${error}", algs="RS256 ES256"`).send({ error })

export function buildDpopResourceServer(options: DpopResourceServerOptions): FastifyInstance {
  const verifier = new OktaJwtVerifier({ issuer: options.issuer, testing: { disableHttpsCheck: options.issuer.startsWith('http:') } })
  const app = Fastify()

  app.get('/api/messages', async (req, reply) => {
    const match = /^DPoP (\S+)$/.exec(req.headers.authorization ?? '')
    const proof = req.headers['dpop']
    if (!match || typeof proof !== 'string') return refuse(reply, 'invalid_request')
    const accessToken = match[1] as string
    let jkt: unknown
    let sub: unknown
    try {
      const jwt = await verifier.verifyAccessToken(accessToken, options.audience)
      jkt = (jwt.claims['cnf'] as { jkt?: unknown } | undefined)?.jkt
      sub = jwt.claims.sub
    } catch {
      return refuse(reply, 'invalid_token')
    }
    try {
      const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['RS256', 'ES256'], maxTokenAge: '5m' })
      const ath = createHash('sha256').update(accessToken).digest('base64url')
      const htu = `${options.origin()}/api/messages`
      if (payload['htm'] !== 'GET' || payload['htu'] !== htu || payload['ath'] !== ath) return refuse(reply, 'invalid_dpop_proof')
      // RFC 9449 §6.1: the key that signed the proof is the one the token is bound to.
      if (jkt !== (await calculateJwkThumbprint(protectedHeader.jwk!))) return refuse(reply, 'invalid_dpop_proof')
    } catch {
      return refuse(reply, 'invalid_dpop_proof')
    }
    return { messages: [`hello ${String(sub)}`] }
  })
  return app
}
