/**
 * DPoP at mockta's endpoints (RFC 9449, docs/dpop.md): a proof at /token (with Okta's nonce), and
 * a proof at a resource (/userinfo: `ath` and the token's `cnf.jkt`, no nonce, as Okta's resource
 * server). A proof's `jti` is spent last, once everything else passed, in the store every replica
 * shares, so a replayed proof wins once (RFC 9449 §11.1).
 */
import type { Clock } from '../clock.js'
import { oktaError } from '../errors/oauth-error.js'
import type { Store } from '../store/store.js'
import { clientTimes } from './client-times.js'
import { currentNonce, isNonceAccepted } from './dpop-nonce.js'
import { accessTokenHash, PROOF_JTI_RETENTION_MS, verifyDpopProof, type VerifiedProof } from './dpop-proof.js'

/** What DPoP needs of the app context (a structural part of it, see docs/architecture.md). */
export interface DpopContext {
  store: Pick<Store, 'spendOnce' | 'dpopNonceRotations'>
  clock: Clock
  tokenSecret: Buffer
}

/** A token request's accepted proof, and the nonce to send back with the answer. */
export interface TokenProof extends VerifiedProof {
  serverNonce: string
}

/** The nonce `issuer` hands out now (the control plane's view too). */
export async function serverNonce(issuer: string, ctx: DpopContext): Promise<string> {
  return currentNonce(ctx.tokenSecret, issuer, ctx.clock.nowMs(), await ctx.store.dpopNonceRotations())
}

/** A proof at `tokenEndpoint` of `issuer`: Okta always asks for its nonce there (docs/dpop.md § 2.2). */
export async function acceptTokenProof(proof: string, issuer: string, tokenEndpoint: string, ctx: DpopContext): Promise<TokenProof> {
  const verified = await verifyDpopProof(proof, { htm: 'POST', htu: tokenEndpoint, times: clientTimes(ctx.clock) })
  const nowMs = ctx.clock.nowMs()
  const rotations = await ctx.store.dpopNonceRotations()
  const nonce = currentNonce(ctx.tokenSecret, issuer, nowMs, rotations)
  // RFC 9449 §8: a missing, stale or foreign nonce gets the current one to retry with.
  if (verified.nonce === undefined || !isNonceAccepted(verified.nonce, ctx.tokenSecret, issuer, nowMs, rotations)) {
    throw oktaError('use_dpop_nonce').withHeaders({ 'dpop-nonce': nonce })
  }
  await spend(verified, ctx)
  return { ...verified, serverNonce: nonce }
}

/** A proof at a resource for a DPoP-bound access token (`jkt`, its `cnf.jkt`). */
export async function acceptResourceProof(proof: string, request: { htm: string; htu: string; accessToken: string; jkt: string }, ctx: DpopContext): Promise<VerifiedProof> {
  const verified = await verifyDpopProof(proof, { htm: request.htm, htu: request.htu, times: clientTimes(ctx.clock) })
  if (verified.ath !== accessTokenHash(request.accessToken)) throw oktaError('dpop_proof_invalid_ath')
  if (verified.jkt !== request.jkt) throw oktaError('invalid_access_token_dpop_binding')
  await spend(verified, ctx)
  return verified
}

async function spend(proof: VerifiedProof, ctx: DpopContext): Promise<void> {
  const nowMs = ctx.clock.nowMs()
  if (!(await ctx.store.spendOnce(`dpop:${proof.jkt}`, proof.jti, nowMs + PROOF_JTI_RETENTION_MS, nowMs))) throw oktaError('dpop_proof_already_used')
}
