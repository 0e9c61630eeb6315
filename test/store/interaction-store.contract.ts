/**
 * The Identity Engine part of the Store contract (src/store/interaction-store.ts): interactions found by
 * handle and by their current stateHandle only, a compare-and-set step with exactly one winner, an
 * interaction code redeemed once and only before it expires, and the lock-out counts. Run by
 * storeContract for every implementation (memory, memory through a snapshot, Redis).
 */
import type { Test } from 'tap'
import type { AuthnTransactionRecord, InteractionRecord } from '../../src/store/interaction-store.js'
import type { Store } from '../../src/store/store.js'

const T0 = Date.UTC(2026, 0, 1)
const SECOND = 1000

export function interactionRecord(overrides: Partial<InteractionRecord> = {}): InteractionRecord {
  return {
    handleHash: 'handle-hash-1',
    clientId: 'spa-app',
    authServerId: 'default',
    redirectUri: 'http://localhost:3000/login/callback',
    scopes: ['openid', 'offline_access'],
    state: 'st',
    nonce: null,
    codeChallenge: 'c'.repeat(43),
    step: 'IDENTIFY',
    version: 0,
    stateGeneration: 0,
    stateHandleHash: 'state-hash-1',
    userId: null,
    amr: [],
    authTime: null,
    codeHash: null,
    codeExpiresAtMs: null,
    expiresAtMs: T0 + 600 * SECOND,
    ...overrides,
  }
}

/** The interaction after a successful sign-in: a code that lives a minute. */
const succeeded = (overrides: Partial<InteractionRecord> = {}): InteractionRecord =>
  interactionRecord({
    step: 'SUCCESS',
    version: 1,
    userId: '00ualice000000000001',
    amr: ['pwd'],
    authTime: T0 / 1000,
    codeHash: 'code-hash-1',
    codeExpiresAtMs: T0 + 60 * SECOND,
    ...overrides,
  })

export function authnTransactionRecord(overrides: Partial<AuthnTransactionRecord> = {}): AuthnTransactionRecord {
  return {
    stateTokenHash: 'state-token-hash-1',
    userId: '00ualice000000000001',
    status: 'MFA_REQUIRED',
    factorId: null,
    codeHash: null,
    codeExpiresAtMs: null,
    authTime: T0 / 1000,
    amr: ['pwd'],
    version: 0,
    expiresAtMs: T0 + 300 * SECOND,
    ...overrides,
  }
}

