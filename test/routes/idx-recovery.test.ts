/**
 * Password recovery over the IDX API (docs/identity-engine.md § Password recovery): the `recover`
 * action, identify-recovery, the email code, the new password against the policy, then the sign-in;
 * an unknown username gets the same pages and nothing is sent.
 */
import t from 'tap'
import { ALICE, buildTestApp } from '../helpers/app.js'
import { identifyWithPassword, idxCall, interactionCodeOf, messageKeys, redeem, startInteraction } from '../helpers/idx.js'
import { answerCode, chooseEmail, latestEmail, openLink, remediationNames } from '../helpers/idx-email.js'
import { SPA } from '../helpers/authorize.js'
import { decodeJwt } from 'jose'
import { control } from '../helpers/control.js'

type Body = Record<string, unknown>

/** The reset form's field messages. */
const resetFieldKeys = (body: Body): string[] =>
  JSON.stringify(body)
    .match(/"key":"([^"]+)"/g)
    ?.map((k) => k.slice(7, -1)) ?? []

t.test('recover → identify-recovery → email code → new password → signed in with it', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const interaction = await startInteraction(app)
  t.match(interaction.body, { currentAuthenticator: { value: { key: 'okta_password', recover: { name: 'recover', href: 'http://mockta.test/idp/idx/recover' } } } })
  const { stateHandle } = interaction
  const recovering = await idxCall(app, 'recover', { stateHandle })
  t.equal(recovering.statusCode, 200)
  t.strictSame(remediationNames(recovering), ['identify-recovery'])
  const select = await idxCall(app, 'identify', { identifier: ALICE.username, stateHandle })
  t.strictSame(remediationNames(select), ['select-authenticator-authenticate'])
  await chooseEmail(app, stateHandle)
  const message = await latestEmail(ctx, ALICE.username)
  t.match(message, { kind: 'recovery', userId: ALICE.id, code: /^\d{6}$/ })
  const reset = await answerCode(app, stateHandle, message.code!)
  t.strictSame(remediationNames(reset), ['reset-authenticator'])
  t.match(reset.json(), { currentAuthenticator: { value: { key: 'okta_password', settings: { complexity: { minLength: 8 } } } } })

  const weak = await idxCall(app, 'challenge/answer', { credentials: { passcode: 'short' }, stateHandle })
  t.equal(weak.statusCode, 400)
  t.ok(resetFieldKeys(weak.json() as Body).includes('password.passwordRequirementsNotMet'))
  const done = await idxCall(app, 'challenge/answer', { credentials: { passcode: 'N3w-Passw0rd', revokeSessions: false }, stateHandle })
  t.equal(done.statusCode, 200)
  const code = interactionCodeOf(done.json() as Body)
  const tokens = await redeem(app, { client_id: SPA.id, interaction_code: code!, code_verifier: interaction.verifier })
  t.equal(tokens.statusCode, 200)
  t.strictSame(decodeJwt((tokens.json() as { id_token: string }).id_token)['amr'], ['email', 'pwd'])

  const old = await startInteraction(app)
  t.strictSame(messageKeys(await identifyWithPassword(app, old.stateHandle)), ['errors.E0000004'], 'the old password fails')
  const fresh = await startInteraction(app)
  t.ok(interactionCodeOf((await identifyWithPassword(app, fresh.stateHandle, 'N3w-Passw0rd')).json() as Body), 'the new one works')
  t.equal((await control(app, 'POST', '/reset')).statusCode, 204)
  const afterReset = await startInteraction(app)
  t.ok(interactionCodeOf((await identifyWithPassword(app, afterReset.stateHandle)).json() as Body), 'reset brings the configured password back')
})

t.test('the magic link works for a recovery too: the poll then shows the new password form', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const { stateHandle } = await startInteraction(app)
  await idxCall(app, 'recover', { stateHandle })
  await idxCall(app, 'identify', { identifier: ALICE.username, stateHandle })
  await chooseEmail(app, stateHandle)
  t.equal((await openLink(app, (await latestEmail(ctx, ALICE.username)).link!)).statusCode, 200)
  t.strictSame(remediationNames(await idxCall(app, 'challenge/poll', { stateHandle })), ['reset-authenticator'])
})

t.test('an unknown username: the same pages, nothing sent, no code answers', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const { stateHandle } = await startInteraction(app)
  await idxCall(app, 'recover', { stateHandle })
  const select = await idxCall(app, 'identify', { identifier: 'nobody@example.com', stateHandle })
  t.strictSame(remediationNames(select), ['select-authenticator-authenticate'])
  const challenge = await chooseEmail(app, stateHandle)
  t.match(challenge.json(), { currentAuthenticatorEnrollment: { value: { key: 'okta_email', profile: { email: 'n***y@e***e.com' } } } })
  t.strictSame(await ctx.store.listOutbox(), [], 'nothing is sent')
  t.equal((await answerCode(app, stateHandle, '123456')).statusCode, 401)
})

t.test('identifier first: recover from the password challenge goes straight to Email', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => void (c.identityEngine.identifierFirst = true) })
  const { stateHandle, body } = await startInteraction(app)
  t.equal(body['currentAuthenticator'], undefined, 'no recover on the identifier-only page')
  const challenge = await idxCall(app, 'identify', { identifier: ALICE.username, stateHandle })
  t.match(challenge.json(), { currentAuthenticatorEnrollment: { value: { recover: { name: 'recover' } } } })
  t.strictSame(remediationNames(await idxCall(app, 'recover', { stateHandle })), ['select-authenticator-authenticate'])
})

t.test('identityEngine.passwordRecovery: false offers no recover and refuses the action', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => void (c.identityEngine.passwordRecovery = false) })
  const { stateHandle, body } = await startInteraction(app)
  t.equal(body['currentAuthenticator'], undefined)
  t.strictSame(messageKeys(await idxCall(app, 'recover', { stateHandle })), ['errors.E0000020'])
})
