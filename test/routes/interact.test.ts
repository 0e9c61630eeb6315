/**
 * POST {issuer}/v1/interact (docs/identity-engine.md, "Interact"): for custom and org servers, Okta's
 * client authentication rules, PKCE S256 required, redirect URI and scopes checked against the client,
 * and each refusal with Okta's catalogue text.
 */
import t from 'tap'
import { ALICE, basic, buildTestApp, FORM, form, WEB } from '../helpers/app.js'
import { assertOktaError } from '../helpers/oauth-assert.js'
import { interactParams, interactRequest, startInteraction } from '../helpers/idx.js'

const WEB_REDIRECT = 'http://localhost:3000/authorization-code/callback'

t.test('an interaction handle for a public client, on the custom and the org server', async (t) => {
  const { app } = await buildTestApp(t)
  for (const server of ['default', '']) {
    const res = await interactRequest(app, interactParams().params, { server })
    t.equal(res.statusCode, 200, `server '${server}'`)
    t.match(res.headers['content-type'], /^application\/json/)
    t.equal(res.headers['cache-control'], 'no-cache, no-store')
    const body = res.json() as { interaction_handle: string }
    t.strictSame(Object.keys(body), ['interaction_handle'])
    t.match(body.interaction_handle, /^[A-Za-z0-9_-]{43}$/)
    const interaction = await startInteraction(app, {}, { server })
    t.match(interaction.body, { version: '1.0.0', intent: 'LOGIN' })
    t.match((interaction.body['successWithInteractionCode'] as unknown) ?? null, null)
  }
})

t.test('a confidential client authenticates with its secret (body or Basic); without it, invalid_client', async (t) => {
  const { app } = await buildTestApp(t)
  const params = interactParams({ client_id: WEB.id, redirect_uri: WEB_REDIRECT }).params
  t.equal((await interactRequest(app, { ...params, client_secret: WEB.secret })).statusCode, 200, 'client_secret_post')
  const { client_id: _, ...withoutId } = params
  t.equal((await interactRequest(app, withoutId, { authorization: basic(WEB.id, WEB.secret) })).statusCode, 200, 'client_secret_basic')
  assertOktaError(t, await interactRequest(app, params), 'invalid_client')
  assertOktaError(t, await interactRequest(app, { ...params, client_secret: 'not-the-secret' }), 'invalid_client')
  assertOktaError(t, await interactRequest(app, { ...interactParams().params, client_secret: 'x' }), 'invalid_client', 'a public client sending a secret')
  assertOktaError(t, await interactRequest(app, { ...interactParams().params, client_id: 'nobody' }), 'invalid_client', 'an unknown client')
  const { client_id: _id, ...anonymous } = interactParams().params
  assertOktaError(t, await interactRequest(app, anonymous), 'missing_client_credentials')
})

t.test('the request is checked against the client, with Okta catalogue errors', async (t) => {
  const { app } = await buildTestApp(t, {
    change: (c) => {
      c.clients.push({ ...c.clients.find((x) => x.id === 'spa-app')!, id: 'classic-spa', grantTypes: ['authorization_code', 'refresh_token'] })
    },
  })
  const p = (overrides: Record<string, string>) => interactParams(overrides).params
  const drop = (name: string) => {
    const params = p({})
    delete params[name]
    return params
  }
  assertOktaError(t, await interactRequest(app, drop('code_challenge')), 'pkce_challenge_required')
  assertOktaError(t, await interactRequest(app, p({ code_challenge_method: 'plain' })), 'pkce_unsupported_code_challenge_method', 'S256')
  assertOktaError(t, await interactRequest(app, drop('code_challenge_method')), 'pkce_unsupported_code_challenge_method', 'S256')
  assertOktaError(t, await interactRequest(app, p({ code_challenge: 'short' })), 'pkce_invalid_challenge')
  assertOktaError(t, await interactRequest(app, drop('redirect_uri')), 'missing_redirect_uri')
  assertOktaError(t, await interactRequest(app, p({ redirect_uri: 'https://evil.example/cb' })), 'illegal_redirect_uri')
  assertOktaError(t, await interactRequest(app, drop('scope')), 'missing_scopes')
  assertOktaError(t, await interactRequest(app, p({ scope: 'openid nope' })), 'invalid_scope')
  assertOktaError(t, await interactRequest(app, drop('state')), 'invalid_state')
  assertOktaError(t, await interactRequest(app, p({ activation_token: 'x' })), 'invalid_activation_token')
  assertOktaError(t, await interactRequest(app, p({ recovery_token: 'x' })), 'invalid_recovery_token')
  assertOktaError(t, await interactRequest(app, p({ client_id: 'classic-spa' })), 'oie_not_enabled_for_interact')
  const twice = await app.inject({ method: 'POST', url: '/oauth2/default/v1/interact', headers: FORM, payload: `${form(p({}))}&state=again` })
  assertOktaError(t, twice, 'illegal_duplicated_parameters', 'state')
  t.equal((await interactRequest(app, p({ login_hint: ALICE.username, max_age: '60', acr_values: 'urn:okta:loa:1fa:any' }))).statusCode, 200, 'optional parameters accepted')
})

t.test('bad input: wrong methods, media types and servers get OAuth-shaped errors, never a 5xx', async (t) => {
  const { app } = await buildTestApp(t)
  const get = await app.inject({ method: 'GET', url: '/oauth2/default/v1/interact' })
  t.equal(get.statusCode, 405)
  t.equal(get.headers['allow'], 'POST')
  const json = await app.inject({ method: 'POST', url: '/oauth2/default/v1/interact', headers: { 'content-type': 'application/json' }, payload: '{"client_id":"spa-app"}' })
  t.equal(json.statusCode, 400)
  t.match(json.json(), { error: 'invalid_request' })
  const unknown = await interactRequest(app, interactParams().params, { server: 'nope' })
  t.equal(unknown.statusCode, 404)
  t.match(unknown.json(), { errorCode: 'E0000007' })
  const huge = await interactRequest(app, interactParams({ state: 'x'.repeat(70_000) }).params)
  t.ok(huge.statusCode >= 400 && huge.statusCode < 500, 'an oversized body: a 4xx')
  t.notMatch(huge.body, 'xxxxxxxx', 'nothing echoed')
})
