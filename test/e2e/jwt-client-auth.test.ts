/**
 * Key-based client authentication with the real Node clients against a listening mockta
 * (docs/dpop.md § 3.1): openid-client v6's PrivateKeyJwt (whose default `aud`, the
 * issuer, Okta refuses, fixed with `modifyAssertion`) and ClientSecretJwt, and okta-sdk-nodejs in
 * PrivateKey mode obtaining an org-server token for Okta API scopes (it sends a DPoP proof with every
 * token request; its client does not require DPoP, so it gets a Bearer token, as at Okta).
 */
import t from 'tap'
import * as client from 'openid-client'
import okta from '@okta/okta-sdk-nodejs'
import { decodeJwt, exportJWK, generateKeyPair } from 'jose'
import { startMockta } from '../helpers/listening-app.js'

const HMAC_SECRET = 'hmac-client-secret-at-least-32-characters'

t.test('openid-client PrivateKeyJwt, ClientSecretJwt; okta-sdk-nodejs PrivateKey', async (t) => {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'key-1', use: 'sig', alg: 'RS256' }
  const { base, app } = await startMockta(t, {
    change: (c) => {
      const service = {
        name: 'x',
        type: 'service' as const,
        grantTypes: ['client_credentials' as const],
        redirectUris: [],
        postLogoutRedirectUris: [],
        scopes: [],
        pkceRequired: false,
        refreshToken: { rotation: 'rotate' as const, graceSeconds: 30 },
      }
      c.clients.push(
        { ...service, id: 'pkjwt-service', authMethods: ['private_key_jwt'], jwks: { keys: [publicJwk] } },
        { ...service, id: 'hmac-service', secret: HMAC_SECRET, authMethods: ['client_secret_jwt'] },
      )
    },
  })
  const issuer = `${base}/oauth2/default`
  const discover = (id: string, auth: client.ClientAuth) => client.discovery(new URL(issuer), id, undefined, auth, { execute: [client.allowInsecureRequests] })

  await t.test('PrivateKeyJwt: the issuer as aud is refused, as Okta does; modifyAssertion fixes it', async (t) => {
    const plain = await discover('pkjwt-service', client.PrivateKeyJwt(privateKey))
    await t.rejects(client.clientCredentialsGrant(plain, { scope: 'api:read' }), {
      name: 'ResponseBodyError',
      error: 'invalid_client',
      error_description: 'The audience claim for client_assertion must be the endpoint invoked for the request.',
    })
    const fixed = await discover(
      'pkjwt-service',
      client.PrivateKeyJwt(privateKey, {
        [client.modifyAssertion]: (_header, payload) => {
          payload.aud = `${issuer}/v1/token`
        },
      }),
    )
    const tokens = await client.clientCredentialsGrant(fixed, { scope: 'api:read' })
    t.equal(tokens.token_type, 'bearer')
    t.equal(tokens.scope, 'api:read')
  })

  await t.test('ClientSecretJwt with modifyAssertion', async (t) => {
    const config = await discover(
      'hmac-service',
      client.ClientSecretJwt(HMAC_SECRET, {
        [client.modifyAssertion]: (_header, payload) => {
          payload.aud = `${issuer}/v1/token`
        },
      }),
    )
    const tokens = await client.clientCredentialsGrant(config, { scope: 'api:read' })
    t.equal(tokens.scope, 'api:read')
  })

  await t.test('okta-sdk-nodejs PrivateKey: an org-server token for Okta API scopes', async (t) => {
    const sdk = new okta.Client({
      orgUrl: base,
      authorizationMode: 'PrivateKey',
      clientId: 'pkjwt-service',
      scopes: ['okta.users.read', 'okta.groups.read'],
      privateKey: await exportJWK(privateKey),
      keyId: 'key-1',
    })
    const token = (await sdk.oauth.getAccessToken()) as { token_type: string; scope: string; access_token: string }
    t.equal(token.token_type, 'Bearer')
    t.equal(token.scope, 'okta.users.read okta.groups.read')
    t.match(decodeJwt(token.access_token), { iss: base, cid: 'pkjwt-service', sub: 'pkjwt-service' }, 'issued by the org server')
    const journal = (await app.inject({ method: 'GET', url: '/__mockta/journal?endpoint=token' })).json<Array<{ authServer: string; authMethod: string; status: number }>>()
    t.match(journal.at(-1), { authServer: 'org', authMethod: 'private_key_jwt', status: 200 })
  })
})
