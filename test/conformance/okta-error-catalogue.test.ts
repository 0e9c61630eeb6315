/**
 * mockta's error table against Okta's published catalogue (`vendor/okta/oauth2-error-codes.json`,
 * docs/okta-behaviour.md § 4): same status, `error` and `error_description` for every Okta error mockta emits,
 * and each one reproduced on the wire by a real request.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { mocktaErrors, oktaErrors, type OktaErrorCode } from '../../src/errors/okta-errors.js'
import { supportedGrantTypes } from '../../src/grants/index.js'
import { MemoryStore } from '../../src/store/memory-store.js'
import { ALICE, DEFAULT_AS, FORM, SERVICE, WEB, basic, buildTestApp, form, post, refresh, signIn } from '../helpers/app.js'
import { CATALOGUE_PATH, catalogue, catalogueRow } from '../helpers/okta-catalogue.js'
import { assertOktaError } from '../helpers/oauth-assert.js'
import { SIGN_IN_ERRORS } from '../helpers/sign-in-errors.js'
import { addDpopClients } from '../helpers/dpop.js'
import { KEYS, dpopBadInputs } from '../helpers/dpop-bad-input.js'
import { randomIds } from '../../src/ids.js'
import { refreshTokenFor } from '../../src/oauth/refresh-token.js'

/**
 * The registered OAuth error codes a token, introspection or revocation endpoint may answer with:
 * RFC 6749 §5.2 and §4.1.2.1 (server_error, temporarily_unavailable), RFC 6750 §3.1, RFC 7009 §2.2.1.
 */
const REGISTERED = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  'server_error',
  'temporarily_unavailable',
  'invalid_token',
  'insufficient_scope',
  'unsupported_token_type',
])

/** Okta errors in the table that no request can produce today, and why. */
const UNREACHABLE: Partial<Record<OktaErrorCode, string>> = {
  invalid_request: 'the generic fallback; every rejected request has a more precise catalogue row',
  invalid_client_secret: 'a wrong secret answers the generic invalid_client, so a body never tells a known client from an unknown one (SP-11)',
  temporarily_unavailable: "a full store answers mockta's own 503 store_full",
  unsupported_grant_type_client_creds_org_as: 'the org server serves client_credentials to private_key_jwt clients; other methods get unsupported_auth_method_client_creds',
  client_assertion_not_signed_with_signing_key: "a key whose use is not 'sig' answers client_assertion_invalid_key_use",
}

t.test('the catalogue file is the vendored release (vendor/okta/README.md)', async (t) => {
  const file = JSON.parse(readFileSync(CATALOGUE_PATH, 'utf8')) as { release: string }
  t.equal(file.release, '2026.08.1')
  t.equal(catalogue().length, 476)
})

t.test('every oktaErrors entry matches its catalogue row ({0} is the catalogue’s "en")', async (t) => {
  for (const [code, entry] of Object.entries(oktaErrors)) {
    const row = catalogue().find((r) => r.internalErrorCode === code)
    if (!row) {
      t.fail(`${code}: no catalogue row`)
      continue
    }
    t.equal(entry.status, row.statusCode, `${code}: status`)
    t.equal(entry.error, row.errorCode, `${code}: error`)
    t.equal(entry.description.replaceAll('{0}', 'en'), row.errorDescription, `${code}: error_description`)
    t.notMatch(entry.description, /\{[1-9]\}/, `${code}: one placeholder at most`)
  }
})

t.test('mocktaErrors (cases Okta does not document) use registered RFC codes only', async (t) => {
  for (const [code, entry] of Object.entries(mocktaErrors)) {
    t.ok(REGISTERED.has(entry.error), `${code}: ${entry.error} is registered`)
    t.ok(entry.status >= 400 && entry.status < 600, `${code}: an error status`)
    t.notOk(
      catalogue().some((r) => r.internalErrorCode === code),
      `${code}: not an Okta code in disguise`,
    )
  }
})

type Drive = (app: FastifyInstance) => Promise<LightMyRequestResponse>

const CC = { grant_type: 'client_credentials', scope: 'api:read' }
const asService =
  (params: Record<string, string>, server?: string): Drive =>
  (app) =>
    post(app, 'token', params, { authorization: basic(SERVICE.id, SERVICE.secret), ...(server !== undefined && { server }) })
const asNative =
  (params: Record<string, string>): Drive =>
  (app) =>
    post(app, 'token', { ...params, client_id: 'native-app' })
const rawToken =
  (query: string, body: string, headers: Record<string, string> = {}): Drive =>
  (app) =>
    app.inject({ method: 'POST', url: `${DEFAULT_AS}/token${query}`, headers: { ...FORM, ...headers }, payload: body })

const grantTypes = supportedGrantTypes.join(', ')
const password = { grant_type: 'password', username: ALICE.username, password: ALICE.password, scope: 'openid' }

