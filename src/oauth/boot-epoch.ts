/**
 * Which JWTs belong to this process's memory (reliability bar F-1: no resurrection after a restart).
 * Tokens issued before the boot second are from an earlier process; `iat` has one-second resolution,
 * so for tokens of the boot second itself the process remembers the `jti`s it issued in that second.
 * A restart within one second of a revocation then still cannot bring the revoked token back.
 */
export class BootEpoch {
  private readonly bootSecondJtis = new Set<string>()

  constructor(readonly seconds: number) {}

  /** Called for every JWT issued. */
  issued(jti: string, iat: number): void {
    if (iat === this.seconds) this.bootSecondJtis.add(jti)
    // Once the clock is past the boot second nothing more is added; keep the memory bounded.
  }

  isFromThisBoot(jti: string, iat: number): boolean {
    return iat > this.seconds || (iat === this.seconds && this.bootSecondJtis.has(jti))
  }
}
