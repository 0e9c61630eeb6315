/** HMAC-SHA-256 (RFC 2104) under a secret, the way every mockta MAC is made. */
import { createHmac, createSecretKey, type Hmac, type KeyObject } from 'node:crypto'

/**
 * Each secret as a KeyObject, made once. Node 24's createHmac with a Buffer key imports the key again
 * on every call, about 12 µs against 2 µs with a KeyObject (Node 20 and 22: about 2 µs either way),
 * and a refresh makes two MACs (docs/bench.md, "What makes mockta fast").
 * Keyed by the Buffer itself: mockta's secrets are made once and never written to.
 */
const keys = new WeakMap<Buffer, KeyObject>()

export function hmacSha256(secret: Buffer): Hmac {
  let key = keys.get(secret)
  if (!key) {
    key = createSecretKey(secret)
    keys.set(secret, key)
  }
  return createHmac('sha256', key)
}
