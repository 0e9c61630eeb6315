/** Fault rules: matching, firing for N requests or with a probability, each action, and no state change. */
import t from 'tap'
import { buildMockta } from '../../src/app.js'
import { basic, post, SERVICE, testConfig } from '../helpers/app.js'
import { passwordGrant } from '../helpers/listening-app.js'
import { driven, eachDriver, failure } from '../helpers/control-client.js'
import { clientCredentialsOver, introspectOver, postForm, refreshOver } from '../helpers/oauth-fetch.js'

eachDriver('a 503 for the next refresh changes no state; the one after succeeds', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const tokens = await passwordGrant(base)
  const rule = await c.faults.add({
    match: { endpoint: 'token', grantType: 'refresh_token', clientId: 'native-app' },
    action: { type: 'error', status: 503, error: 'temporarily_unavailable' },
    times: 1,
  })
  t.match(rule, { id: /^flt/, remaining: 1, fired: 0 })
  const failed = await refreshOver(base, tokens.refresh_token)
  t.equal(failed.status, 503)
  t.same(
    failed.body,
    {
      error: 'temporarily_unavailable',
      error_description: 'The authorization server is currently unable to handle the request due to a temporary overloading or maintenance of the server.',
    },
    "Okta's text",
  )
  t.equal(failed.headers.get('cache-control'), 'no-cache, no-store')
  t.same(await c.faults.list(), [], 'a used-up rule disappears')
  const ok = await refreshOver(base, tokens.refresh_token)
  t.equal(ok.status, 200, 'the refresh token was not consumed by the failed call')
  t.equal((await introspectOver(base, tokens.access_token)).active, true, 'no reuse was detected')
})

eachDriver('a fault on a sign-in creates no refresh family', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  await c.faults.add({ match: { grantType: 'password' }, action: { type: 'error', status: 500, error: 'server_error' }, times: 1 })
  await t.rejects(passwordGrant(base), /500/)
  t.same(await c.families.list('alice@example.com'), [], 'nothing was stored')
  const [entry] = await c.journal.list()
  t.match(entry, { grantType: 'password', status: 500, error: 'server_error', faultId: /^flt/ })
  t.notOk(entry!.familyId)
})

eachDriver("a 429 carries X-Rate-Limit-* headers and Okta's E0000047 body", async (t, driver) => {
  const { c, base, clock } = await driven(t, driver)
  await c.faults.add({ match: { endpoint: 'token' }, action: { type: 'rate_limit', limit: 50, resetSeconds: 30 }, times: 2 })
  for (let i = 0; i < 2; i++) {
    const res = await clientCredentialsOver(base)
    t.equal(res.status, 429)
    t.equal(res.headers.get('x-rate-limit-limit'), '50')
    t.equal(res.headers.get('x-rate-limit-remaining'), '0')
    t.equal(res.headers.get('x-rate-limit-reset'), String(clock.nowMs() / 1000 + 30), 'epoch seconds, from the clock')
    t.match(res.body, { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.', errorLink: 'E0000047', errorId: /^oae/, errorCauses: [] })
  }
  t.equal((await clientCredentialsOver(base)).status, 200)
})

eachDriver('rules match on endpoint, authorization server, client and grant type', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  await c.faults.add({ match: { authServer: 'org' }, action: { type: 'error', status: 500, error: 'server_error' } })
  await c.faults.add({ match: { clientId: 'other-app' }, action: { type: 'error', status: 418, error: 'teapot', errorDescription: 'short and stout' } })
  await c.faults.add({ match: { endpoint: 'revoke' }, action: { type: 'error', status: 500, error: 'server_error' } })
  await c.faults.add({ match: { grantType: 'password' }, action: { type: 'error', status: 500, error: 'server_error' } })
  t.equal((await clientCredentialsOver(base)).status, 200, 'nothing matches client_credentials at default')
  t.equal((await postForm(base, 'token', { grant_type: 'password', username: 'a', password: 'b', scope: 'openid', client_id: 'native-app' })).status, 500)
  t.equal((await postForm(base, 'introspect', { token: 'x', client_id: 'native-app' }, { server: '' })).status, 500, 'the org server is "org"')
  t.equal((await postForm(base, 'revoke', { token: 'x', client_id: 'native-app' })).status, 500)
  t.equal((await fetch(`${base}/oauth2/default/v1/keys`)).status, 200)
  t.same(
    (await c.faults.list()).map((r) => r.fired),
    [1, 0, 1, 1],
  )
  await c.faults.clear()
  t.same(await c.faults.list(), [])
})

eachDriver('probability 0 never fires, 1 always; remove one rule', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const never = await c.faults.add({ match: { endpoint: 'keys' }, action: { type: 'error', status: 500, error: 'server_error' }, probability: 0 })
  t.equal((await fetch(`${base}/oauth2/default/v1/keys`)).status, 200)
  const always = await c.faults.add({ match: { endpoint: 'discovery' }, action: { type: 'error', status: 502, error: 'server_error' }, probability: 1 })
  for (let i = 0; i < 3; i++) t.equal((await fetch(`${base}/oauth2/default/.well-known/openid-configuration`)).status, 502)
  await c.faults.remove(always.id)
  t.equal((await fetch(`${base}/oauth2/default/.well-known/openid-configuration`)).status, 200)
  t.match(await failure(() => c.faults.remove(always.id)), { statusCode: 404 })
  t.same(
    (await c.faults.list()).map((r) => r.id),
    [never.id],
  )
})

