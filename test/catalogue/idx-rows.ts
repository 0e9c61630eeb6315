/**
 * The bad-input catalogue of the Identity Engine (docs/identity-engine.md): /v1/interact in the OAuth
 * shape with Okta's catalogue texts, and the IDX API, sign-in and registration, in the IDX shape (its
 * reason is the i18n key of the first message). Run by inject.test.ts with the other rows and checked
 * against docs/reliability.md § G1–G9; a row that first walks an interaction to the step it attacks does
 * so before the store is snapshotted.
 */
import type { InjectOptions } from 'fastify'
import { ALICE, DEFAULT_AS, FORM, form, type TestApp } from '../helpers/app.js'
import { interactParams, ION, startInteraction } from '../helpers/idx.js'
import { oktaWire } from '../helpers/okta-catalogue.js'
import type { Expect, Row } from './rows.js'

const okta = (code: string, ...args: string[]): Expect => {
  const wire = oktaWire(code, ...args)
  return { status: wire.status, error: wire.body.error, body: wire.body }
}
const idx = (status: number, key: string): Expect => ({ status, error: key })

const interact = (params: Record<string, string>, headers: Record<string, string> = {}): InjectOptions => ({
  method: 'POST',
  url: `${DEFAULT_AS}/interact`,
  headers: { ...FORM, ...headers },
  payload: form(params),
})
const call = (path: string, body: unknown, contentType = ION): InjectOptions => ({
  method: 'POST',
  url: `/idp/idx/${path}`,
  headers: { 'content-type': contentType },
  payload: typeof body === 'string' ? body : JSON.stringify(body),
})
const without = (params: Record<string, string>, ...names: string[]) => Object.fromEntries(Object.entries(params).filter(([k]) => !names.includes(k)))

/**
 * A fresh interaction walked to a registration step; its stateHandle. `enrolled`: the password set,
 * the email still optional; `email`: then the email's enrolment open, its code sent.
 */
async function at(t: TestApp, step: 'profile' | 'password' | 'select' | 'enrolled' | 'email'): Promise<string> {
  const { stateHandle } = await startInteraction(t.app)
  const go = (path: string, body: Record<string, unknown>) => t.app.inject(call(path, { ...body, stateHandle }))
  await go('enroll', {})
  if (step === 'profile') return stateHandle
  await go('enroll/new', { userProfile: { firstName: 'Row', lastName: 'User', email: `row.${t.ctx.ids.secret().slice(0, 10).toLowerCase()}@example.com` } })
  if (step === 'select') return stateHandle
  await go('credential/enroll', { authenticator: { id: 'autpassword000000001' } })
  if (step === 'password') return stateHandle
  await go('challenge/answer', { credentials: { passcode: 'Sunny-Day-42' } })
  if (step === 'enrolled') return stateHandle
  await go('credential/enroll', { authenticator: { id: 'autemail000000000001' } })
  return stateHandle
}

