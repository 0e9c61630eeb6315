/** Token exchange and pushed authorization requests through inject: every error row, single use (docs/device-exchange-par.md). */
import t from 'tap'
import { oktaErrors } from '../../src/errors/okta-errors.js'
import { DEFAULT_AS, FORM, SERVICE, WEB, basic, buildTestApp, form, post, signIn } from '../helpers/app.js'
import { control } from '../helpers/control.js'
import { Cookies, WEB_REDIRECT, pkcePair, redirectParams } from '../helpers/authorize.js'
import { ACCESS_TOKEN_TYPE, EXCHANGE_GRANT, withNewGrants } from '../helpers/grants-config.js'

const SERVICE_AUTH = basic(SERVICE.id, SERVICE.secret)

t.test('token exchange: the user is kept, the rules hold', async (t) => {
  const { app, clock } = await buildTestApp(t, { change: withNewGrants })
  const user = await signIn(app, { scope: 'openid profile offline_access' })
  const exchange = (params: Record<string, string>, server = 'default', authorization = SERVICE_AUTH) =>
    post(
      app,
      'token',
      {
        grant_type: EXCHANGE_GRANT,
        subject_token: user.access_token,
        subject_token_type: ACCESS_TOKEN_TYPE,
        scope: 'api:read',
        audience: server === 'default' ? 'api://default' : `api://${server}`,
        ...params,
      },
      { authorization, server },
    )
  const ok = await exchange({})
  t.equal(ok.statusCode, 200, ok.body)
  const body = ok.json()
  t.same(Object.keys(body), ['token_type', 'expires_in', 'access_token', 'scope', 'issued_token_type'])
  t.equal(body.issued_token_type, ACCESS_TOKEN_TYPE)
  const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString())
  t.equal(claims.sub, 'alice@example.com')
  t.equal(claims.uid, '00ualice000000000001')
  t.equal(claims.cid, 'service-app')
  t.same(claims.scp, ['api:read'])
  // A trusted server takes it; one that does not trust `default` refuses.
  t.equal((await exchange({}, 'api2')).statusCode, 200)
  const untrusted = await exchange({}, 'untrusting')
  t.equal(untrusted.statusCode, 403)
  t.same(untrusted.json(), { error: 'access_denied', error_description: "The 'subject_token' issuer isn't a trusted authorization server." })

  const rows: Array<[Record<string, string>, number, string, string]> = [
    [{ subject_token: '' }, 400, 'invalid_request', "The required parameter 'subject_token' is missing."],
    [{ subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }, 400, 'invalid_request', "'subject_token_type' is invalid or not supported."],
    [{ actor_token: 'x' }, 400, 'invalid_request', "'actor_token' is invalid."],
    [{ actor_token_type: 'x' }, 400, 'invalid_request', "'actor_token_type' is invalid or not supported."],
    [{ resource: 'https://api.example' }, 400, 'invalid_target', "'resource' is invalid or not supported."],
    [{ audience: 'api://other' }, 400, 'invalid_target', 'Token Exchange requests must include a valid audience of the authorization server.'],
    [{ scope: 'openid api:read' }, 400, 'invalid_scope', "Can't request 'openid' scopes using the Token Exchange flow for a service app."],
    [{ scope: 'offline_access api:read' }, 400, 'invalid_scope', 'The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.'],
    [{ subject_token: 'not-a-token' }, 400, 'invalid_request', "'subject_token' is invalid."],
    [{ subject_token: user.id_token! }, 400, 'invalid_request', "'subject_token' is invalid."],
  ]
  for (const [params, status, error, description] of rows) {
    const res = await exchange(params)
    t.equal(res.statusCode, status, JSON.stringify(params))
    t.same(res.json(), { error, error_description: description }, JSON.stringify(params))
  }
  const web = await exchange({}, 'default', basic(WEB.id, WEB.secret))
  t.equal(web.json().error, 'unauthorized_client')
  const cc = (await post(app, 'token', { grant_type: 'client_credentials', scope: 'api:read' }, { authorization: SERVICE_AUTH })).json()
  t.same((await exchange({ subject_token: cc.access_token })).json().error_description, "'subject_token' is invalid.")
  const org = await exchange({}, '')
  t.same(org.json(), { error: 'unsupported_grant_type', error_description: "'urn:ietf:params:oauth:grant-type:token-exchange' grant type is not supported." })

  // Revoked, then expired.
  await control(app, 'POST', '/tokens/revoke', { token: user.access_token })
  const expiredText = "The 'subject_token' either expired or the session associated with it was terminated."
  t.same((await exchange({})).json(), { error: 'invalid_grant', error_description: expiredText })
  const other = await signIn(app, { scope: 'openid' })
  clock.advance(3601)
  t.same((await exchange({ subject_token: other.access_token })).json(), { error: 'invalid_grant', error_description: expiredText })
})

t.test('token exchange: only service clients', async (t) => {
  const { app } = await buildTestApp(t, {
    change: (c) => {
      withNewGrants(c)
      c.clients.find((x) => x.id === 'web-app')!.grantTypes.push(EXCHANGE_GRANT)
    },
  })
  const user = await signIn(app)
  const res = await post(
    app,
    'token',
    { grant_type: EXCHANGE_GRANT, subject_token: user.access_token, subject_token_type: ACCESS_TOKEN_TYPE, scope: 'api:read', audience: 'api://default' },
    { authorization: basic(WEB.id, WEB.secret) },
  )
  t.same(res.json(), { error: 'invalid_request', error_description: 'Only service clients may use on-behalf token exchange.' })
})