export function interactionStoreContract(t: Test, makeStore: () => Store | Promise<Store>): void {
  t.test('interactions: found by handle and by the current stateHandle until they expire', async (t) => {
    const store = await makeStore()
    await store.createInteraction(interactionRecord())
    t.strictSame(await store.findInteraction('handle-hash-1', T0), interactionRecord())
    t.strictSame(await store.findInteractionByStateHandle('state-hash-1', T0), interactionRecord())
    t.equal(await store.findInteraction('handle-hash-1', T0 + 600 * SECOND), undefined, 'expired at expiresAtMs')
    t.equal(await store.findInteractionByStateHandle('state-hash-1', T0 + 600 * SECOND), undefined)
    t.equal(await store.findInteraction('unknown', T0), undefined)
    t.equal(await store.findInteractionByStateHandle('unknown', T0), undefined)
  })

  t.test('interactions: a step is a compare-and-set; a new stateHandle retires the old one', async (t) => {
    const store = await makeStore()
    await store.createInteraction(interactionRecord())
    const next = interactionRecord({ version: 1, stateGeneration: 1, stateHandleHash: 'state-hash-2', step: 'CHALLENGE_PASSWORD', userId: '00ualice000000000001' })
    t.strictSame(await store.advanceInteraction(next, 0), { kind: 'advanced' })
    t.strictSame(await store.advanceInteraction({ ...next, version: 2 }, 0), { kind: 'conflict' }, 'a stale version loses')
    t.strictSame(await store.findInteraction('handle-hash-1', T0), next)
    t.equal(await store.findInteractionByStateHandle('state-hash-1', T0), undefined, 'the earlier stateHandle finds nothing')
    t.strictSame(await store.findInteractionByStateHandle('state-hash-2', T0), next)
    t.strictSame(await store.advanceInteraction(interactionRecord({ handleHash: 'unknown', version: 1 }), 0), { kind: 'conflict' }, 'an unknown interaction')
  })

  t.test('interactions: the email challenge and recovery members come back as stored, and go when left out', async (t) => {
    const store = await makeStore()
    await store.createInteraction(interactionRecord())
    const challenged = interactionRecord({
      version: 1,
      step: 'CHALLENGE_EMAIL',
      recovery: true,
      emailGeneration: 3,
      emailCodeExpiresAtMs: T0 + 300 * SECOND,
      identifier: 'nobody@example.com',
    })
    t.strictSame(await store.advanceInteraction(challenged, 0), { kind: 'advanced' })
    t.strictSame(await store.findInteraction('handle-hash-1', T0), challenged)
    const { recovery: _r, identifier: _i, emailCodeExpiresAtMs: _e, ...rest } = challenged
    const reset = { ...rest, version: 2, step: 'RESET_PASSWORD' as const }
    t.strictSame(await store.advanceInteraction(reset, 1), { kind: 'advanced' })
    t.strictSame(await store.findInteractionByStateHandle('state-hash-1', T0), reset)
  })

  t.test("interactions: a registration's email enrolment comes back as stored, and its code steps go on", async (t) => {
    const store = await makeStore()
    await store.createInteraction(interactionRecord())
    const enrolling = interactionRecord({
      version: 1,
      step: 'ENROLL_EMAIL',
      userId: '00ucarol000000000009',
      amr: ['pwd'],
      emailGeneration: 1,
      emailCodeExpiresAtMs: T0 + 300 * SECOND,
    })
    t.strictSame(await store.advanceInteraction(enrolling, 0), { kind: 'advanced' })
    t.strictSame(await store.findInteraction('handle-hash-1', T0), enrolling)
    const resent = { ...enrolling, version: 2, emailGeneration: 2 }
    t.strictSame(await store.advanceInteraction(resent, 1), { kind: 'advanced' })
    t.strictSame(await store.advanceInteraction({ ...enrolling, version: 2, emailGeneration: 9 }, 1), { kind: 'conflict' }, 'a second resend on the same version loses')
    t.strictSame(await store.findInteractionByStateHandle('state-hash-1', T0), resent)
  })

  t.test('interactions: of concurrent steps on one version exactly one advances', async (t) => {
    const store = await makeStore()
    await store.createInteraction(interactionRecord())
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, n) => store.advanceInteraction(interactionRecord({ version: 1, userId: `user-${n}` }), 0)))
    t.equal(outcomes.filter((o) => o.kind === 'advanced').length, 1)
    const winner = outcomes.findIndex((o) => o.kind === 'advanced')
    t.equal((await store.findInteraction('handle-hash-1', T0))?.userId, `user-${winner}`, "the winner's record is the one kept")
  })

  t.test('interaction codes: redeemed once, before they expire, and the interaction goes with them', async (t) => {
    const store = await makeStore()
    await store.createInteraction(interactionRecord())
    await store.advanceInteraction(succeeded(), 0)
    t.equal(await store.takeInteractionByCode('code-hash-1', T0 + 60 * SECOND), undefined, 'expired at codeExpiresAtMs')
    t.strictSame(await store.takeInteractionByCode('code-hash-1', T0), succeeded())
    t.equal(await store.takeInteractionByCode('code-hash-1', T0), undefined, 'a second redemption finds nothing')
    t.equal(await store.findInteraction('handle-hash-1', T0), undefined, 'the interaction is closed')
    t.equal(await store.findInteractionByStateHandle('state-hash-1', T0), undefined)
    t.equal(await store.takeInteractionByCode('unknown', T0), undefined)
  })

  t.test('interaction codes: a burst of redemptions, exactly one wins', async (t) => {
    const store = await makeStore()
    await store.createInteraction(succeeded({ version: 0 }))
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => store.takeInteractionByCode('code-hash-1', T0)))
    t.equal(outcomes.filter((o) => o !== undefined).length, 1)
  })

  t.test('sign-in failures: counted per user, cleared by a success and by clear', async (t) => {
    const store = await makeStore()
    t.equal(await store.signInFailures('00ualice000000000001'), 0)
    t.equal(await store.recordSignInFailure('00ualice000000000001'), 1)
    t.equal(await store.recordSignInFailure('00ualice000000000001'), 2)
    t.equal(await store.recordSignInFailure('00ubob00000000000002'), 1)
    t.equal(await store.signInFailures('00ualice000000000001'), 2)
    await store.clearSignInFailures('00ualice000000000001')
    t.equal(await store.signInFailures('00ualice000000000001'), 0)
    t.equal(await store.signInFailures('00ubob00000000000002'), 1)
    await store.createInteraction(interactionRecord())
    await store.clear()
    t.equal(await store.signInFailures('00ubob00000000000002'), 0)
    t.equal(await store.findInteraction('handle-hash-1', T0), undefined, 'clear forgets interactions')
  })

  t.test('a hosted interaction keeps its /authorize request and browser through every step', async (t) => {
    const store = await makeStore()
    const hosted = {
      request: {
        clientId: 'spa-app',
        authServerId: 'default',
        redirectUri: 'http://localhost:3000/login/callback',
        responseTypes: ['code' as const],
        responseMode: 'query' as const,
        scopes: ['openid'],
        state: 's',
        nonce: 'n',
        codeChallenge: 'c'.repeat(43),
        prompt: [],
        loginHint: null,
        maxAge: null,
      },
      browserHash: 'browser-hash-1',
    }
    await store.createInteraction(interactionRecord({ hosted }))
    t.strictSame((await store.findInteractionByStateHandle('state-hash-1', T0))?.hosted, hosted)
    t.same(await store.advanceInteraction(succeeded({ hosted }), 0), { kind: 'advanced' })
    t.strictSame((await store.takeInteractionByCode('code-hash-1', T0))?.hosted, hosted)
  })

  t.test('sweep drops expired interactions', async (t) => {
    const store = await makeStore()
    await store.createInteraction(interactionRecord())
    await store.createInteraction(interactionRecord({ handleHash: 'handle-hash-2', stateHandleHash: 'state-hash-2', expiresAtMs: T0 + 1200 * SECOND }))
    t.ok((await store.sweep(T0 + 600 * SECOND)) >= 1)
    t.equal(await store.findInteraction('handle-hash-1', T0), undefined)
    t.ok(await store.findInteraction('handle-hash-2', T0))
  })

  t.test('authn transactions: found by state-token hash until they expire, stepped by compare-and-set', async (t) => {
    const store = await makeStore()
    await store.createAuthnTransaction(authnTransactionRecord())
    t.strictSame(await store.findAuthnTransaction('state-token-hash-1', T0), authnTransactionRecord())
    t.equal(await store.findAuthnTransaction('state-token-hash-1', T0 + 300 * SECOND), undefined, 'expired at expiresAtMs')
    t.equal(await store.findAuthnTransaction('unknown', T0), undefined)
    const challenged = authnTransactionRecord({
      status: 'MFA_CHALLENGE',
      factorId: 'emf0000000000000001',
      codeHash: 'code-hash',
      codeExpiresAtMs: T0 + 300 * SECOND,
      version: 1,
      expiresAtMs: T0 + 400 * SECOND,
    })
    t.strictSame(await store.advanceAuthnTransaction('state-token-hash-1', challenged, 0), { kind: 'advanced' })
    t.strictSame(await store.findAuthnTransaction('state-token-hash-1', T0 + 350 * SECOND), challenged, 'the step slid the expiry')
    t.strictSame(await store.advanceAuthnTransaction('state-token-hash-1', challenged, 0), { kind: 'conflict' }, 'a stale version loses')
    t.strictSame(await store.advanceAuthnTransaction('state-token-hash-1', null, 1), { kind: 'advanced' }, 'null ends it')
    t.equal(await store.findAuthnTransaction('state-token-hash-1', T0), undefined)
    t.strictSame(await store.advanceAuthnTransaction('state-token-hash-1', null, 1), { kind: 'conflict' }, 'an ended one cannot end again')
    t.strictSame(await store.advanceAuthnTransaction('unknown', null, 0), { kind: 'conflict' })
  })

  t.test('authn transactions: a burst of steps on one version, exactly one wins', async (t) => {
    const store = await makeStore()
    await store.createAuthnTransaction(authnTransactionRecord())
    const results = await Promise.all(Array.from({ length: 20 }, () => store.advanceAuthnTransaction('state-token-hash-1', null, 0)))
    t.equal(results.filter((r) => r.kind === 'advanced').length, 1)
  })

  t.test('authn transactions: a sweep keeps live ones; clear forgets them', async (t) => {
    const store = await makeStore()
    await store.createAuthnTransaction(authnTransactionRecord())
    await store.createAuthnTransaction(authnTransactionRecord({ stateTokenHash: 'state-token-hash-2', expiresAtMs: T0 + 900 * SECOND }))
    await store.sweep(T0 + 300 * SECOND)
    t.equal(await store.findAuthnTransaction('state-token-hash-1', T0 + 300 * SECOND), undefined)
    t.ok(await store.findAuthnTransaction('state-token-hash-2', T0 + 300 * SECOND))
    await store.clear()
    t.equal(await store.findAuthnTransaction('state-token-hash-2', T0), undefined)
  })
}
