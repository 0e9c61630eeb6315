/**
 * OpenID and OAuth (RFC 8414) metadata for every authorization server (docs/okta-behaviour.md § 1.3). Only
 * endpoints mockta serves are advertised; `issuer` is byte-equal to the tokens' `iss`.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { AppContext } from '../context.js'
import { supportedGrantTypes } from '../grants/index.js'
import { TOKEN_EXCHANGE_GRANT } from '../grants/token-exchange.js'
import type { AuthServer } from '../registry/auth-servers.js'
import { serverOf } from './paths.js'

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none']
const ID_TOKEN_CLAIMS = ['iss', 'ver', 'sub', 'aud', 'iat', 'exp', 'jti', 'auth_time', 'amr', 'idp', 'nonce', 'name', 'nickname', 'preferred_username', 'given_name', 'middle_name', 'family_name', 'email', 'email_verified', 'profile', 'zoneinfo', 'locale', 'address', 'phone_number', 'picture', 'website', 'gender', 'birthdate', 'updated_at', 'at_hash', 'c_hash']
// Okta's list (docs/okta-behaviour.md § 1.3); RFC 8414 metadata adds a bare `token`.
const RESPONSE_TYPES = ['code', 'id_token', 'code id_token', 'code token', 'id_token token', 'code id_token token']
const ACCESS_TOKEN_CLAIMS = ['ver', 'jti', 'iss', 'aud', 'iat', 'exp', 'cid', 'uid', 'scp', 'sub']

function metadata(server: AuthServer, kind: 'openid' | 'oauth'): Record<string, unknown> {
  const e = server.endpointBase
  // `implicit` is no token grant but a flow of /authorize; Okta lists it too (docs/okta-behaviour.md § 1.3).
  const grants = [...supportedGrantTypes, 'implicit'].filter((g) => kind === 'oauth' || g !== 'client_credentials')
  // Client credentials and token exchange are served by custom servers only (docs/okta-behaviour.md § 2.9).
  const customOnly = new Set(['client_credentials', TOKEN_EXCHANGE_GRANT])
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
    scopes_supported: [...server.scopes],
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    claims_supported: kind === 'openid' ? ID_TOKEN_CLAIMS : ACCESS_TOKEN_CLAIMS,
    introspection_endpoint: `${e}/introspect`,
    introspection_endpoint_auth_methods_supported: AUTH_METHODS,
    revocation_endpoint: `${e}/revoke`,
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    end_session_endpoint: `${e}/logout`,
    code_challenge_methods_supported: ['S256'],
    device_authorization_endpoint: `${e}/device/authorize`,
    pushed_authorization_request_endpoint: `${e}/par`,
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
