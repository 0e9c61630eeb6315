/** plainCopy: what the in-memory stores copy records with instead of structuredClone. */
import fc from 'fast-check'
import { isDeepStrictEqual } from 'node:util'
import t from 'tap'
import { plainCopy } from '../../src/store/plain-copy.js'

// What a stored record is made of: JSON values, plus fields present with the value undefined.
const record = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor')), tie('value'), { maxKeys: 5 }),
})).object

t.test('a copy equals what structuredClone gives, and shares no object or array with the original', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(record, (r) => {
        const copy = plainCopy(r)
        const shared = (a: unknown, b: unknown): boolean =>
          typeof a === 'object' && a !== null && (a === b || Object.keys(a).some((k) => shared((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])))
        return isDeepStrictEqual(copy, structuredClone(r)) && !shared(copy, r)
      }),
    ),
  )
})

t.test('changing a copy leaves the original as it was', async (t) => {
  const original = { scopes: ['openid'], step: { name: 'IDENTIFY', tries: [1] }, nonce: null, recovery: undefined }
  const copy = plainCopy(original)
  copy.scopes.push('profile')
  copy.step.tries[0] = 2
  t.strictSame(original, { scopes: ['openid'], step: { name: 'IDENTIFY', tries: [1] }, nonce: null, recovery: undefined })
  t.ok('recovery' in copy, 'a field set to undefined is kept, as structuredClone keeps it')
})

t.test('a field named __proto__ (a query parameter, say) stays a field of the copy', async (t) => {
  const original = JSON.parse('{"params":{"__proto__":{"polluted":true},"state":"s1"}}') as { params: Record<string, unknown> }
  const copy = plainCopy(original)
  t.strictSame(Object.keys(copy.params), ['__proto__', 'state'])
  t.equal(Object.getPrototypeOf(copy.params), Object.prototype)
  t.equal((copy.params as { polluted?: unknown }).polluted, undefined)
})
