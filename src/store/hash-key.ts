/** How MemoryStore keeps ids: as flat strings (docs/bench.md: memory per live family). */

// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is every Latin-1 code unit, control characters included, by design.
const LATIN1 = /^[\x00-\xff]*$/

/**
 * A flat copy of an id. Ids built by concatenation (nanoid's customAlphabet appends one character at
 * a time) are chains of V8 cons strings, measured at about 226 bytes for a 20-character `oar…` id
 * instead of about 40.
 */
export const flat = (s: string): string => (LATIN1.test(s) ? Buffer.from(s, 'latin1').toString('latin1') : s)
