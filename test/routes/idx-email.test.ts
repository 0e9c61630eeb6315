/**
 * The email authenticator over the IDX API (docs/identity-engine.md § Email code, § Magic link): the
 * policy, the code in the outbox, a wrong or expired code, resend, the magic link and its poll, cancel,
 * and the ID token's `amr`.
 */
import { decodeJwt } from 'jose'
import t from 'tap'
import { ALICE, buildTestApp } from '../helpers/app.js'
import { identifyWithPassword, idxCall, interactionCodeOf, messageKeys, redeem, startInteraction } from '../helpers/idx.js'
import { answerCode, ERIN, chooseEmail, emailChallenge, latestEmail, openLink, passcodeMessageKeys, remediationNames } from '../helpers/idx-email.js'
import { SPA } from '../helpers/authorize.js'

type Body = Record<string, unknown>

t.test('a user whose policy asks for it chooses Email after the password, then answers the code', async (t) => {
  const { app, ctx, logs } = await buildTestApp(t)
  const interaction = await startInteraction(app)
  const identified = await identifyWithPassword(app, interaction.stateHandle, ERIN.password, ERIN.username)
  t.equal(identified.statusCode, 200)
  t.strictSame(remediationNames(identified), ['select-authenticator-authenticate'])
  t.match(identified.json(), { authenticatorEnrollments: { value: [{ key: 'okta_email', type: 'email', id: 'eaeerin0000000000003' }] }, user: { value: { id: ERIN.id } } })
  t.equal(interactionCodeOf(identified.json() as Body), undefined, 'no code yet')

  const challenge = await chooseEmail(app, interaction.stateHandle)
  t.equal(challenge.statusCode, 200)
  t.strictSame(remediationNames(challenge), ['challenge-authenticator', 'select-authenticator-authenticate'])
  t.match(challenge.json(), {
    currentAuthenticatorEnrollment: {
      value: {
        key: 'okta_email',
        profile: { email: 'e***n@e***e.com' },
        resend: { name: 'resend', href: 'http://mockta.test/idp/idx/challenge/resend' },
        poll: { name: 'poll', href: 'http://mockta.test/idp/idx/challenge/poll', refresh: 4000 },
      },
    },
  })
  const message = await latestEmail(ctx)
  t.match(message, {
    to: ERIN.username,
    kind: 'email-challenge',
    code: /^\d{6}$/,
    userId: ERIN.id,
    clientId: SPA.id,
    link: /^http:\/\/mockta\.test\/email\/verify\/00uerin0000000000003\?token=/,
  })
  t.match(
    (await idxCall(app, 'introspect', { interactionHandle: interaction.handle })).json(),
    { currentAuthenticatorEnrollment: { value: { key: 'okta_email' } } },
    'introspect shows the challenge',
  )

  const done = await answerCode(app, interaction.stateHandle, message.code!)
  t.equal(done.statusCode, 200)
  const code = interactionCodeOf(done.json() as Body)
  t.ok(code, 'the interaction code')
  const tokens = await redeem(app, { client_id: SPA.id, interaction_code: code!, code_verifier: interaction.verifier })
  t.equal(tokens.statusCode, 200)
  t.strictSame(decodeJwt((tokens.json() as { id_token: string }).id_token)['amr'], ['pwd', 'email', 'mfa'], 'amr: the password and the email code')
  t.notMatch(logs(), message.code!, 'the code is in no log line')
})

t.test('the default configuration keeps password-only for other users', async (t) => {
  const { app } = await buildTestApp(t)
  const { stateHandle } = await startInteraction(app)
  const res = await identifyWithPassword(app, stateHandle)
  t.ok(interactionCodeOf(res.json() as Body), `${ALICE.username} signs in with the password alone`)
})

t.test('identityEngine.emailFactor: required asks every user with an address; a user of none is exempt', async (t) => {
  const { app, ctx } = await buildTestApp(t, {
    change: (c) => {
      c.identityEngine.emailFactor = 'required'
      c.users[1]!.emailFactor = 'none'
    },
  })
  const alice = await startInteraction(app)
  t.strictSame(remediationNames(await identifyWithPassword(app, alice.stateHandle)), ['select-authenticator-authenticate'])
  const bob = await startInteraction(app)
  t.ok(interactionCodeOf((await identifyWithPassword(app, bob.stateHandle, 'bob-password', 'bob@example.com')).json() as Body), 'bob is exempt')
  t.strictSame(await ctx.store.listOutbox(), [], 'nothing sent before Email is chosen')
})

t.test('identifier first: the password challenge, then Email', async (t) => {
  const { app, ctx } = await buildTestApp(t, { change: (c) => void (c.identityEngine.identifierFirst = true) })
  const { stateHandle } = await startInteraction(app)
  await idxCall(app, 'identify', { identifier: ERIN.username, stateHandle })
  const res = await idxCall(app, 'challenge/answer', { credentials: { passcode: ERIN.password }, stateHandle })
  t.strictSame(remediationNames(res), ['select-authenticator-authenticate'])
  await chooseEmail(app, stateHandle)
  const done = await answerCode(app, stateHandle, (await latestEmail(ctx)).code!)
  t.ok(interactionCodeOf(done.json() as Body))
})

