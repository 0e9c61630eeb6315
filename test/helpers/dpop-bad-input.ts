/**
 * Bad DPoP proofs and client assertions, one entry per variant, each with the Okta catalogue code it
 * must produce: the catalogue rows (test/catalogue/dpop-rows.ts) run them through the G rules, and the
 * conformance test drives each code from them. `make` prepares what it needs (a nonce, a DPoP
 * sign-in, a first use) and returns the request to judge.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { exportJWK, importJWK, SignJWT, type CryptoKey } from 'jose'
import { DEFAULT_AS, FORM, SERVICE, basic, form } from './app.js'
import {
  ASSERTION_KID,
  HMAC_SECRET,
  ISSUER,
  JWT_BEARER,
  TOKEN_URL,
  USERINFO_URL,
  dpopClientKeys,
  dpopProof,
  dpopSignIn,
  keyAssertion,
  postWith,
  proofKey,
  secretAssertion,
  unsignedJwt,
  type ProofKey,
} from './dpop.js'

/** The keys every run shares: the service's registered key, a DPoP key, a foreign one. */
export const KEYS = { ...(await dpopClientKeys()), dpop: await proofKey('ES256'), other: await proofKey('ES256'), foreign: await proofKey('RS256') }

export interface BadInput {
  case: string
  variant: string
  /** The catalogue code (src/errors/okta-errors.ts) the answer carries. */
  code: string
  make: (app: FastifyInstance, now: number) => Promise<InjectOptions>
  /** The catalogue placeholder's rendering, if the text has one. */
  args?: string[]
  /** What is wrong afterwards, if anything (nothing consumed). */
  after?: (app: FastifyInstance, now: number) => Promise<string | undefined>
}

const PASSWORD = { grant_type: 'password', client_id: 'dpop-native', username: 'alice@example.com', password: 'alice-password', scope: 'openid offline_access' }
const CC = { grant_type: 'client_credentials', scope: 'api:read' }

const tokenOptions = (params: Record<string, string>, headers: Record<string, string | string[]> = {}, url = `${DEFAULT_AS}/token`): InjectOptions => ({
  method: 'POST',
  url,
  headers: { ...FORM, ...headers },
  payload: form(params),
})

/** The server's current nonce, from a first proof without one. */
async function nonceOf(app: FastifyInstance, now: number): Promise<string> {
  const res = await postWith(app, 'token', PASSWORD, { dpop: await dpopProof(KEYS.dpop, now) })
  return res.headers['dpop-nonce'] as string
}

/** A password grant of dpop-native with `proof` built from the current nonce. */
const withProof =
  (build: (nonce: string, now: number) => Promise<string | string[]>) =>
  async (app: FastifyInstance, now: number): Promise<InjectOptions> =>
    tokenOptions(PASSWORD, { dpop: await build(await nonceOf(app, now), now) })

const assertionFor = (assertion: string, params: Record<string, string> = CC, headers: Record<string, string> = {}, url?: string): InjectOptions =>
  tokenOptions({ ...params, client_assertion_type: JWT_BEARER, client_assertion: assertion }, headers, url)

const keyed = (now: number, o: Parameters<typeof keyAssertion>[4] = {}) => keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'jwt-service', now, o)

/** Whether a bound refresh token still works with its own key. */
async function refreshes(app: FastifyInstance, now: number, rt: string, key: ProofKey): Promise<string | undefined> {
  const params = { grant_type: 'refresh_token', client_id: 'dpop-native', refresh_token: rt }
  const nonce = (await postWith(app, 'token', params, { dpop: await dpopProof(key, now) })).headers['dpop-nonce'] as string
  const res = await postWith(app, 'token', params, { dpop: await dpopProof(key, now, { nonce }) })
  return res.statusCode === 200 ? undefined : `the bound refresh token no longer works: ${res.statusCode} ${res.body}`
}

