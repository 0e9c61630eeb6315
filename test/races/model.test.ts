/**
 * Model-based consistency run (docs/reliability.md § C-12): 1,000 refresh-token families (a quarter
 * started by a sign-in through /authorize and a code redemption, the rest by the password grant) driven
 * concurrently — refresh, double refresh, stale replay, revoke, introspection, clock moves — against a
 * reference model of what each family must be. At the end every family is reconciled: tokens lost 0
 * (a live family's token rejected), forks 0 (two live refresh tokens in a family, or two successors),
 * zombies 0 (anything active after a revoke), 5xx 0, and the store holds exactly the model's families.
 *
 * Operations within one family are sequential (the double refresh is its one deliberate race), so the
 * model predicts every answer exactly; families run in parallel, up to IN_FLIGHT requests at a time.
 * MODEL_SEED replays a run.
 */
import t from 'tap'
import { buildTestApp, post, refresh, signIn } from '../helpers/app.js'
import { authorize, authorizeParams, autoSignIn, pkcePair, redirectParams } from '../helpers/authorize.js'
import { record } from '../helpers/report.js'

const FAMILIES = Number(process.env['MODEL_FAMILIES'] ?? 1000)
const ROUNDS = 12
const IN_FLIGHT = 250
const GRACE_MS = 30_000
const SEED = Number(process.env['MODEL_SEED'] ?? 0x5eed)
const SCOPE = 'offline_access api:read'
const NATIVE_REDIRECT = 'com.example.app:/callback'
/** Every CODE_EVERY-th family starts with a sign-in through the authorization-code flow with PKCE. */
const CODE_EVERY = 4

/** mulberry32: a small seeded generator, so a run is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

interface Family {
  stale: boolean
  current: string
  previous: string | null
  /** Generations before `previous`: replaying one is always reuse. */
  older: string[]
  rotatedAtMs: number
  revoked: boolean
  accessToken: string
}

type Op = 'refresh' | 'double' | 'replay-previous' | 'replay-older' | 'revoke' | 'introspect-at' | 'introspect-rt'

interface Figures {
  ops: number
  lost: number
  forks: number
  zombies: number
  serverErrors: number
  mismatches: string[]
}

