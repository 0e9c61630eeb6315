/**
 * How MemoryStore keys what it keeps: token hashes in their 32 bytes rather than 43 base64url
 * characters, ids as flat strings (docs/bench.md: memory per live family).
 */

/**
 * SHA-256 hashes arrive as 43 base64url characters; their 32 bytes as a latin1 string take 16 bytes
 * less per hash. Any other string (tests use `hash-A1`) is kept as is behind a prefix that no binary
 * key can contain (U+0100 is not latin1), so the two forms never collide.
 */
const RAW = '\u0100'
const BASE64URL_43 = /^[A-Za-z0-9_-]{43}$/

export function hashKey(hash: string): string {
  if (BASE64URL_43.test(hash)) {
    const key = Buffer.from(hash, 'base64url').toString('latin1')
    // Only the canonical encoding maps to the binary form, so two strings never share a key.
    if (Buffer.from(key, 'latin1').toString('base64url') === hash) return key
  }
  return RAW + hash
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is every Latin-1 code unit, control characters included, by design.
const LATIN1 = /^[\x00-\xff]*$/

/**
 * A flat copy of an id. Ids built by concatenation (nanoid's customAlphabet appends one character at
 * a time) are chains of V8 cons strings, measured at about 226 bytes for a 20-character `oar…` id
 * instead of about 40.
 */
export const flat = (s: string): string => (LATIN1.test(s) ? Buffer.from(s, 'latin1').toString('latin1') : s)

export const hashOf = (key: string): string => (key.charCodeAt(0) === 0x100 ? key.slice(1) : Buffer.from(key, 'latin1').toString('base64url'))
