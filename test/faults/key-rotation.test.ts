/**
 * Key rotation with tokens outstanding (docs/reliability.md § F-4, SP-19), at the KeySet/configuration level
 * in one running app: key A signs, then B signs with A still published (the overlap), then A is
 * retired. Each step swaps the server's keys for those an AuthServers built from the changed
 * configuration has, as a control-plane rotation hook would.
 */
import t from 'tap'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { SERVICE, basic, buildTestApp, post, refresh, signIn, testConfig } from '../helpers/app.js'
import { record } from '../helpers/report.js'
import { KeySet } from '../../src/keys/key-set.js'
import { AuthServers } from '../../src/registry/auth-servers.js'
import type { TestApp } from '../helpers/app.js'

const ISSUED_PER_PHASE = 500
const auth = { authorization: basic(SERVICE.id, SERVICE.secret) }

t.test('rotation: new key first published, old key kept until retired; old tokens active during the overlap, inactive after', async (t) => {
  const base = testConfig()
  const [kidA, kidB] = [base.keys[0]!.kid!, base.keys[2]!.kid!]
  const live = await buildTestApp(t, { change: (c) => (c.authorizationServers[0]!.signingKeys = [kidA]) })
  const { app, clock } = live
  /** Gives the running default server the keys of a configuration with `signingKeys`. */
  const phase = (signingKeys: string[]): TestApp => {
    const config = structuredClone(live.ctx.config)
    config.authorizationServers[0]!.signingKeys = signingKeys
    const next = new AuthServers(config, new KeySet(config.keys)).resolve('default')
    const current = live.ctx.servers.resolve('default')
    Object.assign(current, { idTokenKey: next.idTokenKey, accessTokenKey: next.accessTokenKey, jwksJson: next.jwksJson, verificationKeys: next.verificationKeys })
    return live
  }
  let issued = 0
  let verified = 0
  /** Issues client-credentials tokens and verifies each against the JWKS fetched right after it. */
  const issueAndVerify = async (_live: TestApp, count: number, kid: string) => {
    const tokens: string[] = []
    for (let i = 0; i < count; i++) {
      const res = await post(app, 'token', { grant_type: 'client_credentials', scope: 'api:read' }, auth)
      const token = res.json<{ access_token: string }>().access_token
      const jwks = createLocalJWKSet((await app.inject({ method: 'GET', url: '/oauth2/default/v1/keys' })).json())
      issued++
      try {
        await jwtVerify(token, jwks, { algorithms: ['RS256'], currentDate: new Date(clock.nowMs()) })
        if (decodeProtectedHeader(token).kid === kid) verified++
      } catch {
        // counted as not verified
      }
      tokens.push(token)
    }
    return tokens
  }

  const before = phase([kidA])
  const oldTokens = await issueAndVerify(before, ISSUED_PER_PHASE, kidA)
  const session = await signIn(before.app, { scope: 'offline_access api:read' })

  // Rotation: B signs, A stays published; B is in /keys before the first token it signs.
  const overlap = phase([kidB, kidA])
  const kids = (await overlap.app.inject({ method: 'GET', url: '/oauth2/default/v1/keys' })).json<{ keys: Array<{ kid: string }> }>().keys.map((k) => k.kid)
  t.strictSame(kids, [kidB, kidA], 'both keys published during the overlap, new first')
  await issueAndVerify(overlap, ISSUED_PER_PHASE, kidB)
  let activeDuringOverlap = 0
  for (const token of oldTokens.slice(0, 100)) if ((await post(overlap.app, 'introspect', { token }, auth)).json<{ active: boolean }>().active) activeDuringOverlap++
  t.equal(activeDuringOverlap, 100, 'tokens signed before the rotation stay active until exp')
  const refreshed = await refresh(overlap.app, session.refresh_token)
  t.equal(refreshed.statusCode, 200, 'refresh tokens are opaque: a refresh across the rotation works')
  t.equal(decodeProtectedHeader(refreshed.json<{ access_token: string }>().access_token).kid, kidB, '…and its access token carries the new kid')

  // Retirement: A is gone; its tokens are inactive, never a 500.
  const after = phase([kidB])
  let retiredInactive = 0
  for (const token of oldTokens.slice(0, 100)) {
    const res = await post(after.app, 'introspect', { token }, auth)
    if (res.statusCode === 200 && res.body === '{"active":false}') retiredInactive++
  }
  t.equal(verified, issued, `every access token verified against the JWKS retrieved right after it (${verified}/${issued})`)
  t.equal(retiredInactive, 100, 'old-key tokens inactive once the key is retired')
  record('fault', { kind: 'key-rotation', issued, verified, retiredInactive, retiredTotal: 100 })
})