t.test(`${FAMILIES} families driven concurrently against a reference model (C-12)`, async (t) => {
  const { app, ctx, clock } = await buildTestApp(t, { change: autoSignIn('native-app') })
  const random = rng(SEED)
  const fig: Figures = { ops: 0, lost: 0, forks: 0, zombies: 0, serverErrors: 0, mismatches: [] }
  let inFlight = 0
  let maxInFlight = 0
  const track = async <T>(p: () => Promise<T>): Promise<T> => {
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    try {
      return await p()
    } finally {
      inFlight--
    }
  }
  const mismatch = (kind: keyof Omit<Figures, 'ops' | 'mismatches'> | 'other', detail: string) => {
    if (kind !== 'other') fig[kind]++
    if (fig.mismatches.length < 10) fig.mismatches.push(`${kind}: ${detail}`)
  }
  const isActive = async (token: string) => {
    const res = await track(() => post(app, 'introspect', { token, client_id: 'native-app' }))
    fig.ops++
    if (res.statusCode >= 500) fig.serverErrors++
    return res.json<{ active: boolean }>().active
  }

  /** A sign-in through /authorize (the client's automatic sign-in) and a code redemption. */
  const codeSignIn = async () => {
    const { verifier, challenge } = pkcePair()
    const { code } = redirectParams(await authorize(app, authorizeParams(challenge, { client_id: 'native-app', redirect_uri: NATIVE_REDIRECT, scope: SCOPE })))
    const res = await post(app, 'token', { grant_type: 'authorization_code', client_id: 'native-app', code: code!, redirect_uri: NATIVE_REDIRECT, code_verifier: verifier })
    fig.ops += 2
    if (res.statusCode !== 200) throw new Error(`code sign-in failed: ${res.statusCode} ${res.body}`)
    return res.json<{ refresh_token: string; access_token: string }>()
  }
  const families: Family[] = []
  await pool(FAMILIES, async (i) => {
    const s = await track(() => (i % CODE_EVERY === 1 ? codeSignIn() : signIn(app, { scope: SCOPE })))
    families[i] = { stale: i % 20 === 0, current: s.refresh_token, previous: null, older: [], rotatedAtMs: 0, revoked: false, accessToken: s.access_token }
  })

  /** One refresh with the model's prediction checked; returns the body on success. */
  async function refreshChecked(_f: Family, token: string, expectOk: boolean, label: string) {
    const res = await track(() => refresh(app, token))
    fig.ops++
    if (res.statusCode >= 500) fig.serverErrors++
    if (expectOk && res.statusCode !== 200) mismatch('lost', `${label}: ${res.statusCode} ${res.body}`)
    if (!expectOk && res.statusCode === 200) mismatch('zombies', `${label}: 200 from a family the model says is dead`)
    return res.statusCode === 200 ? res.json<{ refresh_token: string; access_token: string }>() : undefined
  }

  function rotate(f: Family, next: string, accessToken: string) {
    if (f.previous !== null) f.older.push(f.previous)
    f.previous = f.current
    f.current = next
    f.rotatedAtMs = clock.nowMs()
    f.accessToken = accessToken
  }

  function pick(f: Family): Op {
    const r = random()
    if (f.stale && r < 0.3) return r < 0.15 ? 'replay-previous' : 'replay-older'
    if (r < 0.45) return 'refresh'
    if (r < 0.5) return 'double'
    if (r < 0.53) return 'replay-previous'
    if (r < 0.55) return 'revoke'
    if (r < 0.78) return 'introspect-at'
    return 'introspect-rt'
  }

  async function step(f: Family, op: Op) {
    const live = !f.revoked
    switch (op) {
      case 'refresh': {
        const body = await refreshChecked(f, f.current, live, 'refresh of the current token')
        if (body && live) rotate(f, body.refresh_token, body.access_token)
        return
      }
      case 'double': {
        const [a, b] = await Promise.all([track(() => refresh(app, f.current)), track(() => refresh(app, f.current))])
        fig.ops += 2
        for (const res of [a, b]) if (res.statusCode >= 500) fig.serverErrors++
        if (!live) {
          if (a.statusCode === 200 || b.statusCode === 200) mismatch('zombies', 'double refresh of a dead family succeeded')
          return
        }
        if (a.statusCode !== 200 || b.statusCode !== 200) return mismatch('lost', `double refresh: ${a.statusCode} ${b.statusCode}`)
        const [ra, rb] = [a.json<{ refresh_token: string; access_token: string }>(), b.json<{ refresh_token: string }>()]
        if (ra.refresh_token !== rb.refresh_token) return mismatch('forks', 'two successors from one double refresh')
        rotate(f, ra.refresh_token, ra.access_token)
        return
      }
      case 'replay-previous': {
        if (f.previous === null) return step(f, 'introspect-rt')
        const inGrace = clock.nowMs() - f.rotatedAtMs < GRACE_MS
        const body = await refreshChecked(f, f.previous, live && inGrace, `replay of the previous token (in grace: ${inGrace})`)
        if (live && inGrace && body && body.refresh_token !== f.current) mismatch('forks', 'a grace replay returned a different successor')
        if (live && !inGrace) f.revoked = true
        if (body) f.accessToken = body.access_token
        return
      }
      case 'replay-older': {
        const old = f.older[0]
        if (old === undefined) return step(f, 'introspect-at')
        await refreshChecked(f, old, false, 'replay of an older generation')
        f.revoked = true
        return
      }
      case 'revoke': {
        const res = await track(() => post(app, 'revoke', { token: f.current, client_id: 'native-app' }))
        fig.ops++
        if (res.statusCode !== 200) mismatch(res.statusCode >= 500 ? 'serverErrors' : 'other', `revoke: ${res.statusCode}`)
        f.revoked = true
        return
      }
      case 'introspect-at':
      case 'introspect-rt': {
        const active = await isActive(op === 'introspect-at' ? f.accessToken : f.current)
        if (active && !live) mismatch('zombies', `${op}: active after the family was revoked`)
        if (!active && live) mismatch('lost', `${op}: inactive in a live family`)
        return
      }
    }
  }

  for (let round = 0; round < ROUNDS; round++) {
    const ops = families.map((f) => pick(f))
    await pool(FAMILIES, (i) => step(families[i]!, ops[i]!))
    // Clock moves between rounds: grace windows open and close (Okta's default grace is 30 s).
    clock.advance([0, 0, 10, 31][Math.floor(random() * 4)]!)
  }

  // Reconciliation: every family exactly as the model says.
  clock.advance(31)
  await pool(FAMILIES, async (i) => {
    const f = families[i]!
    const [current, previous, accessToken] = await Promise.all([isActive(f.current), f.previous === null ? false : isActive(f.previous), isActive(f.accessToken)])
    if (f.revoked && (current || previous || accessToken)) mismatch('zombies', `family ${i}: something active after revocation`)
    if (!f.revoked && (!current || !accessToken)) mismatch('lost', `family ${i}: the live token or its access token is inactive`)
    if (previous) mismatch('forks', `family ${i}: the previous refresh token is still active past grace`)
    if (!f.revoked) await refreshChecked(f, f.current, true, `family ${i}: final refresh`)
  })
  const stats = await ctx.store.stats()
  const storeDiff = Math.abs(stats.families - FAMILIES)
  const revoked = families.filter((f) => f.revoked).length
  record('model', {
    families: FAMILIES,
    codeSignIns: Math.floor((FAMILIES + CODE_EVERY - 2) / CODE_EVERY),
    ops: fig.ops,
    inFlight: maxInFlight,
    lost: fig.lost,
    forks: fig.forks,
    zombies: fig.zombies,
    serverErrors: fig.serverErrors,
    evictions: 0,
    storeDiff,
  })
  t.comment(
    `model: families ${FAMILIES} (revoked ${revoked}) ops ${fig.ops} max-in-flight ${maxInFlight} lost ${fig.lost} forks ${fig.forks} zombies ${fig.zombies} 5xx ${fig.serverErrors} store families ${stats.families}`,
  )
  t.strictSame(fig.mismatches, [], 'every answer as the model predicts')
  t.equal(fig.lost + fig.forks + fig.zombies + fig.serverErrors, 0, 'lost 0, forks 0, zombies 0, 5xx 0')
  t.equal(storeDiff, 0, 'the store holds exactly the model’s families')
  t.ok(revoked > 0 && revoked < FAMILIES, `a mix of live and revoked families (${revoked} revoked)`)
})

/** Runs `task(0..n-1)` with at most IN_FLIGHT/2 families at a time (a double refresh has two requests). */
async function pool(n: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < n) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(n, IN_FLIGHT / 2) }, worker))
}
