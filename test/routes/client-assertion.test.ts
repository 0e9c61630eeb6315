/**
 * client_secret_jwt and private_key_jwt (RFC 7523) at every endpoint that authenticates clients, with
 * Okta's rules (docs/dpop.md § 3.1): `aud` is the endpoint invoked, a `jti` is single
 * use, the org server's client_credentials for private_key_jwt clients with Okta's API scopes.
 * The refusals, one per catalogue code, are in test/helpers/dpop-bad-input.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { resolveConfig } from '../../src/config/load.js'
import { decodeJwt } from 'jose'
import { DEFAULT_AS, buildTestApp, type TestApp } from '../helpers/app.js'
import { ASSERTION_KID, HMAC_SECRET, ISSUER, JWT_BEARER, ORG_TOKEN_URL, addDpopClients, dpopProof, keyAssertion, postWith, secretAssertion } from '../helpers/dpop.js'
import { KEYS } from '../helpers/dpop-bad-input.js'
import { assertOktaError } from '../helpers/oauth-assert.js'
import { control } from '../helpers/control.js'

const nowOf = (a: TestApp): number => Math.floor(a.clock.nowMs() / 1000)
const CC = { grant_type: 'client_credentials', scope: 'api:read' }
const asserted = (assertion: string, extra: Record<string, string> = {}) => ({ ...CC, client_assertion_type: JWT_BEARER, client_assertion: assertion, ...extra })

async function app(
  t: Parameters<typeof buildTestApp>[0],
  change: Parameters<typeof buildTestApp>[1] extends infer O ? (O extends { change?: infer C } ? C : never) : never = () => {},
): Promise<TestApp> {
  return buildTestApp(t, {
    change: (c) => {
      addDpopClients(c, KEYS)
      change?.(c)
    },
  })
}

t.test('private_key_jwt: a token, then the same jti refused; an assertion without jti may repeat', async (t) => {
  const a = await app(t)
  const assertion = await keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', nowOf(a))
  const res = await postWith(a.app, 'token', asserted(assertion))
  t.equal(res.statusCode, 200, res.body)
  t.equal(decodeJwt(res.json<{ access_token: string }>().access_token)['cid'], 'jwt-service')
  assertOktaError(t, await postWith(a.app, 'token', asserted(assertion)), 'client_assertion_already_used')
  const noJti = await keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', nowOf(a), { jti: null })
  t.equal((await postWith(a.app, 'token', asserted(noJti))).statusCode, 200)
  t.equal((await postWith(a.app, 'token', asserted(noJti))).statusCode, 200, 'Okta: jti is optional, single use only when present')
  const kidless = await keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', nowOf(a), { kid: null })
  t.equal((await postWith(a.app, 'token', asserted(kidless))).statusCode, 200, 'no kid: the only key of its type')
  t.equal(
    (await postWith(a.app, 'token', asserted(await keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', nowOf(a)), { client_id: 'jwt-service' }))).statusCode,
    200,
    'a body client_id equal to iss (openid-client)',
  )
})

t.test('a used jti is remembered until the assertion expires, by mockta’s clock', async (t) => {
  const a = await app(t)
  const assertion = await keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', nowOf(a), { exp: nowOf(a) + 60 })
  t.equal((await postWith(a.app, 'token', asserted(assertion))).statusCode, 200)
  a.clock.advance(30)
  assertOktaError(t, await postWith(a.app, 'token', asserted(assertion)), 'client_assertion_already_used')
})

t.test('aud is the endpoint invoked: /introspect and /revoke take their own URL', async (t) => {
  const a = await app(t)
  const token = (await postWith(a.app, 'token', asserted(await keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', nowOf(a))))).json<{ access_token: string }>()
    .access_token
  for (const endpoint of ['introspect', 'revoke']) {
    const params = (aud: string) =>
      keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', nowOf(a), { aud }).then((assertion) => ({
        token,
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion,
      }))
    assertOktaError(t, await postWith(a.app, endpoint, await params(`${ISSUER}/v1/token`)), 'client_assertion_invalid_audience')
    const res = await postWith(a.app, endpoint, await params(`${ISSUER}/v1/${endpoint}`))
    t.equal(res.statusCode, 200, `${endpoint}: ${res.body}`)
    if (endpoint === 'introspect') t.equal(res.json<{ active: boolean }>().active, true)
  }
})

t.test('acceptIssuerAudience: the issuer as aud too, for openid-client’s default (off by default)', async (t) => {
  const a = await app(t, (c) => {
    c.clients.find((x) => x.id === 'jwt-service')!.acceptIssuerAudience = true
  })
  const res = await postWith(a.app, 'token', asserted(await keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', nowOf(a), { aud: ISSUER })))
  t.equal(res.statusCode, 200, res.body)
  const array = await postWith(a.app, 'token', asserted(await keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', nowOf(a), { aud: ['https://elsewhere', ISSUER] })))
  t.equal(array.statusCode, 200, 'an aud array holding it')
})

t.test('client_secret_jwt with HS256, HS384 and HS512', async (t) => {
  const a = await app(t)
  for (const alg of ['HS256', 'HS384', 'HS512']) {
    const res = await postWith(a.app, 'token', asserted(await secretAssertion(HMAC_SECRET, 'hmac-service', nowOf(a), { alg })))
    t.equal(res.statusCode, 200, `${alg}: ${res.body}`)
  }
  // The client uses client_secret_jwt only: its secret in Basic is a method it does not have.
  const basic = await postWith(a.app, 'token', CC, { authorization: `Basic ${Buffer.from(`hmac-service:${HMAC_SECRET}`).toString('base64')}` })
  assertOktaError(t, basic, 'invalid_client')
})

t.test('the org server: client_credentials for private_key_jwt clients, with Okta API scopes', async (t) => {
  const a = await app(t)
  const org = (scope: string) =>
    keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', nowOf(a), { aud: ORG_TOKEN_URL }).then((assertion) =>
      postWith(a.app, '/oauth2/v1/token', { grant_type: 'client_credentials', scope, client_assertion_type: JWT_BEARER, client_assertion: assertion }),
    )
  const res = await org('okta.users.read okta.groups.manage')
  t.equal(res.statusCode, 200, res.body)
  const claims = decodeJwt(res.json<{ access_token: string }>().access_token)
  t.strictSame(claims['scp'], ['okta.users.read', 'okta.groups.manage'])
  t.equal(claims['iss'], 'http://mockta.test')
  assertOktaError(t, await org('api:read'), 'invalid_scope')
  // okta-sdk-nodejs sends a DPoP proof to every token request; a client that does not require DPoP gets Bearer.
  const assertion = await keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', nowOf(a), { aud: ORG_TOKEN_URL })
  const withProof = await postWith(
    a.app,
    '/oauth2/v1/token',
    { grant_type: 'client_credentials', scope: 'okta.users.read', client_assertion_type: JWT_BEARER, client_assertion: assertion },
    { dpop: await dpopProof(KEYS.serviceKey, nowOf(a), { htu: ORG_TOKEN_URL }) },
  )
  t.equal(withProof.json<{ token_type: string }>().token_type, 'Bearer')
})

t.test('a service client that requires DPoP gets DPoP-bound client_credentials tokens', async (t) => {
  const a = await app(t, (c) => {
    c.clients.find((x) => x.id === 'jwt-service')!.dpopBoundAccessTokens = true
  })
  const assertion = () => keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', nowOf(a))
  const first = await postWith(a.app, 'token', asserted(await assertion()), { dpop: await dpopProof(KEYS.dpop, nowOf(a)) })
  assertOktaError(t, first, 'use_dpop_nonce')
  const res = await postWith(a.app, 'token', asserted(await assertion()), { dpop: await dpopProof(KEYS.dpop, nowOf(a), { nonce: first.headers['dpop-nonce'] as string }) })
  t.equal(res.json<{ token_type: string }>().token_type, 'DPoP', res.body)
})

t.test('a jwksFile is read at load, relative to the configuration file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mockta-jwks-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'service.jwks.json'), JSON.stringify({ keys: [{ ...KEYS.serviceKey.publicJwk, kid: ASSERTION_KID }] }))
  const raw = { clients: [{ id: 'file-service', type: 'service', jwksFile: 'service.jwks.json', grantTypes: ['client_credentials'] }] }
  const config = resolveConfig(raw, { baseDir: dir, defaultBaseUrl: 'http://mockta.test' })
  const client = config.clients.find((c) => c.id === 'file-service')!
  t.strictSame(client.authMethods, ['private_key_jwt'], 'private_key_jwt by default for a client with keys')
  t.equal(client.jwks?.keys[0]?.kid, ASSERTION_KID)
  t.throws(
    () => resolveConfig({ clients: [{ id: 'x', type: 'service', jwksFile: 'missing.json' }] }, { baseDir: dir, defaultBaseUrl: 'http://mockta.test' }),
    /jwksFile: cannot load/,
  )
  const priv = { clients: [{ id: 'x', type: 'service', jwks: { keys: [{ kty: 'RSA', d: 'x', n: 'x', e: 'AQAB' }] } }] }
  t.throws(() => resolveConfig(priv, { baseDir: dir, defaultBaseUrl: 'http://mockta.test' }), /must be a public key/)
})

t.test('the journal names the method and the client, never the assertion', async (t) => {
  const a = await app(t)
  const assertion = await keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', nowOf(a))
  await postWith(a.app, 'token', asserted(assertion))
  const journal = await control(a.app, 'GET', '/journal')
  const entry = journal.json<Array<{ clientId: string; authMethod: string; path: string }>>().find((e) => e.path === `${DEFAULT_AS}/token`)
  t.match(entry, { clientId: 'jwt-service', authMethod: 'private_key_jwt' })
  t.notMatch(journal.body, assertion.split('.')[2]!, 'no assertion')
})
