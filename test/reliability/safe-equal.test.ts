/**
 * docs/reliability.md § SP-1: the one constant-time comparison. Unequal lengths, empty, 1 MB, non-ASCII and non-strings
 * (arrays from duplicated parameters, undefined) are never equal and never throw. A dudect-style smoke
 * test (Welch's t over first-byte-wrong against last-byte-wrong) is reported, never asserted: shared CI
 * machines are too noisy for a timing gate.
 */
import { performance } from 'node:perf_hooks'
import fc from 'fast-check'
import t from 'tap'
import { record } from '../helpers/report.js'
import { safeEqual } from '../../src/crypto/safe-equal.js'

t.test('safeEqual: equal strings only, never a throw', async (t) => {
  const secret = 'web-app-secret'
  t.ok(safeEqual(secret, 'web-app-secret'))
  t.ok(safeEqual('', ''), 'two empty strings are equal')
  const cases: Array<[string, unknown, unknown]> = [
    ['unequal lengths', secret, `${secret}x`],
    ['empty against a secret', '', secret],
    ['1 MB against a secret', 'x'.repeat(1_000_000), secret],
    ['non-ASCII look-alike', 'wеb-app-secret', secret],
    ['an array from a duplicated parameter', [secret, secret], secret],
    ['undefined', undefined, secret],
    ['a number', 42, '42'],
    ['null', null, null],
  ]
  for (const [name, a, b] of cases) {
    t.doesNotThrow(() => safeEqual(a, b), `${name}: no throw`)
    t.equal(safeEqual(a, b), false, `${name}: not equal`)
  }
})

t.test('safeEqual: equal exactly when the strings are, for any strings (fast-check)', async (t) => {
  const pairs = fc.oneof(
    fc.tuple(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' })),
    fc.string({ unit: 'grapheme' }).map((s) => [s, s] as const),
    // One code unit apart: what a guess that is nearly right looks like.
    fc.tuple(fc.string({ minLength: 1 }), fc.nat()).map(([s, i]) => [s, `${s.slice(0, i % s.length)}\u0000${s.slice((i % s.length) + 1)}`] as const),
  )
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(pairs, ([a, b]) => safeEqual(a, b) === (a === b)),
      { numRuns: 1000 },
    ),
  )
})

t.test('timing smoke test (informational, not gating)', async (t) => {
  const secret = 's'.repeat(32)
  const firstWrong = `x${secret.slice(1)}`
  const lastWrong = `${secret.slice(0, -1)}x`
  const samples: [number[], number[]] = [[], []]
  for (let i = 0; i < 10_000; i++) {
    const which = i % 2
    const start = performance.now()
    safeEqual(which === 0 ? firstWrong : lastWrong, secret)
    samples[which]!.push(performance.now() - start)
  }
  const stats = (xs: number[]) => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length
    return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1), n: xs.length }
  }
  const [a, b] = samples.map(stats) as [ReturnType<typeof stats>, ReturnType<typeof stats>]
  const welch = Math.abs(a.mean - b.mean) / Math.sqrt(a.variance / a.n + b.variance / b.n)
  record('fault', { kind: 'timing', t: welch })
  t.comment(`secret-compare timing |t| = ${welch.toFixed(2)} (threshold 4.5, informational)`)
  t.ok(Number.isFinite(welch), 'measured')
})
