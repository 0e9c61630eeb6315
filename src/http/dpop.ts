/**
 * The DPoP header of a request (RFC 9449 §4.1), read once: at /token for clients that require DPoP
 * (Okta's "Require DPoP header in token requests"), and at /userinfo for DPoP-bound tokens. A client
 * that does not require DPoP has its DPoP header ignored, as Okta does (docs/dpop.md § 2.7):
 * okta-sdk-nodejs sends a proof with every token request and expects Bearer tokens.
 */
import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import { oktaError } from '../errors/oauth-error.js'
import { acceptTokenProof, type TokenProof } from '../oauth/dpop.js'
import { singleProof } from '../oauth/dpop-proof.js'
import type { AuthServer } from '../registry/auth-servers.js'
import type { Client } from '../registry/clients.js'

/** The proof the request carries, if any; two DPoP headers are refused (Node would join them). */
export function presentedProof(req: FastifyRequest): string | undefined {
  let count = 0
  const raw = req.raw.rawHeaders
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'dpop') count++
  return singleProof(req.headers['dpop'], count)
}

/** The token request's accepted proof for a client that requires DPoP; undefined for any other client. */
export async function tokenProof(
  req: FastifyRequest,
  server: AuthServer,
  client: Client,
  ctx: Pick<AppContext, 'store' | 'clock' | 'tokenSecret'>,
): Promise<TokenProof | undefined> {
  if (client.dpopBoundAccessTokens !== true) return undefined
  const proof = presentedProof(req)
  if (proof === undefined) throw oktaError('invalid_dpop_proof_missing_header')
  return acceptTokenProof(proof, server.issuer, `${server.endpointBase}/token`, ctx)
}
