/** The email authenticator and password recovery driven by app.inject (docs/identity-engine.md § Email code, § Password recovery). */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { AppContext } from '../../src/context.js'
import type { OutboxMessage } from '../../src/store/outbox-store.js'
import { identifyWithPassword, idxCall, startInteraction, type Interaction } from './idx.js'

/** The fixture user whose policy asks for an email code after the password. */
export const ERIN = { username: 'erin@example.com', password: 'erin-password', id: '00uerin0000000000003' }
export const EMAIL_AUTHENTICATOR_ID = 'autemail000000000001'

/** The newest message to an address. */
export async function latestEmail(ctx: AppContext, to = ERIN.username): Promise<OutboxMessage> {
  const [message] = await ctx.store.listOutbox({ to, limit: 1 })
  if (!message) throw new Error(`no email to ${to}`)
  return message
}

export const chooseEmail = (app: FastifyInstance, stateHandle: string): Promise<LightMyRequestResponse> =>
  idxCall(app, 'challenge', { authenticator: { id: EMAIL_AUTHENTICATOR_ID }, stateHandle })

export const answerCode = (app: FastifyInstance, stateHandle: string, code: string): Promise<LightMyRequestResponse> =>
  idxCall(app, 'challenge/answer', { credentials: { passcode: code }, stateHandle })

/** Erin's password accepted, Email chosen: the challenge is open and its code is in the outbox. */
export async function emailChallenge(app: FastifyInstance, ctx: AppContext): Promise<{ interaction: Interaction; message: OutboxMessage; challenge: LightMyRequestResponse }> {
  const interaction = await startInteraction(app)
  const identified = await identifyWithPassword(app, interaction.stateHandle, ERIN.password, ERIN.username)
  if (identified.statusCode !== 200) throw new Error(`identify: ${identified.statusCode} ${identified.body}`)
  const challenge = await chooseEmail(app, interaction.stateHandle)
  if (challenge.statusCode !== 200) throw new Error(`challenge: ${challenge.statusCode} ${challenge.body}`)
  return { interaction, message: await latestEmail(ctx), challenge }
}

/** The field messages' keys of the passcode in the first remediation (how Okta reports a wrong code). */
export function passcodeMessageKeys(res: LightMyRequestResponse): string[] {
  const body = res.json() as {
    remediation?: { value: Array<{ value: Array<{ name: string; form?: { value: Array<{ name: string; messages?: { value: Array<{ i18n: { key: string } }> } }> } }> }> }
  }
  const credentials = body.remediation?.value[0]?.value.find((f) => f.name === 'credentials')
  return credentials?.form?.value.find((f) => f.name === 'passcode')?.messages?.value.map((m) => m.i18n.key) ?? []
}

export const remediationNames = (res: LightMyRequestResponse): string[] =>
  ((res.json() as { remediation?: { value: Array<{ name: string }> } }).remediation?.value ?? []).map((r) => r.name)

/** Opens a magic link as a browser would (GET on its path and query). */
export function openLink(app: FastifyInstance, link: string): Promise<LightMyRequestResponse> {
  const url = new URL(link)
  return app.inject({ method: 'GET', url: `${url.pathname}${url.search}` })
}
