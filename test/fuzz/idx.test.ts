/**
 * Fuzzing the IDX API (docs/identity-engine.md, "Requests"): any JSON body, media type and path under
 * /idp/idx/ gets an IDX body in `application/ion+json`, a status Okta uses, never a 5xx, and never
 * repeats a value it was sent.
 */
import fc from 'fast-check'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { count, newTally, runProperty } from '../helpers/fuzz.js'
import { ION, startInteraction } from '../helpers/idx.js'

const MARKER = 'FUZZ-MARK'

t.test('/idp/idx/*: any body gets a well-formed IDX answer', async (t) => {
  const { app } = await buildTestApp(t)
  const { stateHandle } = await startInteraction(app)
  const tally = newTally()
  const path = fc.constantFrom('introspect', 'identify', 'challenge', 'challenge/answer', 'cancel', 'skip', 'enroll/new')
  const value: fc.Arbitrary<unknown> = fc.oneof(
    fc.constant(stateHandle),
    fc.string({ maxLength: 40 }).map((s) => `${MARKER}${s}`),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
    fc.record({
      passcode: fc.oneof(
        fc.constant('alice-password'),
        fc.string({ maxLength: 10 }).map((s) => `${MARKER}${s}`),
      ),
      id: fc.string({ maxLength: 10 }),
    }),
  )
  const key = fc.constantFrom('stateHandle', 'stateToken', 'interactionHandle', 'identifier', 'credentials', 'authenticator', 'rememberMe', '__proto__', 'constructor')
  const body = fc.oneof(
    { weight: 4, arbitrary: fc.dictionary(key, value, { maxKeys: 5 }).map((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => `${MARKER}${s}`) },
  )
  const type = fc.constantFrom(ION, 'application/json', 'application/json; okta-version=1.0.0', 'text/plain', 'application/x-www-form-urlencoded')
  await runProperty(
    t,
    'idx-body',
    [path, body, type] as const,
    async (p, payload, contentType) => {
      const res = await app.inject({ method: 'POST', url: `/idp/idx/${p}`, headers: { 'content-type': contentType }, payload })
      count(tally, res)
      if (![200, 400, 401, 404, 413, 415].includes(res.statusCode)) throw new Error(`unexpected status ${res.statusCode}: ${res.body.slice(0, 200)}`)
      if (res.headers['content-type'] !== ION) throw new Error(`content type ${String(res.headers['content-type'])}`)
      const answer = res.json<Record<string, unknown>>()
      if (answer['version'] !== '1.0.0') throw new Error(`not an IDX body: ${res.body.slice(0, 200)}`)
      if (res.body.includes(MARKER)) throw new Error(`a sent value repeated: ${res.body.slice(0, 200)}`)
    },
    tally,
    { numRuns: 300 },
  )
})
