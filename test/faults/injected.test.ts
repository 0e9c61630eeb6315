/**
 * Internal failures in the middle of a grant (docs/reliability.md § F-5): the store or the signing path throws
 * after validation. The answer is Okta's generic 500 server_error (the only 5xx allowed, and only with a
 * fault injected), nothing of the failure reaches the body, and the refresh token is never consumed
 * without its successor having been delivered: the same token refreshes afterwards. Grace 0, so a
 * consumed token could not hide behind a grace replay.
 */
import t from 'tap'
import { buildTestApp, refresh, signIn } from '../helpers/app.js'
import { checkAnswer } from '../helpers/g-rules.js'
import { refreshPolicy } from '../helpers/refresh-family.js'
import { record } from '../helpers/report.js'
import { randomIds, type Ids } from '../../src/ids.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import type { RefreshOutcome, RefreshRequest } from '../../src/store/store.js'

const FAULTS_PER_KIND = 25
const CANARY = 'CANARY-fault-7d1e-detail'

class Faults {
  store = false
  signer = false
}

class FaultyStore extends MemoryStore {
  constructor(
    max: number,
    private readonly faults: Faults,
  ) {
    super(max)
  }
  override async redeemRefreshToken(r: RefreshRequest): Promise<RefreshOutcome> {
    if (this.faults.store) {
      this.faults.store = false
      throw new Error(`injected store failure ${CANARY}`)
    }
    return super.redeemRefreshToken(r)
  }
}

t.test('a store or signer failure mid-refresh: generic 500, and the refresh token still works', async (t) => {
  const faults = new Faults()
  // Access-token jtis are drawn while the tokens are minted: a failure there is a failure while signing.
  const ids: Ids = {
    ...randomIds,
    jti: () => {
      if (faults.signer) {
        faults.signer = false
        throw new Error(`injected signer failure ${CANARY}`)
      }
      return randomIds.jti()
    },
  }
  const change = refreshPolicy('native-app', { graceSeconds: 0 })
  const { app, logs } = await buildTestApp(t, { change, ids, store: new FaultyStore(1000, faults) })
  let injected = 0
  let expected5xx = 0
  let consumedWithoutSuccessor = 0
  const problems: string[] = []
  for (const kind of ['store', 'signer'] as const) {
    for (let i = 0; i < FAULTS_PER_KIND; i++) {
      const { refresh_token } = await signIn(app, { scope: 'offline_access api:read' })
      faults[kind] = true
      const res = await refresh(app, refresh_token)
      injected++
      const violations = checkAnswer('token', { status: res.statusCode, headers: res.headers, body: res.body }, { injectedFault: true })
      if (res.statusCode === 500 && res.json<{ error: string }>().error === 'server_error' && !res.body.includes(CANARY) && violations.length === 0) expected5xx++
      else problems.push(`${kind}: ${res.statusCode} ${res.body} ${JSON.stringify(violations)}`)
      // The failed attempt delivered no successor, so the presented token must still be the live one.
      const retry = await refresh(app, refresh_token)
      if (retry.statusCode !== 200) consumedWithoutSuccessor++
      else if ((await refresh(app, retry.json<{ refresh_token: string }>().refresh_token)).statusCode !== 200) consumedWithoutSuccessor++
    }
  }
  record('fault', { kind: 'injected', faults: injected, expected5xx, consumedWithoutSuccessor })
  t.comment(`injected faults ${injected} -> expected 5xx ${expected5xx}, RT consumed without successor ${consumedWithoutSuccessor}`)
  t.strictSame(problems, [], 'every injected fault answered with the generic server_error')
  t.equal(expected5xx, injected)
  t.equal(consumedWithoutSuccessor, 0, 'no refresh token consumed without its successor delivered')
  t.notMatch(logs(), CANARY, 'the failure text is not logged either')
})
