/** Authorization servers as the routes see them: issuer, endpoints, scopes, lifetimes, signing keys. */
import type { AuthServerConfig, ClaimConfig, Config, DeviceAuthorizationConfig, RefreshTokenLifetimeConfig } from '../config/types.js'
import { authServerNotFound } from '../errors/oauth-error.js'
import type { KeySet, SigningKey } from '../keys/key-set.js'
import { sha256 } from '../crypto/sha256.js'

export interface AuthServer {
  /** `null` for Okta's org authorization server. */
  id: string | null
  issuer: string
  /** Where `/v1/*` endpoints live: `{issuer}/v1` for custom servers, `{base}/oauth2/v1` for the org server. */
  endpointBase: string
  audience: string
  scopes: ReadonlySet<string>
  claims: readonly ClaimConfig[]
  accessTokenLifetimeSeconds: number
  idTokenLifetimeSeconds: number
  refreshToken: RefreshTokenLifetimeConfig
  /** Signs ID tokens and (custom servers) access tokens. */
  idTokenKey: SigningKey
  accessTokenKey: SigningKey
  /** Keys published at `/v1/keys`, serialised once. */
  jwksJson: string
  /** Every key a token of this server may carry, published or not, by kid. */
  verificationKeys: ReadonlyMap<string, SigningKey>
  /** Issuers whose access tokens a token exchange here accepts as `subject_token` (its own is always one). */
  trustedIssuers: ReadonlySet<string>
  deviceAuthorization: DeviceAuthorizationConfig
}

export class AuthServers {
  private readonly custom = new Map<string, AuthServer>()
  readonly org: AuthServer | undefined
  /** Okta org id (`00o…`) for the `idp` claim, stable per base URL. */
  readonly orgId: string

  constructor(config: Config, keys: KeySet) {
    const base = config.baseUrl
    this.orgId = `00o${sha256(base, 'base64url').replace(/[-_]/g, '').slice(0, 17)}`
    for (const as of config.authorizationServers) this.custom.set(as.id, customServer(base, as, keys))
    if (config.org.enabled) {
      const published = config.org.signingKeys.map((kid) => keys.get(kid))
      const accessTokenKey = keys.get(config.org.accessTokenSigningKey)
      this.org = {
        id: null,
        issuer: base,
        endpointBase: `${base}/oauth2/v1`,
        // Org AS access tokens are for Okta's own APIs: audience is the org URL (docs/okta-behaviour.md § 1.1).
        audience: base,
        scopes: new Set(config.org.scopes),
        claims: [],
        accessTokenLifetimeSeconds: config.org.accessTokenLifetimeSeconds,
        idTokenLifetimeSeconds: config.org.idTokenLifetimeSeconds,
        refreshToken: config.org.refreshToken,
        idTokenKey: published[0]!,
        accessTokenKey,
        jwksJson: keys.jwksJson(published),
        verificationKeys: byKid([...published, accessTokenKey]),
        // Token exchange is a custom-server feature (docs/okta-behaviour.md § 2.9): the org server trusts none.
        trustedIssuers: new Set([base]),
        deviceAuthorization: config.org.deviceAuthorization,
      }
    }
  }

  /** Resolves the `:authServerId` path parameter; undefined means the org server. Throws Okta's 404. */
  resolve(id: string | undefined): AuthServer {
    const server = id === undefined ? this.org : this.custom.get(id)
    if (!server) throw authServerNotFound(id === undefined ? 'org' : id.slice(0, 64))
    return server
  }

  /** The server a token names as `iss`, if it is one of ours. */
  byIssuer(issuer: string): AuthServer | undefined {
    if (this.org?.issuer === issuer) return this.org
    for (const server of this.custom.values()) if (server.issuer === issuer) return server
    return undefined
  }
}

function customServer(base: string, as: AuthServerConfig, keys: KeySet): AuthServer {
  const issuer = `${base}/oauth2/${as.id}`
  const published = as.signingKeys.map((kid) => keys.get(kid))
  return {
    id: as.id,
    issuer,
    endpointBase: `${issuer}/v1`,
    audience: as.audience,
    scopes: new Set(as.scopes),
    claims: as.claims,
    accessTokenLifetimeSeconds: as.accessTokenLifetimeSeconds,
    idTokenLifetimeSeconds: as.idTokenLifetimeSeconds,
    refreshToken: as.refreshToken,
    idTokenKey: published[0]!,
    accessTokenKey: published[0]!,
    jwksJson: keys.jwksJson(published),
    verificationKeys: byKid(published),
    trustedIssuers: new Set([issuer, ...as.trustedServers.map((id) => (id === 'org' ? base : `${base}/oauth2/${id}`))]),
    deviceAuthorization: as.deviceAuthorization,
  }
}

const byKid = (keys: SigningKey[]): Map<string, SigningKey> => new Map(keys.map((k) => [k.kid, k]))