export function idxRows(): Row[] {
  const r: Row[] = []
  const add = (c: string, variant: string, rest: Omit<Row, 'case' | 'variant'>) => r.push({ case: c, variant, ...rest })
  const valid = () => interactParams().params

  // /v1/interact (OAuth shape).
  add('interact', 'no client', { request: () => interact(without(valid(), 'client_id')), expect: okta('missing_client_credentials') })
  add('interact', 'unknown client', { request: () => interact({ ...valid(), client_id: 'no-such-client' }), expect: { status: 401, error: 'invalid_client' } })
  add('interact', 'a client without the interaction_code grant', {
    request: () => interact({ ...valid(), client_id: 'service-app', client_secret: 'service-app-secret' }),
    expect: okta('oie_not_enabled_for_interact'),
  })
  add('interact', 'no code_challenge', { request: () => interact(without(valid(), 'code_challenge')), expect: okta('pkce_challenge_required') })
  add('interact', 'plain PKCE', { request: () => interact({ ...valid(), code_challenge_method: 'plain' }), expect: okta('pkce_unsupported_code_challenge_method', 'S256') })
  add('interact', 'an unregistered redirect_uri', { request: () => interact({ ...valid(), redirect_uri: 'https://evil.example/cb' }), expect: okta('illegal_redirect_uri') })
  add('interact', 'no scope', { request: () => interact(without(valid(), 'scope')), expect: okta('missing_scopes') })
  add('interact', 'an activation token', { request: () => interact({ ...valid(), activation_token: 'made-up-activation-token' }), expect: okta('invalid_activation_token') })
  add('interact', 'a valid request (negative control)', { request: () => interact(valid()), expect: { status: 200 }, changesState: true })

  // The IDX API: sign-in.
  add('idx', 'introspect: an unknown interaction handle', {
    request: () => call('introspect', { interactionHandle: 'made-up-interaction-handle' }),
    expect: idx(401, 'idx.session.expired'),
  })
  add('idx', 'identify: a made-up stateHandle', {
    request: () => call('identify', { identifier: ALICE.username, stateHandle: '02made-up-state-handle-0000000000000000000' }),
    expect: idx(401, 'idx.session.expired'),
  })
  add('idx', 'identify: not JSON', { request: () => call('identify', '{"identifier":', 'application/json'), expect: idx(400, 'errors.E0000020') })
  add('idx', 'identify: a form body', { request: () => call('identify', 'identifier=alice', 'application/x-www-form-urlencoded'), expect: idx(415, 'errors.E0000020') })
  add('idx', 'identify: a wrong password', {
    request: async (f) =>
      call('identify', { identifier: ALICE.username, credentials: { passcode: 'not-alices-password' }, stateHandle: (await startInteraction(f.t.app)).stateHandle }),
    expect: idx(401, 'errors.E0000004'),
    // A wrong password counts towards the lock-out.
    changesState: true,
  })
  add('idx', 'an unknown path', { request: () => call('nothing/here', {}), expect: idx(404, 'errors.E0000007') })

  // The IDX API: registration.
  add('idx', 'enroll: where sign-up is not offered', {
    request: async (f) => {
      const { params } = interactParams({ client_id: 'native-app', redirect_uri: 'com.example.app:/callback' })
      const handle = (await f.t.app.inject(interact(params))).json<{ interaction_handle: string }>().interaction_handle
      const intro = await f.t.app.inject(call('introspect', { interactionHandle: handle }))
      return call('enroll', { stateHandle: intro.json<{ stateHandle: string }>().stateHandle })
    },
    expect: idx(400, 'errors.E0000020'),
  })
  add('idx', 'enroll/new: no profile', { request: async (f) => call('enroll/new', { stateHandle: await at(f.t, 'profile') }), expect: idx(400, 'model.validation.field.blank') })
  add('idx', 'enroll/new: a profile that is not an object', {
    request: async (f) => call('enroll/new', { userProfile: 'carol', stateHandle: await at(f.t, 'profile') }),
    expect: idx(400, 'errors.E0000020'),
  })
  add('idx', 'enroll/new: not an email', {
    request: async (f) => call('enroll/new', { userProfile: { firstName: 'C', lastName: 'N', email: 'not-an-email-address' }, stateHandle: await at(f.t, 'profile') }),
    expect: idx(400, 'registration.error.invalidLoginEmail'),
  })
  add('idx', 'enroll/new: an email already taken', {
    request: async (f) => call('enroll/new', { userProfile: { firstName: 'A', lastName: 'A', email: 'ALICE@example.com' }, stateHandle: await at(f.t, 'profile') }),
    expect: idx(400, 'registration.error.notUniqueWithinOrg'),
  })
  add('idx', 'enroll/new: a 5 KB first name', {
    request: async (f) => call('enroll/new', { userProfile: { firstName: 'F'.repeat(5000), lastName: 'N', email: 'five.kb@example.com' }, stateHandle: await at(f.t, 'profile') }),
    expect: idx(400, 'errors.E0000020'),
  })
  add('idx', 'credential/enroll: an unknown authenticator', {
    request: async (f) => call('credential/enroll', { authenticator: { id: 'autunknown0000000001' }, stateHandle: await at(f.t, 'select') }),
    expect: idx(400, 'errors.E0000020'),
  })
  add('idx', 'challenge/answer: a weak new password', {
    request: async (f) => call('challenge/answer', { credentials: { passcode: 'weakpassword' }, stateHandle: await at(f.t, 'password') }),
    expect: idx(400, 'password.passwordRequirementsNotMet'),
  })
  add('idx', 'challenge/answer: an empty new password', {
    request: async (f) => call('challenge/answer', { credentials: { passcode: '' }, stateHandle: await at(f.t, 'password') }),
    expect: idx(400, 'model.validation.field.blank'),
  })
  add('idx', 'credential/enroll: the password again once it is set', {
    request: async (f) => call('credential/enroll', { authenticator: { id: 'autpassword000000001' }, stateHandle: await at(f.t, 'enrolled') }),
    expect: idx(400, 'errors.E0000020'),
  })
  add('idx', 'challenge/resend: at registration before the email is chosen', {
    request: async (f) => call('challenge/resend', { stateHandle: await at(f.t, 'enrolled') }),
    expect: idx(400, 'errors.E0000020'),
  })
  add('idx', "challenge/answer: a wrong code for the email's enrolment", {
    request: async (f) => call('challenge/answer', { credentials: { passcode: '1234567' }, stateHandle: await at(f.t, 'email') }),
    expect: idx(401, 'api.authn.error.PASSCODE_INVALID'),
  })
  add('idx', "challenge/answer: the email's enrolment without credentials", {
    request: async (f) => call('challenge/answer', { stateHandle: await at(f.t, 'email') }),
    expect: idx(400, 'errors.E0000020'),
  })
  add('idx', "challenge/answer: the email's enrolment code as a number", {
    request: async (f) => call('challenge/answer', { credentials: { passcode: 123456 }, stateHandle: await at(f.t, 'email') }),
    expect: idx(400, 'errors.E0000020'),
  })
  add('idx', "challenge/answer: an oversized code for the email's enrolment", {
    request: async (f) => call('challenge/answer', { credentials: { passcode: '9'.repeat(5000) }, stateHandle: await at(f.t, 'email') }),
    expect: idx(400, 'errors.E0000020'),
  })
  add('idx', 'skip: before the required password', { request: async (f) => call('skip', { stateHandle: await at(f.t, 'select') }), expect: idx(400, 'errors.E0000020') })
  return r
}
