/**
 * Single sign-on between the Identity Engine and /v1/authorize (docs/identity-engine.md, "Single
 * sign-on"): an IDX sign-in or registration starts the browser's session, which /authorize then honours
 * (prompt=none included); a browser already signed in starts a new interaction at its success, unless
 * max_age asks for a fresh sign-in or the user is no longer active.
 */
import t from 'tap'
import { ALICE, buildTestApp, form, FORM } from '../helpers/app.js'
import { authorize, authorizeParams, codeThroughForm, Cookies, pkcePair, redeem as redeemCode, redirectParams } from '../helpers/authorize.js'
import { idxCall, identifyWithPassword, interactionCodeOf, interactParams, redeem, register, startInteraction } from '../helpers/idx.js'
import { SPA } from '../helpers/authorize.js'

type Body = Record<string, any>

t.test('an IDX sign-in starts the session /authorize uses', async (t) => {
  const { app } = await buildTestApp(t)
  const { stateHandle } = await startInteraction(app)
  const cookies = new Cookies()
  const failed = await identifyWithPassword(app, stateHandle, 'wrong')
  t.notOk(failed.headers['set-cookie'], 'no session from a failed step')
  const success = await identifyWithPassword(app, stateHandle)
  cookies.take(success)
  t.ok(cookies.has('mockta_sid'), 'the success sets the session cookie')
  t.match(String(success.headers['set-cookie']), /HttpOnly/i)

  const { challenge, verifier } = pkcePair()
  const res = await authorize(app, authorizeParams(challenge, { prompt: 'none' }), cookies)
  const { code } = redirectParams(res)
  t.ok(code, '/authorize with prompt=none: a code, no sign-in page')
  const tokens = await redeemCode(app, code!, verifier)
  t.equal(tokens.statusCode, 200)
  const claims = JSON.parse(Buffer.from((tokens.json().id_token as string).split('.')[1]!, 'base64url').toString()) as Body
  t.equal(claims['sub'], ALICE.id)
  t.notOk(redirectParams(await authorize(app, authorizeParams(challenge, { prompt: 'none' }))).code, 'without the cookie: login_required')
})

t.test('a registration signs the new user in for /authorize too', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const answers = await register(app, await startInteraction(app))
  const cookies = new Cookies()
  for (const a of answers) cookies.take(a)
  t.ok(cookies.has('mockta_sid'))
  const { challenge } = pkcePair()
  const { code } = redirectParams(await authorize(app, authorizeParams(challenge, { prompt: 'none' }), cookies))
  t.ok(code)
  t.ok(ctx.users.byLoginName('carol.new@example.com'))
})

t.test('a browser already signed in: the interaction starts at its success', async (t) => {
  const { app, clock } = await buildTestApp(t)
  const { challenge } = pkcePair()
  const { cookies } = await codeThroughForm(app, authorizeParams(challenge))
  const interactWith = (overrides: Record<string, string> = {}) => {
    const { params, verifier } = interactParams(overrides)
    return app.inject({ method: 'POST', url: '/oauth2/default/v1/interact', headers: { ...FORM, ...cookies.header() }, payload: form(params) }).then(async (res) => {
      const handle = (res.json() as { interaction_handle: string }).interaction_handle
      return { verifier, body: (await idxCall(app, 'introspect', { interactionHandle: handle })).json() as Body }
    })
  }
  const sso = await interactWith()
  const code = interactionCodeOf(sso.body)
  t.ok(code, 'introspect shows the success at once')
  t.notOk(sso.body['remediation'], 'no form to fill')
  t.match(sso.body['user'], { value: { id: ALICE.id } })
  const tokens = await redeem(app, { client_id: SPA.id, interaction_code: code!, code_verifier: sso.verifier })
  t.equal(tokens.statusCode, 200, 'the code redeems like any other')

  clock.advance(120)
  t.notOk(interactionCodeOf((await interactWith({ max_age: '60' })).body), 'max_age older than the session: sign in again')
  t.notOk(interactionCodeOf((await interactWith({ max_age: '0' })).body), 'max_age=0: sign in again')
  t.ok(interactionCodeOf((await interactWith({ max_age: '3600' })).body), 'a session young enough')
  t.strictSame(
    ((await startInteraction(app)).body['remediation'] as Body).value.map((r: Body) => r['name']),
    ['identify', 'select-enroll-profile'],
    'no cookie, no session: the first page',
  )

  const locked = await buildTestApp(t)
  const signedIn = await codeThroughForm(locked.app, authorizeParams(challenge))
  await locked.app.inject({ method: 'PUT', url: `/__mockta/users/${ALICE.id}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ status: 'SUSPENDED' }) })
  const { params } = interactParams()
  const res = await locked.app.inject({ method: 'POST', url: '/oauth2/default/v1/interact', headers: { ...FORM, ...signedIn.cookies.header() }, payload: form(params) })
  const handle = (res.json() as { interaction_handle: string }).interaction_handle
  t.notOk(interactionCodeOf((await idxCall(locked.app, 'introspect', { interactionHandle: handle })).json() as Body), 'a user no longer ACTIVE signs in again')
})
