/**
 * OpenID and OAuth (RFC 8414) metadata for every authorization server (docs/okta-behaviour.md § 1.3). Only
 * endpoints mockta serves are advertised; `issuer` is byte-equal to the tokens' `iss`.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { AppContext } from '../context.js'
import { supportedGrantTypes } from '../grants/index.js'
import { TOKEN_EXCHANGE_GRANT } from '../grants/token-exchange.js'
import { PRIVATE_KEY_JWT_ALGORITHMS, SECRET_JWT_ALGORITHMS } from '../oauth/client-assertion.js'
import { DPOP_ALGORITHMS } from '../oauth/dpop-proof.js'
import { OKTA_API_SCOPES } from '../oauth/okta-api-scopes.js'
import type { AuthServer } from '../registry/auth-servers.js'
import { serverOf } from './paths.js'

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']
// RFC 8414 §2: the assertion algorithms, per method (oauth/client-assertion.ts).
const AUTH_SIGNING_ALGS = [...SECRET_JWT_ALGORITHMS, ...PRIVATE_KEY_JWT_ALGORITHMS]
const ID_TOKEN_CLAIMS = [
  'iss',
  'ver',
  'sub',
  'aud',
  'iat',
  'exp',
  'jti',
  'auth_time',
  'amr',
  'idp',
  'nonce',
  'name',
  'nickname',
  'preferred_username',
  'given_name',
  'middle_name',
  'family_name',
  'email',
  'email_verified',
  'profile',
  'zoneinfo',
  'locale',
  'address',
  'phone_number',
  'picture',
  'website',
  'gender',
  'birthdate',
  'updated_at',
  'at_hash',
  'c_hash',
]
// Okta's list (docs/okta-behaviour.md § 1.3); RFC 8414 metadata adds a bare `token`.
const RESPONSE_TYPES = ['code', 'id_token', 'code id_token', 'code token', 'id_token token', 'code id_token token']
const ACCESS_TOKEN_CLAIMS = ['ver', 'jti', 'iss', 'aud', 'iat', 'exp', 'cid', 'uid', 'scp', 'sub', 'cnf']

function metadata(server: AuthServer, kind: 'openid' | 'oauth'): Record<string, unknown> {
  const e = server.endpointBase
  // `implicit` is no token grant but a flow of /authorize; Okta lists it too (docs/okta-behaviour.md § 1.3).
  const grants = [...supportedGrantTypes, 'implicit'].filter((g) => kind === 'oauth' || g !== 'client_credentials')
  // Token exchange is served by custom servers only (docs/okta-behaviour.md § 2.9); the org server's
  // client_credentials is for private_key_jwt clients (docs/dpop.md § 3.2).
  const customOnly = new Set([TOKEN_EXCHANGE_GRANT])
  return {
    issuer: server.issuer,
    authorization_endpoint: `${e}/authorize`,
    token_endpoint: `${e}/token`,
    ...(kind === 'openid' && { userinfo_endpoint: `${e}/userinfo` }),
    jwks_uri: `${e}/keys`,
    response_types_supported: kind === 'oauth' ? [...RESPONSE_TYPES, 'token'] : RESPONSE_TYPES,
    response_modes_supported: ['query', 'fragment', 'form_post', 'okta_post_message'],
    grant_types_supported: server.id === null ? grants.filter((g) => !customOnly.has(g)) : grants,
    subject_types_supported: ['public'],
    ...(kind === 'openid' && { id_token_signing_alg_values_supported: ['RS256'] }),
    // The org server's client_credentials grants Okta's API scopes (docs/dpop.md § 3.2).
    scopes_supported: server.id === null ? [...server.scopes, ...OKTA_API_SCOPES] : [...server.scopes],
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: AUTH_SIGNING_ALGS,
    claims_supported: kind === 'openid' ? ID_TOKEN_CLAIMS : ACCESS_TOKEN_CLAIMS,
    introspection_endpoint: `${e}/introspect`,
    introspection_endpoint_auth_methods_supported: AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: AUTH_SIGNING_ALGS,
    revocation_endpoint: `${e}/revoke`,
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: AUTH_SIGNING_ALGS,
    end_session_endpoint: `${e}/logout`,
    code_challenge_methods_supported: ['S256'],
    device_authorization_endpoint: `${e}/device/authorize`,
    pushed_authorization_request_endpoint: `${e}/par`,
    // Seen on a live Okta tenant's discovery (docs/dpop.md § 2.8).
    dpop_signing_alg_values_supported: DPOP_ALGORITHMS,
  }
}

export const discoveryRoutes: FastifyPluginAsync<{ ctx: Pick<AppContext, 'servers'> }> = async (app, { ctx }) => {
  // Weak: runtime changes (control plane) replace the server objects.
  const documents = new WeakMap<AuthServer, Record<'openid' | 'oauth', string>>()
  const documentOf = (server: AuthServer, kind: 'openid' | 'oauth'): string => {
    let docs = documents.get(server)
    if (!docs) {
      docs = { openid: JSON.stringify(metadata(server, 'openid')), oauth: JSON.stringify(metadata(server, 'oauth')) }
      documents.set(server, docs)
    }
    return docs[kind]
  }
  const routes: Array<[string, 'openid' | 'oauth']> = [
    ['/.well-known/openid-configuration', 'openid'],
    ['/oauth2/:authServerId/.well-known/openid-configuration', 'openid'],
    ['/.well-known/oauth-authorization-server', 'oauth'],
    ['/oauth2/:authServerId/.well-known/oauth-authorization-server', 'oauth'],
    // RFC 8414 §3 form, served by Okta since 2026 (docs/okta-behaviour.md § 1.1).
    ['/.well-known/oauth-authorization-server/oauth2/:authServerId', 'oauth'],
  ]
  for (const [url, kind] of routes) {
    app.get(url, async (req, reply) => reply.type('application/json').send(documentOf(serverOf(req, ctx), kind)))
  }
}