t.test('a wrong code: 401, the challenge again with Okta field message; the right one still works', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const { interaction, message } = await emailChallenge(app, ctx)
  const wrong = await answerCode(app, interaction.stateHandle, message.code === '000000' ? '111111' : '000000')
  t.equal(wrong.statusCode, 401)
  t.strictSame(passcodeMessageKeys(wrong), ['api.authn.error.PASSCODE_INVALID'])
  t.match(JSON.stringify(wrong.json()), /Invalid code\. Try again\./)
  t.strictSame(remediationNames(wrong), ['challenge-authenticator', 'select-authenticator-authenticate'])
  t.strictSame(messageKeys(await idxCall(app, 'introspect', { interactionHandle: interaction.handle })), [], 'introspect shows no stale message')
  t.ok(interactionCodeOf((await answerCode(app, interaction.stateHandle, message.code!)).json() as Body))
})

t.test("an expired code, on mockta's clock, is refused like a wrong one", async (t) => {
  const { app, ctx, clock } = await buildTestApp(t)
  const { interaction, message } = await emailChallenge(app, ctx)
  clock.advance(ctx.config.identityEngine.emailCodeLifetimeSeconds)
  const res = await answerCode(app, interaction.stateHandle, message.code!)
  t.equal(res.statusCode, 401)
  t.strictSame(passcodeMessageKeys(res), ['api.authn.error.PASSCODE_INVALID'])
  t.equal((await openLink(app, message.link!)).statusCode, 400, 'its link is expired too')
})

t.test('resend: a new code in the outbox; the previous code and link stop working', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const { interaction, message: first } = await emailChallenge(app, ctx)
  const resent = await idxCall(app, 'challenge/resend', { stateHandle: interaction.stateHandle })
  t.equal(resent.statusCode, 200)
  t.strictSame(remediationNames(resent), ['challenge-authenticator', 'select-authenticator-authenticate'])
  const second = await latestEmail(ctx)
  t.not(second.id, first.id)
  t.equal((await ctx.store.listOutbox({ to: ERIN.username })).length, 2)
  if (first.code !== second.code) t.equal((await answerCode(app, interaction.stateHandle, first.code!)).statusCode, 401, 'the first code is retired')
  t.equal((await openLink(app, first.link!)).statusCode, 400, 'so is its link')
  t.ok(interactionCodeOf((await answerCode(app, interaction.stateHandle, second.code!)).json() as Body))
})

t.test('the magic link verifies the challenge; the first tab learns it by polling', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const { interaction, message } = await emailChallenge(app, ctx)
  const pending = await idxCall(app, 'challenge/poll', { stateHandle: interaction.stateHandle })
  t.equal(pending.statusCode, 200)
  t.equal(interactionCodeOf(pending.json() as Body), undefined, 'unopened: the challenge still')
  const opened = await openLink(app, message.link!)
  t.equal(opened.statusCode, 200)
  t.match(opened.headers['content-type'], /text\/html/)
  t.match(opened.body, 'Please return to the original tab.')
  t.notMatch(opened.body, message.code!)
  const polled = await idxCall(app, 'challenge/poll', { stateHandle: interaction.stateHandle })
  const code = interactionCodeOf(polled.json() as Body)
  t.ok(code, 'the poll reports the success')
  t.equal((await redeem(app, { client_id: SPA.id, interaction_code: code!, code_verifier: interaction.verifier })).statusCode, 200)
  const again = await openLink(app, message.link!)
  t.equal(again.statusCode, 400, 'a second opening finds it expired')
  t.match(again.body, 'This email link has expired. To resend it, return to the screen where you requested it.')
})

t.test('bad links: a forged token, another user, no token', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const { message } = await emailChallenge(app, ctx)
  const url = new URL(message.link!)
  const token = url.searchParams.get('token')!
  const forged = `${token.slice(0, 44)}${'A'.repeat(43)}`
  t.equal((await app.inject({ method: 'GET', url: `${url.pathname}?token=${forged}` })).statusCode, 400)
  t.equal((await app.inject({ method: 'GET', url: `/email/verify/${ALICE.id}?token=${token}` })).statusCode, 400)
  t.equal((await app.inject({ method: 'GET', url: url.pathname })).statusCode, 400)
  t.equal((await app.inject({ method: 'GET', url: `${url.pathname}?token=${'x'.repeat(5000)}` })).statusCode, 400)
  t.equal((await openLink(app, message.link!)).statusCode, 200, 'the real one still works')
})

t.test('cancel during the challenge: the code and the link are dead', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const { interaction, message } = await emailChallenge(app, ctx)
  const canceled = await idxCall(app, 'cancel', { stateHandle: interaction.stateHandle })
  t.equal(canceled.statusCode, 200)
  t.equal((await openLink(app, message.link!)).statusCode, 400)
  const fresh = (canceled.json() as { stateHandle: string }).stateHandle
  // The fixture's spa-app also offers sign-up (select-enroll-profile) beside identify.
  t.equal(remediationNames(await answerCode(app, fresh, message.code!))[0], 'identify', 'the new transaction is at identify')
})

t.test('resend and poll are offered only during the challenge; a bad authenticator id is a bad request', async (t) => {
  const { app } = await buildTestApp(t)
  const { stateHandle } = await startInteraction(app)
  t.strictSame(messageKeys(await idxCall(app, 'challenge/resend', { stateHandle })), ['errors.E0000020'])
  t.strictSame(messageKeys(await idxCall(app, 'challenge/poll', { stateHandle })), ['errors.E0000020'])
  await identifyWithPassword(app, stateHandle, ERIN.password, ERIN.username)
  const bad = await idxCall(app, 'challenge', { authenticator: { id: 'autpassword000000001' }, stateHandle })
  t.equal(bad.statusCode, 400)
  t.strictSame(messageKeys(bad), ['errors.E0000020'])
  t.strictSame(messageKeys(await idxCall(app, 'challenge/poll', { stateHandle: 'nope' })), ['idx.session.expired'])
})
