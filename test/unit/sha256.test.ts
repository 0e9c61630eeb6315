/** sha256: the same digest as createHash, with Node's one-shot `crypto.hash` and without it (Node 20.0–20.11). */
import * as crypto from 'node:crypto'
import fc from 'fast-check'
import t from 'tap'
import { digests, sha256, sha256Bytes } from '../../src/crypto/sha256.js'

const encodings = ['base64url', 'base64', 'hex'] as const

for (const [name, made] of [
  ['crypto.hash', digests(crypto.hash)],
  ['createHash alone', digests(undefined)],
] as const) {
  t.test(`${name}: every text, in every encoding and as bytes, digests as createHash does`, async (t) => {
    t.doesNotThrow(() =>
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme' }), fc.constantFrom(...encodings), (text, encoding) => {
          const expected = crypto.createHash('sha256').update(text).digest()
          return made.sha256(text, encoding) === expected.toString(encoding) && made.sha256Bytes(text).equals(expected)
        }),
      ),
    )
  })
}

t.test("FIPS 180-2's test vector, through the exported digests", async (t) => {
  t.equal(sha256('abc', 'hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  t.equal(sha256Bytes('abc').toString('base64url'), 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
})