/** Request → the catalogue code it must produce, with the placeholder's rendering. */
const DRIVEN: Array<[OktaErrorCode, Drive, ...string[]]> = [
  ['invalid_client', (app) => post(app, 'token', CC, { authorization: basic(SERVICE.id, 'not-the-secret') })],
  ['missing_client_credentials', (app) => post(app, 'token', CC)],
  ['invalid_basic_auth_creds', (app) => post(app, 'token', CC, { authorization: 'Basic !!!' })],
  ['multiple_client_credentials', asService({ ...CC, client_secret: SERVICE.secret })],
  ['client_credentials_in_query', rawToken(`?client_secret=${SERVICE.secret}`, form(CC), { authorization: basic(SERVICE.id, SERVICE.secret) })],
  ['illegal_duplicated_parameters', rawToken('', `${form(CC)}&grant_type=client_credentials`, { authorization: basic(SERVICE.id, SERVICE.secret) }), 'grant_type'],
  ['token_request_missing_grant_type', asService({ scope: 'api:read' }), grantTypes],
  ['missing_token_request_parameter', asNative({ grant_type: 'password', password: ALICE.password, scope: 'openid' }), 'username'],
  ['request_missing_token', (app) => post(app, 'introspect', { client_id: 'native-app' })],
  ['unsupported_grant_type', asService({ grant_type: 'urn:ietf:params:oauth:grant-type:foo' }), grantTypes],
  ['unauthorized_client', (app) => post(app, 'token', CC, { authorization: basic(WEB.id, WEB.secret) }), 'authorization_code, refresh_token, password, interaction_code'],
  ['invalid_refresh_token', (app) => refresh(app, 'A'.repeat(43))],
  ['invalid_password_credentials', asNative({ ...password, password: 'not-alice-password' })],
  ['invalid_scope', asService({ ...CC, scope: 'api:read nope' })],
  ['missing_scopes', asService({ grant_type: 'client_credentials' })],
  ['openid_not_allowed_client_creds', asService({ ...CC, scope: 'openid' })],
  ['refresh_scopes_denied', async (app) => refresh(app, (await signIn(app, { scope: 'openid offline_access' })).refresh_token, { scope: 'openid api:write' }), 'api:write'],
]

// DPoP proofs and client assertions (test/helpers/dpop-bad-input.ts), on the manual clock's time.
const NOW = Math.floor(Date.UTC(2026, 0, 1) / 1000)
for (const bad of dpopBadInputs()) {
  if (!DRIVEN.some(([code]) => code === bad.code)) DRIVEN.push([bad.code as OktaErrorCode, async (app) => app.inject(await bad.make(app, NOW)), ...(bad.args ?? [])])
}
// The code bound with dpop_jkt is redeemed with another key: test/routes/dpop.test.ts drives it; here the generic row.
if (!DRIVEN.some(([code]) => code === 'invalid_dpop_proof')) throw new Error('invalid_dpop_proof is not driven')

t.test('each reachable Okta error, driven over the wire, equals its catalogue row', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => addDpopClients(c, KEYS) })
  for (const [code, drive, ...args] of DRIVEN) {
    const res = await drive(app)
    t.test(code, async (t) => assertOktaError(t, res, code, ...args))
  }
})

t.test('server_error, driven by a store that fails', async (t) => {
  class FailingStore extends MemoryStore {
    override async findRefreshToken(): Promise<never> {
      throw new Error('injected fault')
    }
  }
  const { app, ctx } = await buildTestApp(t, { store: new FailingStore(10) })
  // A token with a good MAC reaches the store (docs/refresh-tokens.md, "Token form").
  assertOktaError(t, await refresh(app, refreshTokenFor({ familyId: randomIds.familyId(), generation: 0 }, ctx.tokenSecret)), 'server_error')
})

t.test('the driven and the unreachable codes cover the table, and unreachable ones are unused in src/', async (t) => {
  const driven = new Set<string>([...DRIVEN.map(([code]) => code), 'server_error', ...Object.keys(SIGN_IN_ERRORS)])
  // Sign-in errors are pages, redirects or WWW-Authenticate headers, driven in their own tests.
  for (const [code, file] of Object.entries(SIGN_IN_ERRORS)) {
    t.match(readFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), 'utf8'), `'${code}'`, `${code}: driven in ${file}`)
  }
  for (const code of Object.keys(oktaErrors)) {
    t.ok(driven.has(code) !== Object.hasOwn(UNREACHABLE, code), `${code}: driven, or listed as unreachable (not both)`)
  }
  const src = fileURLToPath(new URL('../../src/', import.meta.url))
  const sources = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(`${src}/${f}`, 'utf8'))
    .join('\n')
  for (const code of Object.keys(UNREACHABLE)) {
    t.notMatch(sources, `oktaError('${code}'`, `${code}: never thrown, so no request can produce it`)
  }
  // Sanity: the scan does see the codes that are thrown.
  t.match(sources, "oktaError('invalid_refresh_token'")
  t.equal(catalogueRow('invalid_refresh_token').errorCode, 'invalid_grant')
})
