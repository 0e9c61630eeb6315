/**
 * Fuzzing DPoP proofs and client assertions (docs/dpop.md): a valid proof or assertion, mutated
 * (a claim replaced by any JSON value, a header member changed, a part of the compact form
 * corrupted, or any text instead). Every answer passes docs/reliability.md § G1–G4, is Okta's error for a bad proof or
 * assertion (or a token, when the mutation changed nothing that matters), never a 5xx, and a refused
 * request issues nothing.
 */
import fc from 'fast-check'
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'
import { DEFAULT_AS, FORM, buildTestApp, form } from '../helpers/app.js'
import { presentedBy } from '../helpers/canary.js'
import { ASSERTION_KID, JWT_BEARER, TOKEN_URL, addDpopClients, dpopProof, postWith } from '../helpers/dpop.js'
import { KEYS } from '../helpers/dpop-bad-input.js'
import { count, newTally, runProperty } from '../helpers/fuzz.js'
import { checkAnswer } from '../helpers/g-rules.js'

const RUNS = Math.max(50, Math.floor(Number(process.env['FUZZ_RUNS'] ?? 2000) / 4))
const PASSWORD = { grant_type: 'password', client_id: 'dpop-native', username: 'alice@example.com', password: 'alice-password', scope: 'openid' }

type Mutation =
  | { kind: 'claim'; name: string; value: fc.JsonValue | undefined }
  | { kind: 'header'; name: string; value: fc.JsonValue | undefined }
  | { kind: 'corrupt'; part: number; at: number; char: string }
  | { kind: 'text'; text: string }

const mutation = (claims: string[], headers: string[]): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.record({ kind: fc.constant('claim' as const), name: fc.constantFrom(...claims, 'extra'), value: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }) }),
    fc.record({ kind: fc.constant('header' as const), name: fc.constantFrom(...headers), value: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }) }),
    fc.record({ kind: fc.constant('corrupt' as const), part: fc.nat({ max: 2 }), at: fc.nat(), char: fc.constantFrom('A', '_', '-', '.', '=', '%', ' ', 'é') }),
    fc.record({ kind: fc.constant('text' as const), text: fc.string({ maxLength: 300 }) }),
  )

/** The compact JWS `jwt` with one part corrupted at one position. */
function corrupt(jwt: string, part: number, at: number, char: string): string {
  const parts = jwt.split('.')
  const p = parts[part] ?? ''
  parts[part] = p.length === 0 ? char : `${p.slice(0, at % p.length)}${char}${p.slice((at % p.length) + 1)}`
  return parts.join('.')
}

function apply<T extends Record<string, unknown>>(base: T, name: string, value: fc.JsonValue | undefined): T {
  const out: Record<string, unknown> = { ...base }
  if (value === undefined) delete out[name]
  else out[name] = value
  return out as T
}

