/**
 * What an OAuth request is about, read without authenticating anyone: faults match on it before the
 * grant runs, and the journal records it. Nothing here throws or checks a credential.
 */
import type { FastifyRequest } from 'fastify'
import type { ClientAuthMethod } from '../config/types.js'
import type { Presented } from '../oauth/basic-credentials.js'
import { sha256 } from '../crypto/sha256.js'

/**
 * `interact` is `/v1/interact`; `idx` every `/idp/idx/*` call, told apart by `remediation` (docs/identity-engine.md);
 * `authn` every `/api/v1/authn*` call, `sessions` every `/api/v1/sessions/me*` one (docs/authentication-api.md).
 */
export type OAuthEndpoint =
  | 'token'
  | 'introspect'
  | 'revoke'
  | 'keys'
  | 'discovery'
  | 'authorize'
  | 'userinfo'
  | 'logout'
  | 'device_authorize'
  | 'par'
  | 'interact'
  | 'idx'
  | 'authn'
  | 'sessions'
export const OAUTH_ENDPOINTS: readonly OAuthEndpoint[] = [
  'token',
  'introspect',
  'revoke',
  'keys',
  'discovery',
  'authorize',
  'userinfo',
  'logout',
  'device_authorize',
  'par',
  'interact',
  'idx',
  'authn',
  'sessions',
]

/** The methods each endpoint serves; its other methods get a 405 and are not its requests. */
const SERVED_METHODS: Record<OAuthEndpoint, readonly string[]> = {
  token: ['POST'],
  introspect: ['POST'],
  revoke: ['POST'],
  keys: ['GET', 'HEAD'],
  discovery: ['GET', 'HEAD'],
  authorize: ['GET', 'HEAD', 'POST'],
  userinfo: ['GET', 'HEAD', 'POST'],
  logout: ['GET', 'HEAD', 'POST'],
  device_authorize: ['POST'],
  par: ['POST'],
  interact: ['POST'],
  idx: ['POST'],
  authn: ['POST'],
  sessions: ['GET', 'POST', 'DELETE'],
}

/** `org` names Okta's org authorization server wherever the control plane takes a server id. */
export const ORG_SERVER = 'org'

export interface OAuthRequestInfo {
  endpoint: OAuthEndpoint
  /** A custom server's id, or `org`. */
  authServer: string
  grantType: string | undefined
  clientId: string | undefined
  /** The method the request presents credentials with (not whether they are right). */
  authMethod: ClientAuthMethod | undefined
  scopesRequested: string[] | undefined
  username: string | undefined
  /** First 8 hex digits of SHA-256 of the presented token or refresh token: enough to correlate, useless to replay. */
  tokenFingerprint: string | undefined
  /** An IDX call's remediation or action, from its path (`introspect`, `identify`, `challenge/answer`, `cancel`, …). */
  remediation: string | undefined
}

/** The IDX API's path prefix; its calls are on the origin, whatever the authorization server. */
export const IDX_PREFIX = '/idp/idx/'

/** The endpoint a request is for, from its route's URL pattern and its method; undefined for anything else. */
export function endpointOf(routeUrl: string | undefined, method: string): OAuthEndpoint | undefined {
  if (routeUrl === undefined) return undefined
  const match = /^\/oauth2(?:\/:authServerId)?\/v1\/(token|introspect|revoke|keys|authorize|userinfo|logout|device\/authorize|par|interact)$/.exec(routeUrl)
  const name = match?.[1] === 'device/authorize' ? 'device_authorize' : match?.[1]
  const api = routeUrl.startsWith('/api/v1/authn') ? 'authn' : routeUrl.startsWith('/api/v1/sessions/me') ? 'sessions' : undefined
  const endpoint = routeUrl.includes('/.well-known/') ? 'discovery' : routeUrl.startsWith(IDX_PREFIX) ? 'idx' : (api ?? (name as OAuthEndpoint | undefined))
  return endpoint !== undefined && SERVED_METHODS[endpoint].includes(method) ? endpoint : undefined
}

export const fingerprint = (secret: string): string => sha256(secret, 'hex').slice(0, 8)