t.test('PAR: push, use once, errors', async (t) => {
  const { app, clock } = await buildTestApp(t, {
    change: (c) => {
      withNewGrants(c)
      c.clients.find((x) => x.id === 'web-app')!.autoSignIn = 'alice@example.com'
      c.clients.find((x) => x.id === 'par-web')!.autoSignIn = 'alice@example.com'
    },
  })
  const { challenge } = pkcePair()
  const params = { response_type: 'code', scope: 'openid', redirect_uri: WEB_REDIRECT, state: 's1', code_challenge: challenge, code_challenge_method: 'S256' }
  const push = (body: Record<string, string>, client = WEB, server = 'default') =>
    app.inject({
      method: 'POST',
      url: server === '' ? '/oauth2/v1/par' : `/oauth2/${server}/v1/par`,
      headers: { ...FORM, authorization: basic(client.id, client.secret) },
      payload: form(body),
    })
  const pushed = await push(params)
  t.equal(pushed.statusCode, 201, pushed.body)
  t.same(Object.keys(pushed.json()), ['request_uri', 'expires_in'])
  const { request_uri: uri, expires_in: lifetime } = pushed.json()
  t.match(uri, /^urn:okta:[A-Za-z0-9_-]{43}$/)
  t.equal(lifetime, 3600)
  const use = (u: string, clientId = WEB.id, prefix = DEFAULT_AS) =>
    app.inject({ method: 'GET', url: `${prefix}/authorize?${form({ client_id: clientId, request_uri: u })}`, headers: new Cookies().header() })
  // Another client cannot spend it (and it stays for its owner); another server neither.
  const foreign = await use(uri, 'spa-app')
  t.equal(foreign.statusCode, 400)
  t.match(foreign.body, /does not match the expected value for the provided request_uri/)
  t.match((await use(uri, WEB.id, '/oauth2/api2/v1')).body, /issued for another authorization server/)
  const first = await use(uri)
  t.equal(first.statusCode, 302, first.body)
  t.equal(redirectParams(first)['state'], 's1')
  t.ok(redirectParams(first)['code'])
  t.match((await use(uri)).body, /The authorize request_uri is invalid\./)
  const late = (await push(params)).json().request_uri
  clock.advance(3601)
  t.match((await use(late)).body, /The authorize request_uri is invalid\./)
  t.match(
    (await app.inject({ method: 'GET', url: `${DEFAULT_AS}/authorize?${form({ client_id: WEB.id, request_uri: 'urn:okta:x', request: 'x' })}` })).body,
    /must not contain both a request object and a request uri/,
  )

  // Push errors come back as JSON.
  t.same((await push({ ...params, request_uri: 'urn:okta:x' })).json(), {
    error: 'invalid_request',
    error_description: "The 'request_uri' parameter must not be present in the request.",
  })
  t.equal((await push({ ...params, redirect_uri: 'https://evil.example/cb' })).json().error, 'invalid_request')
  t.equal((await push({ ...params, scope: 'nope' })).json().error, 'invalid_scope')
  t.equal((await push({ ...params, response_type: 'token' })).json().error, 'unsupported_response_type')
  const anonymous = await app.inject({ method: 'POST', url: `${DEFAULT_AS}/par`, headers: FORM, payload: form(params) })
  t.equal(anonymous.statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: `${DEFAULT_AS}/par` })).statusCode, 405)

  // A client that requires PAR: /authorize without request_uri is refused, with one it works.
  const parWeb = { id: 'par-web', secret: WEB.secret }
  const direct = await app.inject({ method: 'GET', url: `${DEFAULT_AS}/authorize?${form({ ...params, client_id: 'par-web' })}` })
  t.equal(redirectParams(direct)['error'], 'invalid_request')
  const viaPar = await use((await push(params, parWeb)).json().request_uri, 'par-web')
  t.ok(redirectParams(viaPar)['code'])
  const entries = (await control(app, 'GET', '/journal')).json() as Array<{ endpoint: string }>
  t.ok(entries.some((e) => e.endpoint === 'par'))
})

/** The catalogue rows this file drives (test/conformance/okta-error-catalogue.test.ts reads this list); their texts are asserted above. */
const DRIVEN_CODES = [
  'unsupported_grant_type_token_exchange',
  'on_behalf_invalid_client_type',
  'invalid_subject_token',
  'invalid_subject_token_type',
  'invalid_actor_token',
  'invalid_actor_token_type',
  'token_exchange_subject_token_expired',
  'token_exchange_invalid_audience',
  'token_exchange_invalid_resource',
  'openid_not_allowed_token_exchange',
  'associated_server_not_trusted',
  'pushed_authorization_request_uri_present',
  'invalid_request_uri',
  'authorize_request_uri_mismatched_authorization_server',
  'authorize_request_uri_mismatched_client',
  'authorize_request_object_and_request_uri_provided',
] as const
t.test('the driven rows are catalogue rows', async (t) => {
  for (const code of DRIVEN_CODES) t.ok(oktaErrors[code].description.length > 0, code)
})
