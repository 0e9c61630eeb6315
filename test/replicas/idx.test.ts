/**
 * The Identity Engine across replicas (docs/replicas.md, docs/identity-engine.md): two in-process apps
 * on one real redis-server. An interaction started on one replica goes on, step by step, on the other,
 * for a password sign-in and for a registration, whose new user both replicas then know; concurrent
 * sign-ups for one email over both replicas create one user.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { ALICE } from '../helpers/app.js'
import { SPA } from '../helpers/authorize.js'
import { idxCall, identifyWithPassword, interactionCodeOf, NEW_USER, redeem, startInteraction } from '../helpers/idx.js'
import { replicaPair } from '../helpers/replicas.js'
import { startRedis } from '../helpers/redis-server.js'

type Body = Record<string, any>
const names = (body: Body): string[] => (body['remediation']?.value ?? []).map((r: Body) => r['name'])

t.test('replicas', async (t) => {
  const redis = await startRedis(t)
  if (!redis) return

  t.test('a password sign-in started on A goes on on B, and redeems on A', async (t) => {
    const pair = await replicaPair(t, { redis, change: (c) => void (c.identityEngine.identifierFirst = true) })
    if (!pair) return
    const { a, b } = pair
    const interaction = await startInteraction(a.app)
    const seen = (await idxCall(b.app, 'introspect', { interactionHandle: interaction.handle })).json() as Body
    t.equal(seen['stateHandle'], interaction.stateHandle, 'B shows the interaction A opened')
    const challenge = await idxCall(b.app, 'identify', { identifier: ALICE.username, stateHandle: interaction.stateHandle })
    t.strictSame(names(challenge.json() as Body), ['challenge-authenticator', 'select-authenticator-authenticate'])
    t.strictSame(
      names((await idxCall(a.app, 'introspect', { interactionHandle: interaction.handle })).json() as Body),
      ['challenge-authenticator', 'select-authenticator-authenticate'],
      'A sees the step B took',
    )
    const success = await idxCall(a.app, 'challenge/answer', { credentials: { passcode: ALICE.password }, stateHandle: interaction.stateHandle })
    const code = interactionCodeOf(success.json() as Body)
    t.ok(code)
    const tokens = await redeem(b.app, { client_id: SPA.id, interaction_code: code!, code_verifier: interaction.verifier })
    t.equal(tokens.statusCode, 200, 'redeemed on B')
    t.equal((await redeem(a.app, { client_id: SPA.id, interaction_code: code!, code_verifier: interaction.verifier })).statusCode, 400, 'once across both')
  })

  t.test('a registration alternating between A and B; both know the new user', async (t) => {
    const pair = await replicaPair(t, { redis })
    if (!pair) return
    const { a, b } = pair
    const interaction = await startInteraction(a.app)
    const { stateHandle } = interaction
    const steps: Array<[FastifyInstance, string, Body]> = [
      [b.app, 'enroll', { stateHandle }],
      [a.app, 'enroll/new', { userProfile: { firstName: NEW_USER.firstName, lastName: NEW_USER.lastName, email: NEW_USER.email }, stateHandle }],
      [b.app, 'credential/enroll', { authenticator: { id: 'autpassword000000001' }, stateHandle }],
      [a.app, 'challenge/answer', { credentials: { passcode: NEW_USER.password }, stateHandle }],
      [b.app, 'skip', { stateHandle }],
    ]
    let last: Body = {}
    for (const [app, path, body] of steps) {
      const res = await idxCall(app, path, body)
      t.equal(res.statusCode, 200, `${path} on ${app === a.app ? 'A' : 'B'}`)
      last = res.json() as Body
    }
    const code = interactionCodeOf(last)
    t.ok(code, 'skip on B ends in the code')
    t.equal((await redeem(a.app, { client_id: SPA.id, interaction_code: code!, code_verifier: interaction.verifier })).statusCode, 200)
    for (const [name, app] of [
      ['A', a.app],
      ['B', b.app],
    ] as const) {
      const users = (await app.inject({ method: 'GET', url: '/__mockta/users' })).json() as Body[]
      t.match(
        users.find((u) => u['login'] === NEW_USER.email),
        { status: 'ACTIVE' },
        `${name}'s users API lists the new user`,
      )
      const signIn = await startInteraction(app)
      t.ok(interactionCodeOf((await identifyWithPassword(app, signIn.stateHandle, NEW_USER.password, NEW_USER.email)).json() as Body), `the new user signs in on ${name}`)
    }
  })

  t.test('concurrent sign-ups for one email over both replicas: one user', async (t) => {
    const pair = await replicaPair(t, { redis })
    if (!pair) return
    const { a, b } = pair
    const apps = Array.from({ length: 6 }, (_, i) => (i % 2 ? a.app : b.app))
    const interactions = await Promise.all(apps.map((app) => startInteraction(app)))
    await Promise.all(interactions.map((x, i) => idxCall(apps[i]!, 'enroll', { stateHandle: x.stateHandle })))
    const answers = await Promise.all(
      interactions.map((x, i) =>
        idxCall(apps[i]!, 'enroll/new', { userProfile: { firstName: 'Eve', lastName: 'Racer', email: 'eve.racer@example.com' }, stateHandle: x.stateHandle }),
      ),
    )
    t.equal(answers.filter((r) => r.statusCode === 200).length, 1, 'one sign-up wins')
    t.equal(answers.filter((r) => r.statusCode === 400 && r.body.includes('registration.error.notUniqueWithinOrg')).length, 5, 'the others: already exists')
    const users = (await b.app.inject({ method: 'GET', url: '/__mockta/users' })).json() as Body[]
    t.equal(users.filter((u) => u['login'] === 'eve.racer@example.com').length, 1)
  })
})