const field = (body: unknown, name: string): string | undefined => {
  if (body === null || typeof body !== 'object') return undefined
  const value = (body as Record<string, unknown>)[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}
/** A member of a JSON body, whatever it is (the IDX sign-up's `userProfile`). */
const member = (body: unknown, name: string): unknown => (body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined)

/** `header`: the request's well-formed Basic credentials, as client authentication read them (http/presented-basic.ts). */
export function describeOAuthRequest(req: FastifyRequest, endpoint: OAuthEndpoint, header: Presented | undefined): OAuthRequestInfo {
  const authServer = (req.params as { authServerId?: string } | undefined)?.authServerId ?? ORG_SERVER
  const body = req.body
  const bodyId = field(body, 'client_id')
  const queryId = field(req.query, 'client_id')
  const assertion = assertionOf(field(body, 'client_assertion'))
  const clientId = header?.id ?? bodyId ?? assertion?.iss ?? queryId
  const authMethod: ClientAuthMethod | undefined = header
    ? header.secret === undefined
      ? 'none'
      : 'client_secret_basic'
    : field(body, 'client_secret') !== undefined
      ? 'client_secret_post'
      : assertion !== undefined
        ? assertion.method
        : clientId !== undefined
          ? 'none'
          : undefined
  // /authorize takes its parameters in the query (GET) or the form (POST).
  const scope = field(body, 'scope') ?? (endpoint === 'authorize' ? field(req.query, 'scope') : undefined)
  const bearer = /^(?:Bearer|DPoP) (\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
  const token = field(body, 'refresh_token') ?? field(body, 'token') ?? field(body, 'device_code') ?? field(body, 'subject_token') ?? (endpoint === 'userinfo' ? bearer : undefined)
  return {
    endpoint,
    authServer,
    grantType: endpoint === 'token' ? field(body, 'grant_type') : undefined,
    clientId,
    authMethod,
    scopesRequested: scope === undefined ? undefined : scope.split(' ').filter((s) => s !== ''),
    // An IDX identify names the user `identifier`, a sign-up `userProfile.email`; passwords (`credentials`) are never read.
    username: field(body, 'username') ?? (endpoint === 'idx' ? (field(body, 'identifier') ?? field(member(body, 'userProfile'), 'email')) : undefined),
    tokenFingerprint: token === undefined ? undefined : fingerprint(token),
    remediation: endpoint === 'idx' ? remediationOf(req.url) : undefined,
  }
}

/** `/idp/idx/challenge/answer?x` → `challenge/answer`; lower-case letters and slashes only, so nothing odd reaches the journal. */
function remediationOf(url: string): string | undefined {
  const path = url.split('?', 1)[0] as string
  const rest = path.startsWith(IDX_PREFIX) ? path.slice(IDX_PREFIX.length) : ''
  if (rest === '' || rest.length > 64) return undefined
  for (const c of rest) if (c !== '/' && (c < 'a' || c > 'z')) return undefined
  return rest
}

/** Assertions longer than this are not read to describe a request (client authentication refuses them too). */
const MAX_DESCRIBED_ASSERTION = 16384

/**
 * The client a client assertion names (its unverified `iss`) and the method its algorithm implies:
 * for matching and journaling only; the assertion itself is never kept.
 */
function assertionOf(assertion: string | undefined): { iss: string | undefined; method: 'client_secret_jwt' | 'private_key_jwt' } | undefined {
  if (assertion === undefined || assertion.length > MAX_DESCRIBED_ASSERTION) return undefined
  const [header, payload] = assertion.split('.')
  const decoded = (part: string | undefined): Record<string, unknown> | undefined => {
    try {
      const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'))
      return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined
    } catch {
      return undefined
    }
  }
  const alg = decoded(header)?.['alg']
  const iss = decoded(payload)?.['iss']
  return { iss: typeof iss === 'string' && iss !== '' ? iss : undefined, method: typeof alg === 'string' && alg.startsWith('HS') ? 'client_secret_jwt' : 'private_key_jwt' }
}