t.test('DPoP proofs at /token: any mutation gets invalid_dpop_proof, use_dpop_nonce or a token, never a 5xx', async (t) => {
  const app = await buildTestApp(t, { change: (c) => addDpopClients(c, KEYS) })
  const now = Math.floor(app.clock.nowMs() / 1000)
  const nonce = (await postWith(app.app, 'token', PASSWORD, { dpop: await dpopProof(KEYS.dpop, now) })).headers['dpop-nonce'] as string
  const tally = newTally()
  await runProperty(
    t,
    'dpop-proof',
    [mutation(['htm', 'htu', 'iat', 'jti', 'nonce'], ['typ', 'alg', 'jwk', 'kid', 'crit'])] as const,
    async (m) => {
      let proof: string
      const claims = { htm: 'POST', htu: TOKEN_URL, iat: now, jti: randomUUID(), nonce }
      const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: KEYS.dpop.publicJwk }
      if (m.kind === 'claim') proof = await new SignJWT(apply(claims, m.name, m.value) as never).setProtectedHeader(header as never).sign(KEYS.dpop.privateKey)
      else if (m.kind === 'header') {
        // jose refuses to sign some headers (alg missing, crit without support): then the raw text goes.
        const h = apply(header, m.name, m.value)
        proof = await new SignJWT(claims)
          .setProtectedHeader(h as never)
          .sign(KEYS.dpop.privateKey)
          .catch(() => `${Buffer.from(JSON.stringify(h)).toString('base64url')}.e30.sig`)
      } else if (m.kind === 'corrupt') proof = corrupt(await dpopProof(KEYS.dpop, now, { nonce }), m.part, m.at, m.char)
      else proof = m.text
      const families = (await app.ctx.store.stats()).families
      const headers = { ...FORM, dpop: proof }
      const res = await app.app.inject({ method: 'POST', url: `${DEFAULT_AS}/token`, headers, payload: form(PASSWORD) }).catch((err: Error) => {
        // A header value Node itself refuses to send (a control character): not mockta's answer to judge.
        if ((err as { code?: string }).code === 'ERR_INVALID_CHAR') return undefined
        throw err
      })
      if (!res) return
      count(tally, res)
      const violations = checkAnswer(
        'token',
        { status: res.statusCode, headers: res.headers, body: res.body },
        { presented: presentedBy(headers, {}, {}), sentAuthorization: false },
      )
      if (violations.length) throw new Error(`${res.statusCode} ${res.body.slice(0, 200)}: ${JSON.stringify(violations)}`)
      if (res.statusCode === 200) return
      const error = res.json<{ error: string }>().error
      if (res.statusCode !== 400 || !['invalid_dpop_proof', 'use_dpop_nonce'].includes(error)) throw new Error(`${res.statusCode} ${res.body}`)
      if ((await app.ctx.store.stats()).families !== families) throw new Error('a refused request issued a family')
    },
    tally,
    { numRuns: RUNS },
  )
})

t.test('client assertions: any mutation gets invalid_client, invalid_request or a token, never a 5xx', async (t) => {
  const app = await buildTestApp(t, { change: (c) => addDpopClients(c, KEYS) })
  const now = Math.floor(app.clock.nowMs() / 1000)
  const tally = newTally()
  await runProperty(
    t,
    'client-assertion',
    [mutation(['iss', 'sub', 'aud', 'exp', 'iat', 'jti'], ['alg', 'kid', 'typ', 'crit', 'jwk'])] as const,
    async (m) => {
      const claims = { iss: 'jwt-service', sub: 'jwt-service', aud: TOKEN_URL, iat: now, exp: now + 300, jti: randomUUID() }
      const header = { alg: 'RS256', kid: ASSERTION_KID }
      let assertion: string
      if (m.kind === 'claim') assertion = await new SignJWT(apply(claims, m.name, m.value) as never).setProtectedHeader(header).sign(KEYS.serviceKey.privateKey)
      else if (m.kind === 'header') {
        const h = apply(header, m.name, m.value)
        assertion = await new SignJWT(claims)
          .setProtectedHeader(h as never)
          .sign(KEYS.serviceKey.privateKey)
          .catch(() => `${Buffer.from(JSON.stringify(h)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`)
      } else if (m.kind === 'corrupt') assertion = corrupt(await new SignJWT(claims).setProtectedHeader(header).sign(KEYS.serviceKey.privateKey), m.part, m.at, m.char)
      else assertion = m.text
      const params = { grant_type: 'client_credentials', scope: 'api:read', client_assertion_type: JWT_BEARER, client_assertion: assertion }
      const res = await app.app.inject({ method: 'POST', url: `${DEFAULT_AS}/token`, headers: FORM, payload: form(params) })
      count(tally, res)
      const violations = checkAnswer(
        'token',
        { status: res.statusCode, headers: res.headers, body: res.body },
        { presented: presentedBy(FORM, { client_assertion: [assertion] }, {}), sentAuthorization: false },
      )
      if (violations.length) throw new Error(`${res.statusCode} ${res.body.slice(0, 200)}: ${JSON.stringify(violations)}`)
      if (res.statusCode === 200) return
      const error = res.json<{ error: string }>().error
      if (!((res.statusCode === 401 && error === 'invalid_client') || (res.statusCode === 400 && ['invalid_request', 'invalid_scope'].includes(error))))
        throw new Error(`${res.statusCode} ${res.body}`)
    },
    tally,
    { numRuns: RUNS },
  )
})