eachDriver('latency delays and lets the request through; malformed sends broken JSON', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  await c.faults.add({ match: { endpoint: 'token' }, action: { type: 'latency', ms: 20 }, times: 1 })
  t.equal((await clientCredentialsOver(base)).status, 200)
  await c.faults.add({ match: { endpoint: 'token' }, action: { type: 'malformed' }, times: 1 })
  const broken = await clientCredentialsOver(base)
  t.equal(broken.status, 200)
  t.equal(broken.headers.get('content-type'), 'application/json; charset=utf-8')
  t.throws(() => JSON.parse(broken.text), 'the body is not JSON')
})

eachDriver('drop closes the connection without an answer', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  await c.faults.add({ match: { endpoint: 'token' }, action: { type: 'drop' }, times: 1 })
  await t.rejects(clientCredentialsOver(base), 'fetch fails')
  t.equal((await clientCredentialsOver(base)).status, 200, 'the next request is served')
  const [dropped] = await c.journal.list({ endpoint: 'token' })
  t.match(dropped, { status: 0, faultId: /^flt/ }, 'the journal records the dropped request')
})

eachDriver('bad rules are a 400 naming the problem', async (t, driver) => {
  const { c } = await driven(t, driver)
  const cases: Array<[unknown, RegExp]> = [
    [{}, /action is required/],
    [{ action: { type: 'explode' } }, /action\/type: must be one of "error", "rate_limit", "latency", "drop", "malformed"/],
    [{ action: { type: 'error', status: 200, error: 'x' } }, /status/],
    [{ action: { type: 'latency', ms: 60_000 } }, /ms/],
    [{ action: { type: 'drop' }, times: 0 }, /times/],
    [{ action: { type: 'drop' }, probability: 2 }, /probability/],
    [{ action: { type: 'drop' }, times: 1, probability: 0.5 }, /either times or probability/],
    [{ action: { type: 'drop' }, match: { endpoint: 'nowhere' } }, /endpoint: must be one of/],
    [{ action: { type: 'drop' }, match: { colour: 'red' } }, /unknown property "colour"/],
  ]
  for (const [rule, message] of cases) t.match(await failure(() => c.faults.add(rule as never)), { statusCode: 400, error: 'bad_request', message }, JSON.stringify(rule))
  t.same(await c.faults.list(), [])
})

t.test('a probability rule fires as the injected dice say', async (t) => {
  const rolls = [0.1, 0.9, 0.4]
  const config = testConfig((c) => (c.logLevel = 'silent'))
  const { app, control } = await buildMockta(config, { control: { random: () => rolls.shift() ?? 1 } })
  t.teardown(() => app.close())
  await control.faults.add({ match: { endpoint: 'token' }, action: { type: 'error', status: 500, error: 'server_error' }, probability: 0.5 })
  const statuses = []
  for (let i = 0; i < 3; i++)
    statuses.push((await post(app, 'token', { grant_type: 'client_credentials', scope: 'api:read' }, { authorization: basic(SERVICE.id, SERVICE.secret) })).statusCode)
  t.same(statuses, [500, 200, 500])
})

eachDriver("an error of any status: Okta's text for its codes, the given or a generic one otherwise", async (t, driver) => {
  const { c, base } = await driven(t, driver)
  await c.faults.add({ match: { endpoint: 'token' }, action: { type: 'error', status: 418, error: 'teapot', errorDescription: 'short and stout' }, times: 1 })
  await c.faults.add({ match: { endpoint: 'token' }, action: { type: 'error', status: 502, error: 'bad_gateway' }, times: 1 })
  await c.faults.add({ match: { endpoint: 'token' }, action: { type: 'error', status: 500, error: 'server_error' }, times: 1 })
  t.match(await clientCredentialsOver(base), { status: 418, body: { error: 'teapot', error_description: 'short and stout' } })
  t.match(await clientCredentialsOver(base), { status: 502, body: { error: 'bad_gateway', error_description: 'Injected fault: bad_gateway.' } })
  t.match(await clientCredentialsOver(base), {
    status: 500,
    body: { error: 'server_error', error_description: 'The authorization server encountered an unexpected condition that prevented it from fulfilling the request.' },
  })
})
