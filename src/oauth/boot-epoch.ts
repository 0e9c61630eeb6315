/**
 * Which JWTs belong to this process's memory (reliability bar F-1: no resurrection after a restart).
 * Tokens issued before the epoch second (`AppContext.epochSeconds`: the boot, or a later reset) are
 * from an earlier memory; `iat` has one-second resolution, so for tokens of the epoch second itself
 * the jtis issued in that second are remembered. A restart within one second of a revocation then
 * still cannot bring the revoked token back. Every JWT mockta signs must be reported to `issued`.
 */
export class BootEpoch {
  private seconds = Number.NaN
  private readonly epochSecondJtis = new Set<string>()

  /** Called for every JWT issued, with the context's current epoch. */
  issued(jti: string, iat: number, epochSeconds: number): void {
    this.follow(epochSeconds)
    // Only the epoch second needs remembering; the set stays bounded by one second of issuance.
    if (iat === epochSeconds) this.epochSecondJtis.add(jti)
  }

  isFromThisBoot(jti: string, iat: number, epochSeconds: number): boolean {
    this.follow(epochSeconds)
    return iat > epochSeconds || (iat === epochSeconds && this.epochSecondJtis.has(jti))
  }

  /** A new epoch (a reset of mockta's memory) forgets the old epoch second's tokens. */
  private follow(epochSeconds: number): void {
    if (epochSeconds === this.seconds) return
    this.seconds = epochSeconds
    this.epochSecondJtis.clear()
  }
}
