/**
 * @okta/jwt-verifier (Okta's own resource-server library, njwt + jwks-rsa) against mockta's keys on
 * a real socket. It fetches `${issuer}/v1/keys`, accepts only RS256 with a `kid`, and needs
 * `testing.disableHttpsCheck` for an http issuer (docs/okta-behaviour.md § 1.1).
 *
 * Nonce: `verifyIdToken(token, clientId, nonce?)` fails when a nonce is expected but the token has
 * none, and also when the token has one but none is expected. Password-grant and refresh ID tokens
 * carry no nonce (there is no /authorize request to take one from), so callers pass no nonce.
 */
import t from 'tap'
import { SignJWT, decodeProtectedHeader, generateKeyPair } from 'jose'
import OktaJwtVerifier from '@okta/jwt-verifier'
import { ManualClock } from '../../src/clock.js'
import { ALICE, passwordGrant, startMockta, WEB } from '../helpers/listening-app.js'

function verifierFor(issuer: string): OktaJwtVerifier {
  // The library warns on stderr about the disabled HTTPS check on every construction; that is expected.
  const warn = console.warn
  console.warn = () => {}
  try {
    return new OktaJwtVerifier({ issuer, testing: { disableHttpsCheck: true } })
  } finally {
    console.warn = warn
  }
}

const claimsOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString())

t.test('access and ID tokens verify through /v1/keys', async (t) => {
  const { base } = await startMockta(t)
  const issuer = `${base}/oauth2/default`
  const verifier = verifierFor(issuer)

  for (const [clientId, secret] of [
    ['native-app', undefined],
    [WEB.id, WEB.secret],
  ] as const) {
    const tokens = await passwordGrant(base, { clientId, ...(secret && { secret }) })
    const at = await verifier.verifyAccessToken(tokens.access_token, 'api://default')
    t.equal(at.header.alg, 'RS256')
    t.type(at.header.kid, 'string')
    t.match(at.claims, { iss: issuer, aud: 'api://default', cid: clientId, uid: ALICE.id, sub: ALICE.username })
    t.same(at.claims.scp, ['openid', 'profile', 'email', 'offline_access'], 'scp is an array')
    t.equal(at.isExpired(), false)

    const id = await verifier.verifyIdToken(tokens.id_token, clientId)
    t.match(id.claims, { iss: issuer, aud: clientId, sub: ALICE.id, email: ALICE.username })
    t.notOk('nonce' in id.claims, 'password-grant ID tokens carry no nonce')
    await t.rejects(verifier.verifyIdToken(tokens.id_token, clientId, 'n-0S6_WzA2Mj'), /nonce claim is missing but expected/)
  }
  // An array of acceptable audiences, as resource servers serving several APIs configure it.
  const tokens = await passwordGrant(base)
  t.ok(await verifier.verifyAccessToken(tokens.access_token, ['api://other', 'api://default']))
})

t.test('a wrong audience or client id is rejected', async (t) => {
  const { base } = await startMockta(t)
  const verifier = verifierFor(`${base}/oauth2/default`)
  const tokens = await passwordGrant(base)
  await t.rejects(verifier.verifyAccessToken(tokens.access_token, 'api://other'), /audience claim api:\/\/default does not match expected audience: api:\/\/other/)
  await t.rejects(verifier.verifyIdToken(tokens.id_token, WEB.id), /audience claim native-app does not match expected client id: web-app/)
})

t.test('tokens signed by a foreign key are rejected', async (t) => {
  const { base } = await startMockta(t)
  const verifier = verifierFor(`${base}/oauth2/default`)
  const tokens = await passwordGrant(base)
  const { privateKey } = await generateKeyPair('RS256')
  const forge = (kid: string) => new SignJWT(claimsOf(tokens.access_token)).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey)

  // The kid mockta really uses, with someone else's signature.
  const realKid = decodeProtectedHeader(tokens.access_token).kid as string
  await t.rejects(verifier.verifyAccessToken(await forge(realKid), 'api://default'), /Signature verification failed/)
  // A kid mockta never published: jwks-rsa looks it up and finds nothing.
  await t.rejects(verifier.verifyAccessToken(await forge('foreign-kid'), 'api://default'), {
    name: 'JwtParseError',
    message: 'Error while resolving signing key for kid "foreign-kid"',
    innerError: { name: 'SigningKeyNotFoundError' },
  })
  // The genuine token still passes with the same verifier.
  t.ok(await verifier.verifyAccessToken(tokens.access_token, 'api://default'))
})

t.test('tokens from a server whose clock is a day behind are already expired', async (t) => {
  const clock = new ManualClock(Date.now() - 86_400_000)
  const { base } = await startMockta(t, { clock })
  const verifier = verifierFor(`${base}/oauth2/default`)
  const tokens = await passwordGrant(base)
  t.ok((claimsOf(tokens.access_token).exp as number) < Date.now() / 1000, 'exp is in the past for the verifier')
  await t.rejects(verifier.verifyAccessToken(tokens.access_token, 'api://default'), /Jwt is expired/)
  await t.rejects(verifier.verifyIdToken(tokens.id_token, 'native-app'), /Jwt is expired/)
})

t.test('a token of another authorization server is rejected', async (t) => {
  const { base } = await startMockta(t)
  const verifier = verifierFor(`${base}/oauth2/default`)
  // The org server signs with another key, which the default server does not publish.
  const org = await passwordGrant(base, { server: '' })
  await t.rejects(verifier.verifyIdToken(org.id_token, 'native-app'), {
    name: 'JwtParseError',
    innerError: { name: 'SigningKeyNotFoundError' },
  })
})
