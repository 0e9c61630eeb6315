/** The Interaction Code flow driven by app.inject: /v1/interact, the IDX API and the interaction_code grant. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { pkcePair, SPA } from './authorize.js'
import { ALICE, FORM, form } from './app.js'

export const ION = 'application/ion+json; okta-version=1.0.0'

export interface Interaction {
  handle: string
  verifier: string
  /** The stateHandle of the first introspect. */
  stateHandle: string
  body: Record<string, unknown>
}

export function interactRequest(app: FastifyInstance, params: Record<string, string>, options: { server?: string; authorization?: string } = {}): Promise<LightMyRequestResponse> {
  const prefix = options.server === '' ? '/oauth2/v1' : `/oauth2/${options.server ?? 'default'}/v1`
  return app.inject({
    method: 'POST',
    url: `${prefix}/interact`,
    headers: { ...FORM, ...(options.authorization && { authorization: options.authorization }) },
    payload: form(params),
  })
}

export function interactParams(overrides: Record<string, string> = {}): { params: Record<string, string>; verifier: string } {
  const { verifier, challenge } = pkcePair()
  const params = {
    client_id: SPA.id,
    scope: 'openid profile email offline_access',
    redirect_uri: SPA.redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'state-1',
    nonce: 'nonce-1',
    ...overrides,
  }
  return { params, verifier }
}

/** POST /idp/idx/{path} with a JSON body (ion+json unless told). */
export function idxCall(app: FastifyInstance, path: string, body: unknown, contentType = ION): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `/idp/idx/${path}`,
    headers: { 'content-type': contentType, accept: ION },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

export async function startInteraction(
  app: FastifyInstance,
  overrides: Record<string, string> = {},
  options: { server?: string; authorization?: string } = {},
): Promise<Interaction> {
  const { params, verifier } = interactParams(overrides)
  const res = await interactRequest(app, params, options)
  if (res.statusCode !== 200) throw new Error(`interact: ${res.statusCode} ${res.body}`)
  const handle = (res.json() as { interaction_handle: string }).interaction_handle
  const intro = await idxCall(app, 'introspect', { interactionHandle: handle })
  const body = intro.json() as Record<string, unknown>
  return { handle, verifier, stateHandle: body['stateHandle'] as string, body }
}

export const interactionCodeOf = (body: Record<string, unknown>): string | undefined =>
  ((body['successWithInteractionCode'] as { value?: Array<{ name: string; value?: string }> } | undefined)?.value ?? []).find((v) => v.name === 'interaction_code')?.value

/** Identify with a password on the one-step form; the answer. */
export const identifyWithPassword = (app: FastifyInstance, stateHandle: string, password = ALICE.password, identifier = ALICE.username): Promise<LightMyRequestResponse> =>
  idxCall(app, 'identify', { identifier, credentials: { passcode: password }, stateHandle })

/** A signed-in interaction: its code and verifier. */
export async function signedIn(
  app: FastifyInstance,
  overrides: Record<string, string> = {},
  options: { server?: string; authorization?: string } = {},
): Promise<{ code: string; verifier: string; interaction: Interaction }> {
  const interaction = await startInteraction(app, overrides, options)
  const res = await identifyWithPassword(app, interaction.stateHandle)
  const code = interactionCodeOf(res.json() as Record<string, unknown>)
  if (code === undefined) throw new Error(`identify: ${res.statusCode} ${res.body}`)
  return { code, verifier: interaction.verifier, interaction }
}

export function redeem(app: FastifyInstance, params: Record<string, string>, options: { server?: string; authorization?: string } = {}): Promise<LightMyRequestResponse> {
  const prefix = options.server === '' ? '/oauth2/v1' : `/oauth2/${options.server ?? 'default'}/v1`
  return app.inject({
    method: 'POST',
    url: `${prefix}/token`,
    headers: { ...FORM, ...(options.authorization && { authorization: options.authorization }) },
    payload: form({ grant_type: 'interaction_code', ...params }),
  })
}

export const messageKeys = (res: LightMyRequestResponse): string[] =>
  ((res.json() as { messages?: { value?: Array<{ i18n: { key: string } }> } }).messages?.value ?? []).map((m) => m.i18n.key)

/** Ten identifies with the right password on one stateHandle at once. */
export async function racingIdentifies(t: Test, app: FastifyInstance): Promise<void> {
  const { stateHandle } = await startInteraction(app)
  const answers = await Promise.all(Array.from({ length: 10 }, () => identifyWithPassword(app, stateHandle)))
  const codes = answers.map((r) => interactionCodeOf(r.json() as Record<string, unknown>)).filter((c) => c !== undefined)
  t.equal(answers.filter((r) => r.statusCode === 200).length, 1, 'exactly one proceed wins')
  t.equal(new Set(codes).size, 1, 'one interaction code (a loser is shown the current state: that success)')
  t.ok(
    answers.every((r) => r.statusCode === 200 || r.statusCode === 400),
    'the others: 400, never a 5xx',
  )
}

export const NEW_USER = { firstName: 'Carol', lastName: 'Newcomer', email: 'carol.new@example.com', password: 'Sunny-Day-42' }

/**
 * Registration through the IDX API: sign-up, the profile, the password, skip. Returns the answers of
 * each step (the last is the success with the interaction code).
 */
export async function register(
  app: FastifyInstance,
  interaction: Interaction,
  user: { firstName: string; lastName: string; email: string; password: string } = NEW_USER,
): Promise<LightMyRequestResponse[]> {
  const { stateHandle } = interaction
  const answers = [
    await idxCall(app, 'enroll', { stateHandle }),
    await idxCall(app, 'enroll/new', { userProfile: { firstName: user.firstName, lastName: user.lastName, email: user.email }, stateHandle }),
    await idxCall(app, 'credential/enroll', { authenticator: { id: 'autpassword000000001' }, stateHandle }),
    await idxCall(app, 'challenge/answer', { credentials: { passcode: user.password }, stateHandle }),
    await idxCall(app, 'skip', { stateHandle }),
  ]
  return answers
}
