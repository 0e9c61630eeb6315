/** hmacSha256: RFC 2104 HMAC-SHA-256 with the key imported once per secret. */
import { createHmac, randomBytes } from 'node:crypto'
import fc from 'fast-check'
import t from 'tap'
import { hmacSha256 } from '../../src/crypto/hmac.js'

t.test('the same MAC as createHmac with the secret as a Buffer, on every use of the same secret', async (t) => {
  const secrets = [randomBytes(32), randomBytes(1), randomBytes(100)]
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(fc.constantFrom(...secrets), fc.string(), (secret, message) => {
        const expected = createHmac('sha256', secret).update(message).digest('hex')
        return hmacSha256(secret).update(message).digest('hex') === expected && hmacSha256(secret).update(message).digest('hex') === expected
      }),
    ),
  )
})

t.test('two secrets with the same bytes but different Buffers give the same MAC; different bytes do not', async (t) => {
  const a = randomBytes(32)
  const mac = (secret: Buffer) => hmacSha256(secret).update('m').digest('hex')
  t.equal(mac(a), mac(Buffer.from(a)))
  t.not(mac(a), mac(randomBytes(32)))
})
