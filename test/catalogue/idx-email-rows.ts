/**
 * The bad-input catalogue for the email code, the magic link and password recovery
 * (docs/identity-engine.md § Email code, § Magic link, § Password recovery; § Errors for the texts),
 * run by inject.test.ts with the other rows and checked against docs/reliability.md § G1–G9: IDX answers in Okta's media
 * type with Okta's i18n keys, the link's page for a bad link, nothing echoed, the store unchanged.
 */
import type { InjectOptions } from 'fastify'
import { ALICE } from '../helpers/app.js'
import { ION, startInteraction } from '../helpers/idx.js'
import { chooseEmail, emailChallenge, EMAIL_AUTHENTICATOR_ID, latestEmail, answerCode } from '../helpers/idx-email.js'
import type { Fixture, Row } from './rows.js'

const idx = (path: string, body: unknown): InjectOptions => ({
  method: 'POST',
  url: `/idp/idx/${path}`,
  headers: { 'content-type': ION, accept: ION },
  payload: typeof body === 'string' ? body : JSON.stringify(body),
})

/** A live email challenge for erin, its stateHandle and the code sent. */
const challenge = async (f: Fixture) => {
  const { interaction, message } = await emailChallenge(f.t.app, f.t.ctx)
  return { stateHandle: interaction.stateHandle, code: message.code!, link: message.link! }
}

/** A recovery for alice at its new-password form. */
async function atReset(f: Fixture): Promise<string> {
  const { stateHandle } = await startInteraction(f.t.app)
  await f.t.app.inject(idx('recover', { stateHandle }))
  await f.t.app.inject(idx('identify', { identifier: ALICE.username, stateHandle }))
  await chooseEmail(f.t.app, stateHandle)
  await answerCode(f.t.app, stateHandle, (await latestEmail(f.t.ctx, ALICE.username)).code!)
  return stateHandle
}

const E = (status: number, error: string) => ({ status, error })

export function idxEmailRows(): Row[] {
  return [
    { case: 'IDX-E1', variant: 'resend without a stateHandle', request: () => idx('challenge/resend', {}), expect: E(401, 'idx.session.expired') },
    {
      case: 'IDX-E1',
      variant: 'poll with an unknown stateHandle',
      request: () => idx('challenge/poll', { stateHandle: `02${'x'.repeat(40)}` }),
      expect: E(401, 'idx.session.expired'),
    },
    {
      case: 'IDX-E2',
      variant: 'resend before any challenge',
      request: async (f) => idx('challenge/resend', { stateHandle: (await startInteraction(f.t.app)).stateHandle }),
      expect: E(400, 'errors.E0000020'),
    },
    { case: 'IDX-E2', variant: 'recover with a JSON array body', request: () => idx('recover', '[1,2]'), expect: E(400, 'errors.E0000020') },
    {
      case: 'IDX-E3',
      variant: 'a wrong email code',
      request: async (f) => {
        const c = await challenge(f)
        return idx('challenge/answer', { credentials: { passcode: c.code === '000000' ? '111111' : '000000' }, stateHandle: c.stateHandle })
      },
      expect: E(401, 'api.authn.error.PASSCODE_INVALID'),
    },
    {
      case: 'IDX-E3',
      variant: 'an email code of another type (a number)',
      request: async (f) => idx('challenge/answer', { credentials: { passcode: 123456 }, stateHandle: (await challenge(f)).stateHandle }),
      expect: E(400, 'errors.E0000020'),
    },
    {
      case: 'IDX-E3',
      variant: 'an oversized email code',
      request: async (f) => idx('challenge/answer', { credentials: { passcode: '9'.repeat(5000) }, stateHandle: (await challenge(f)).stateHandle }),
      expect: E(400, 'errors.E0000020'),
    },
    {
      case: 'IDX-E4',
      variant: 'choosing an authenticator the challenge does not offer',
      request: async (f) => idx('challenge', { authenticator: { id: 'autpassword000000001' }, stateHandle: (await challenge(f)).stateHandle }),
      expect: E(400, 'errors.E0000020'),
    },
    {
      case: 'IDX-E4',
      variant: 'the email authenticator with an injected id',
      request: async (f) => idx('challenge', { authenticator: { id: `${EMAIL_AUTHENTICATOR_ID}' OR 1=1` }, stateHandle: (await challenge(f)).stateHandle }),
      expect: E(400, 'errors.E0000020'),
    },
    {
      case: 'IDX-E5',
      variant: 'a new password against the policy',
      request: async (f) => idx('challenge/answer', { credentials: { passcode: 'short' }, stateHandle: await atReset(f) }),
      expect: E(400, 'password.passwordRequirementsNotMet'),
    },
    {
      case: 'IDX-E6',
      variant: 'a magic link with a forged token',
      request: async (f) => {
        const url = new URL((await challenge(f)).link)
        const token = url.searchParams.get('token')!
        return { method: 'GET', url: `${url.pathname}?token=${token.slice(0, 44)}${'A'.repeat(43)}` }
      },
      expect: E(400, 'idx.return.link.expired'),
    },
    {
      case: 'IDX-E6',
      variant: 'a magic link without a token',
      request: () => ({ method: 'GET', url: '/email/verify/00uerin0000000000003' }),
      expect: E(400, 'idx.return.link.expired'),
    },
    {
      case: 'IDX-E6',
      variant: "a magic link with another user's id",
      request: async (f) => {
        const url = new URL((await challenge(f)).link)
        return { method: 'GET', url: `/email/verify/${ALICE.id}${url.search}` }
      },
      expect: E(400, 'idx.return.link.expired'),
    },
  ]
}
