/**
 * A resource server as an Okta customer writes one: Fastify, with access tokens checked by Okta's own
 * @okta/jwt-verifier against the issuer's /v1/keys. Nothing in it knows about mockta.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import OktaJwtVerifier from '@okta/jwt-verifier'

export interface ResourceServerOptions {
  issuer: string
  audience: string
  /** The scope `GET /api/messages` requires. */
  scope?: string
}

export function buildResourceServer(options: ResourceServerOptions): FastifyInstance {
  // An http issuer (a local mockta) needs the HTTPS check off; Okta tenants are always https.
  const verifier = new OktaJwtVerifier({ issuer: options.issuer, testing: { disableHttpsCheck: options.issuer.startsWith('http:') } })
  const app = Fastify()

  app.get('/api/messages', async (req, reply) => {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')
    if (!match) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' })
    try {
      const jwt = await verifier.verifyAccessToken(match[1] as string, options.audience)
      const scopes = (jwt.claims['scp'] as string[] | undefined) ?? []
      if (options.scope && !scopes.includes(options.scope)) return reply.code(403).send({ error: 'insufficient_scope' })
      return { messages: [`hello ${jwt.claims.sub}`] }
    } catch {
      // Expired, forged, wrong audience or unknown key: RFC 6750 §3.1 invalid_token.
      return reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"').send({ error: 'invalid_token' })
    }
  })
  return app
}
