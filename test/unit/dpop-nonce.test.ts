/**
 * DPoP nonces (src/oauth/dpop-nonce.ts): each period's MAC is remembered, and what is remembered is
 * exactly what an HMAC made afresh gives, whatever the number of issuers, periods and secrets.
 */
import { createHmac, randomBytes } from 'node:crypto'
import fc from 'fast-check'
import t from 'tap'
import { currentNonce, isNonceAccepted, NONCE_OVERLAP_PERIODS, NONCE_PERIOD_MS } from '../../src/oauth/dpop-nonce.js'

/** The nonce as docs/dpop.md § 2.2 defines it, made without the module's memory. */
const expected = (secret: Buffer, issuer: string, period: number) =>
  `${period.toString(36)}.${createHmac('sha256', secret).update(`dpop-nonce\0${issuer}\0${period}`).digest('base64url').slice(0, 22)}`

const secrets = [randomBytes(32), randomBytes(32)]
const issuers = Array.from({ length: 300 }, (_, i) => `http://127.0.0.1:7000/oauth2/as${i}`)

t.test('the nonce of a period is its HMAC, remembered or not, past the memory bound', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(fc.constantFrom(...secrets), fc.constantFrom(...issuers), fc.integer({ min: 0, max: 10 ** 6 }), fc.nat(5), (secret, issuer, day, rotations) => {
        const nowMs = day * NONCE_PERIOD_MS + 1
        return currentNonce(secret, issuer, nowMs, rotations) === expected(secret, issuer, day + rotations)
      }),
      { numRuns: 2000 },
    ),
  )
})

t.test('accepted: the current period and the three before it, of this issuer and secret only', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(fc.constantFrom(...issuers), fc.integer({ min: 10, max: 10 ** 6 }), fc.integer({ min: -2, max: NONCE_OVERLAP_PERIODS + 2 }), (issuer, day, back) => {
        const [secret, other] = secrets as [Buffer, Buffer]
        const nowMs = day * NONCE_PERIOD_MS
        const nonce = expected(secret, issuer, day - back)
        const inWindow = back >= 0 && back <= NONCE_OVERLAP_PERIODS
        return (
          isNonceAccepted(nonce, secret, issuer, nowMs, 0) === inWindow &&
          !isNonceAccepted(nonce, other, issuer, nowMs, 0) &&
          !isNonceAccepted(nonce, secret, `${issuer}x`, nowMs, 0)
        )
      }),
      { numRuns: 2000 },
    ),
  )
})

t.test('a nonce with its MAC changed, cut short or of another form is refused', async (t) => {
  const [secret] = secrets as [Buffer]
  const issuer = issuers[0]!
  const nonce = currentNonce(secret, issuer, 0, 0)
  const flipped = `${nonce.slice(0, -1)}${nonce.endsWith('A') ? 'B' : 'A'}`
  for (const bad of [flipped, nonce.slice(0, -1), `${nonce}A`, '', '.', 'x', `${nonce} `, nonce.replace('.', '-')])
    t.notOk(isNonceAccepted(bad, secret, issuer, 0, 0), JSON.stringify(bad))
  t.ok(isNonceAccepted(nonce, secret, issuer, 0, 0))
})
