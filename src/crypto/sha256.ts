/**
 * SHA-256 of a text, the one way mockta digests anything. `crypto.hash` (Node 20.12 and 21.7) digests
 * in one call without a Hash object, about a third of createHash's cost; a device poll, a refresh and
 * an introspection each make one or two digests (docs/bench.md, "What makes mockta fast"). Node 20.0
 * to 20.11, which `engines` still admits, have only createHash.
 */
import * as crypto from 'node:crypto'

type Encoding = 'base64url' | 'base64' | 'hex'

export interface Digests {
  sha256: (text: string, encoding: Encoding) => string
  /** The digest's bytes, for a claim that keeps part of them (OIDC Core §3.1.3.6 `at_hash`). */
  sha256Bytes: (text: string) => Buffer
}

/** The digests made with `oneShot` where this Node has it, else with createHash. */
export function digests(oneShot: typeof crypto.hash | undefined): Digests {
  if (oneShot) return { sha256: (text, encoding) => oneShot('sha256', text, encoding), sha256Bytes: (text) => oneShot('sha256', text, 'buffer') }
  return {
    sha256: (text, encoding) => crypto.createHash('sha256').update(text).digest(encoding),
    sha256Bytes: (text) => crypto.createHash('sha256').update(text).digest(),
  }
}

export const { sha256, sha256Bytes } = digests((crypto as { hash?: typeof crypto.hash }).hash)