export function dpopBadInputs(): BadInput[] {
  const list: BadInput[] = []
  const add = (c: string, variant: string, code: string, make: BadInput['make'], after?: BadInput['after']) => list.push({ case: c, variant, code, make, ...(after && { after }) })

  // DPoP proofs at /token (RFC 9449 §4.3).
  add('DPoP', 'no DPoP header from a client that requires DPoP', 'invalid_dpop_proof_missing_header', async () => tokenOptions(PASSWORD))
  add(
    'DPoP',
    'two DPoP headers',
    'invalid_dpop_proof_multiple_headers_not_allowed',
    withProof(async (nonce, now) => [await dpopProof(KEYS.dpop, now, { nonce }), await dpopProof(KEYS.dpop, now, { nonce })]),
  )
  add('DPoP', 'malformed proof', 'invalid_dpop_proof_invalid_jwt', async () => tokenOptions(PASSWORD, { dpop: 'not.a-jwt' }))
  add('DPoP', 'an oversized proof (9 kB)', 'invalid_dpop_proof_invalid_jwt', async () => tokenOptions(PASSWORD, { dpop: `${'a'.repeat(9000)}.b.c` }))
  add(
    'DPoP',
    "typ 'JWT'",
    'invalid_dpop_proof_invalid_type',
    withProof((nonce, now) => dpopProof(KEYS.dpop, now, { nonce, typ: 'JWT' })),
  )
  add(
    'DPoP',
    'unsigned (alg none)',
    'invalid_dpop_proof_invalid_signature_algorithm',
    withProof(async (nonce, now) => unsignedJwt({ typ: 'dpop+jwt', alg: 'none', jwk: KEYS.dpop.publicJwk }, { htm: 'POST', htu: TOKEN_URL, iat: now, jti: randomUUID(), nonce })),
  )
  add(
    'DPoP',
    'HMAC signed with the public key',
    'invalid_dpop_proof_invalid_signature_algorithm',
    withProof(async (nonce, now) =>
      new SignJWT({ htm: 'POST', htu: TOKEN_URL, iat: now, jti: randomUUID(), nonce })
        .setProtectedHeader({ typ: 'dpop+jwt', alg: 'HS256', jwk: KEYS.dpop.publicJwk } as never)
        .sign(new TextEncoder().encode(JSON.stringify(KEYS.dpop.publicJwk))),
    ),
  )
  add(
    'DPoP',
    'an embedded key that did not sign it',
    'invalid_dpop_proof_invalid_signature',
    withProof((nonce, now) => dpopProof(KEYS.dpop, now, { nonce, header: { jwk: KEYS.other.publicJwk } })),
  )
  add(
    'DPoP',
    'a private key embedded',
    'invalid_dpop_proof',
    withProof(async (nonce, now) => dpopProof(KEYS.dpop, now, { nonce, header: { jwk: await exportJWK(KEYS.dpop.privateKey) } })),
  )
  add(
    'DPoP',
    'an RSA key with ES256',
    'invalid_dpop_proof_invalid_signature_algorithm',
    withProof((nonce, now) => dpopProof(KEYS.dpop, now, { nonce, header: { jwk: KEYS.foreign.publicJwk } })),
  )
  add(
    'DPoP',
    'htm of another request (GET)',
    'invalid_dpop_proof_invalid_htm',
    withProof((nonce, now) => dpopProof(KEYS.dpop, now, { nonce, htm: 'GET' })),
  )
  add(
    'DPoP',
    'htu of another endpoint',
    'invalid_dpop_proof_invalid_htu',
    withProof((nonce, now) => dpopProof(KEYS.dpop, now, { nonce, htu: USERINFO_URL })),
  )
  add(
    'DPoP',
    'htu of another host',
    'invalid_dpop_proof_invalid_htu',
    withProof((nonce, now) => dpopProof(KEYS.dpop, now, { nonce, htu: 'https://evil.example/oauth2/default/v1/token' })),
  )
  add(
    'DPoP',
    'iat not a number',
    'invalid_dpop_proof_invalid_iat',
    withProof((nonce, now) => dpopProof(KEYS.dpop, now, { nonce, iat: 'yesterday' as never })),
  )
  add(
    'DPoP',
    'iat six minutes ago',
    'invalid_dpop_proof_jwt_too_old',
    withProof((nonce, now) => dpopProof(KEYS.dpop, now, { nonce, iat: now - 360 })),
  )
  add(
    'DPoP',
    'iat five minutes ahead',
    'invalid_dpop_proof_jwt_issued_in_future',
    withProof((nonce, now) => dpopProof(KEYS.dpop, now, { nonce, iat: now + 300 })),
  )
  add(
    'DPoP',
    'no jti',
    'invalid_dpop_proof_invalid_jti',
    withProof((nonce, now) => dpopProof(KEYS.dpop, now, { nonce, omit: ['jti'] })),
  )
  add('DPoP', 'a replayed proof', 'dpop_proof_already_used', async (app, now) => {
    const nonce = await nonceOf(app, now)
    const proof = await dpopProof(KEYS.dpop, now, { nonce })
    const first = await postWith(app, 'token', PASSWORD, { dpop: proof })
    if (first.statusCode !== 200) throw new Error(`the first use failed: ${first.body}`)
    return tokenOptions(PASSWORD, { dpop: proof })
  })
  add('DPoP', 'no nonce', 'use_dpop_nonce', async (_app, now) => tokenOptions(PASSWORD, { dpop: await dpopProof(KEYS.dpop, now) }))
  add('DPoP', 'a nonce of another server', 'use_dpop_nonce', async (_app, now) =>
    tokenOptions(PASSWORD, { dpop: await dpopProof(KEYS.dpop, now, { nonce: `${Math.floor((now * 1000) / 86_400_000).toString(36)}.AAAAAAAAAAAAAAAAAAAAAA` }) }),
  )
  add('DPoP', 'a nonce from four days ago', 'use_dpop_nonce', async (_app, now) =>
    tokenOptions(PASSWORD, { dpop: await dpopProof(KEYS.dpop, now, { nonce: `${(Math.floor((now * 1000) / 86_400_000) - 4).toString(36)}.AAAAAAAAAAAAAAAAAAAAAA` }) }),
  )
  let bound = ''
  add(
    'DPoP',
    'refresh of a bound token with another key',
    'invalid_dpop_proof_invalid_public_key_binding',
    async (app, now) => {
      bound = String((await dpopSignIn(app, KEYS.dpop, now)).body['refresh_token'])
      const params = { grant_type: 'refresh_token', client_id: 'dpop-native', refresh_token: bound }
      const nonce = await nonceOf(app, now)
      return tokenOptions(params, { dpop: await dpopProof(KEYS.other, now, { nonce }) })
    },
    (app, now) => refreshes(app, now, bound, KEYS.dpop),
  )

  // DPoP at /userinfo (RFC 9449 §7): errors in WWW-Authenticate, checked by the callers.
  // (Driven in test/routes/dpop.test.ts: the catalogue rows judge JSON bodies.)

  // Client assertions (RFC 7523 §3), private_key_jwt unless said.
  add('#61', 'client_assertion_type of another kind', 'client_assertion_type_invalid', async (_app, now) =>
    tokenOptions({ ...CC, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', client_assertion: await keyed(now) }),
  )
  add('#61', 'malformed assertion', 'client_assertion_invalid_jwt', async () => assertionFor('not-a-jwt'))
  add('#61', 'unsigned (alg none)', 'client_assertion_invalid_signature_algorithm', async (_app, now) =>
    assertionFor(unsignedJwt({ alg: 'none' }, { iss: 'jwt-service', sub: 'jwt-service', aud: TOKEN_URL, exp: now + 60 })),
  )
  add('#61', 'HMAC signed with the public key (a client without a secret)', 'client_assertion_invalid_no_secret', async (_app, now) =>
    assertionFor(await secretAssertion(JSON.stringify(KEYS.serviceKey.publicJwk), 'jwt-service', now)),
  )
  add('#61', 'a foreign kid', 'client_assertion_invalid_kid', async (_app, now) => assertionFor(await keyed(now, { kid: 'not-a-registered-kid' })))
  add('#61', 'the right kid, signed by a foreign key', 'client_assertion_invalid_signature', async (_app, now) =>
    assertionFor(await keyAssertion(KEYS.foreign, ASSERTION_KID, 'jwt-service', now)),
  )
  add('#61', 'an algorithm the key does not have (RS384 for an RS256 key)', 'client_assertion_invalid_signature_algorithm', async (_app, now) => {
    const rs384 = { ...KEYS.serviceKey, alg: 'RS384', privateKey: (await importJWK(await exportJWK(KEYS.serviceKey.privateKey), 'RS384')) as CryptoKey }
    return assertionFor(await keyAssertion(rs384, ASSERTION_KID, 'jwt-service', now))
  })
  add('#61', "aud the issuer (openid-client's default)", 'client_assertion_invalid_audience', async (_app, now) => assertionFor(await keyed(now, { aud: ISSUER })))
  add('#61', 'aud another endpoint (/introspect at /token)', 'client_assertion_invalid_audience', async (_app, now) =>
    assertionFor(await keyed(now, { aud: `${ISSUER}/v1/introspect` })),
  )
  add('#61', 'iss an unknown client', 'client_assertion_invalid_issuer', async (_app, now) => assertionFor(await keyed(now, { iss: 'no-such-client' })))
  add('#61', 'sub another client', 'client_assertion_invalid_subject', async (_app, now) => assertionFor(await keyed(now, { sub: 'web-app' })))
  add('#61', 'no exp', 'client_assertion_expiration_required', async (_app, now) => assertionFor(await keyed(now, { exp: null })))
  add('#61', 'expired', 'client_assertion_expired_token', async (_app, now) => assertionFor(await keyed(now, { exp: now - 1 })))
  add('#61', 'exp more than an hour ahead', 'client_assertion_expires_too_far_in_future', async (_app, now) => assertionFor(await keyed(now, { exp: now + 3601 })))
  add('#61', 'iat in the future', 'client_assertion_issued_at_in_future', async (_app, now) => assertionFor(await keyed(now, { iat: now + 120 })))
  add('#61', 'a replayed jti', 'client_assertion_already_used', async (app, now) => {
    const assertion = await keyed(now)
    const first = await app.inject(assertionFor(assertion))
    if (first.statusCode !== 200) throw new Error(`the first use failed: ${first.body}`)
    return assertionFor(assertion)
  })
  add('#61', 'an assertion and Basic credentials', 'multiple_client_credentials', async (_app, now) =>
    assertionFor(await keyed(now), CC, { authorization: basic(SERVICE.id, SERVICE.secret) }),
  )
  add('#61', 'an assertion and a client_secret', 'multiple_client_credentials', async (_app, now) => assertionFor(await keyed(now), { ...CC, client_secret: 'x-secret-value' }))
  add('#61', 'body client_id of another client', 'invalid_client', async (_app, now) => assertionFor(await keyed(now), { ...CC, client_id: 'web-app' }))
  add('#61', 'client_secret_jwt with a secret under 32 characters', 'client_assertion_invalid_secret_length', async (_app, now) =>
    assertionFor(await secretAssertion('too-short', 'short-hmac', now)),
  )
  add('#61', 'client_secret_jwt with a wrong secret', 'client_assertion_invalid_signature', async (_app, now) =>
    assertionFor(await secretAssertion(`${HMAC_SECRET}-wrong`, 'hmac-service', now)),
  )
  add('#61', 'private_key_jwt for a client without keys', 'client_assertion_jwks_not_configured', async (_app, now) =>
    assertionFor(await keyAssertion(KEYS.serviceKey, ASSERTION_KID, 'nokeys-service', now)),
  )
  add('#61', 'a registered key that cannot be imported', 'client_assertion_invalid_jwks', async (_app, now) =>
    assertionFor(await keyAssertion(KEYS.serviceKey, 'broken', 'badkeys-service', now)),
  )
  add('#61', "a key whose use is 'enc'", 'client_assertion_invalid_key_use', async (_app, now) =>
    assertionFor(await keyAssertion(KEYS.serviceKey, 'enc-key', 'badkeys-service', now)),
  )
  list.at(-1)!.args = ['[sig]']
  add('#61', 'client_credentials at the org server with a secret', 'unsupported_auth_method_client_creds', async () =>
    tokenOptions({ grant_type: 'client_credentials', scope: 'okta.users.read' }, { authorization: basic(SERVICE.id, SERVICE.secret) }, '/oauth2/v1/token'),
  )
  return list
}
