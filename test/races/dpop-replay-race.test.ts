/**
 * A replayed DPoP proof and a replayed client-assertion jti, sent N times at once (RFC 9449 §11.1,
 * RFC 7523 §3 item 7): exactly one request wins, the others get Okta's "already used" error, never a
 * 5xx. On the memory store, and on two replicas sharing Redis with the requests split between them
 * (docs/replicas.md: spent jtis live in the shared store).
 */
import t, { type Test } from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { ASSERTION_KID, JWT_BEARER, addDpopClients, dpopProof, keyAssertion, postWith } from '../helpers/dpop.js'
import { KEYS } from '../helpers/dpop-bad-input.js'
import { replicaPair } from '../helpers/replicas.js'
import { record } from '../helpers/report.js'
import { control } from '../helpers/control.js'

const SIZES = [2, 8]
const BURSTS = Number(process.env['DPOP_BURSTS'] ?? 20)
const PASSWORD = { grant_type: 'password', client_id: 'dpop-native', username: 'alice@example.com', password: 'alice-password', scope: 'openid' }
const nowOf = (a: TestApp): number => Math.floor(a.clock.nowMs() / 1000)

interface Tally {
  ok: number
  refused: number
  serverErrors: number
}

function tally(all: LightMyRequestResponse[], refusal: string): Tally {
  return {
    ok: all.filter((r) => r.statusCode === 200).length,
    refused: all.filter((r) => r.statusCode < 500 && r.statusCode !== 200 && r.json<{ error_description?: string }>().error_description === refusal).length,
    serverErrors: all.filter((r) => r.statusCode >= 500).length,
  }
}

async function burstsOf(t: Test, store: 'memory' | 'redis', apps: FastifyInstance[], clockOf: TestApp): Promise<void> {
  const at = (i: number) => apps[i % apps.length]!
  for (const n of SIZES) {
    let proofWins = 0
    let jtiWins = 0
    let serverErrors = 0
    for (let b = 0; b < BURSTS; b++) {
      const nonce = (await postWith(at(0), 'token', PASSWORD, { dpop: await dpopProof(KEYS.dpop, nowOf(clockOf)) })).headers['dpop-nonce'] as string
      const proof = await dpopProof(KEYS.dpop, nowOf(clockOf), { nonce })
      const proofs = tally(await Promise.all(Array.from({ length: n }, (_, i) => postWith(at(i), 'token', PASSWORD, { dpop: proof }))), 'The DPoP proof JWT has already been used.')
      if (proofs.ok === 1 && proofs.refused === n - 1) proofWins++
      const assertion = await keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', nowOf(clockOf))
      const params = { grant_type: 'client_credentials', scope: 'api:read', client_assertion_type: JWT_BEARER, client_assertion: assertion }
      const jtis = tally(await Promise.all(Array.from({ length: n }, (_, i) => postWith(at(i), 'token', params))), 'The client_assertion token has already been used.')
      if (jtis.ok === 1 && jtis.refused === n - 1) jtiWins++
      serverErrors += proofs.serverErrors + jtis.serverErrors
    }
    record('race', { kind: 'dpop-proof-replay', store, n, bursts: BURSTS, good: proofWins, serverErrors })
    record('race', { kind: 'assertion-replay', store, n, bursts: BURSTS, good: jtiWins, serverErrors: 0 })
    t.equal(proofWins, BURSTS, `${store}, ${n} at once: one proof wins in every burst`)
    t.equal(jtiWins, BURSTS, `${store}, ${n} at once: one assertion wins in every burst`)
    t.equal(serverErrors, 0, `${store}, ${n} at once: no 5xx`)
  }
}

t.test('memory store: one winner per replayed proof and per replayed assertion', async (t) => {
  const a = await buildTestApp(t, { change: (c) => addDpopClients(c, KEYS) })
  await burstsOf(t, 'memory', [a.app], a)
})

t.test('two replicas on Redis: one winner across both', async (t) => {
  const pair = await replicaPair(t, { change: (c) => addDpopClients(c, KEYS) })
  if (!pair) return
  await burstsOf(t, 'redis', [pair.a.app, pair.b.app], pair.a)
})

t.test('two replicas on Redis: a nonce of one is good at the other, and a bound family keeps its key', async (t) => {
  const pair = await replicaPair(t, { change: (c) => addDpopClients(c, KEYS) })
  if (!pair) return
  const now = nowOf(pair.a)
  const nonce = (await postWith(pair.a.app, 'token', PASSWORD, { dpop: await dpopProof(KEYS.dpop, now) })).headers['dpop-nonce'] as string
  const signIn = await postWith(pair.b.app, 'token', { ...PASSWORD, scope: 'openid offline_access' }, { dpop: await dpopProof(KEYS.dpop, now, { nonce }) })
  t.equal(signIn.statusCode, 200, 'the nonce of replica a, at replica b')
  const refresh = { grant_type: 'refresh_token', client_id: 'dpop-native', refresh_token: signIn.json<{ refresh_token: string }>().refresh_token }
  const wrong = await postWith(pair.a.app, 'token', refresh, { dpop: await dpopProof(KEYS.other, now, { nonce }) })
  t.equal(wrong.json<{ error_description: string }>().error_description, 'Invalid DPoP Public Key binding in refresh token')
  const right = await postWith(pair.a.app, 'token', refresh, { dpop: await dpopProof(KEYS.dpop, now, { nonce }) })
  t.equal(right.json<{ token_type: string }>().token_type, 'DPoP', right.body)
  const rotated = await control(pair.b.app, 'POST', '/dpop/default/nonce/rotate')
  t.not(rotated.json<{ nonce: string }>().nonce, nonce, 'a rotation at b')
  const atA = await postWith(pair.a.app, 'token', PASSWORD, { dpop: await dpopProof(KEYS.dpop, now) })
  t.equal(atA.headers['dpop-nonce'], rotated.json<{ nonce: string }>().nonce, 'is the nonce replica a hands out')
})
