/** The configuration model: what the JSON file holds (after defaults) and what `buildApp` consumes. */
import type { JWK } from 'jose'

export type ClientType = 'web' | 'browser' | 'native' | 'service'
export type GrantType =
  | 'authorization_code'
  | 'refresh_token'
  | 'password'
  | 'client_credentials'
  | 'implicit'
  | 'urn:ietf:params:oauth:grant-type:device_code'
  | 'urn:ietf:params:oauth:grant-type:token-exchange'
  | 'interaction_code'
/** Okta's user statuses (Users API); only ACTIVE users sign in. */
export type UserStatus = 'ACTIVE' | 'LOCKED_OUT' | 'STAGED' | 'PROVISIONED' | 'RECOVERY' | 'PASSWORD_EXPIRED' | 'SUSPENDED' | 'DEPROVISIONED'
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none'
export type RotationPolicy = 'rotate' | 'static'

/** A claim added to tokens, like Okta's custom-AS claims (`groups`, department, …). */
export interface ClaimConfig {
  name: string
  /** A constant value. Exactly one of `value` and `userAttribute` is set. */
  value?: unknown
  /** A path into the user record, e.g. `groups` or `profile.department`. */
  userAttribute?: string
  /** Which tokens carry it. */
  tokens: Array<'access_token' | 'id_token'>
  /** Only when one of these scopes is granted; empty means always. */
  scopes: string[]
}

export interface RefreshTokenLifetimeConfig {
  /** Absolute lifetime of a family from sign-in; 0 = unlimited (Okta's `refreshTokenLifetimeMinutes` 0). */
  lifetimeSeconds: number
  /** Expires when unused this long; restarts on each use (Okta's `refreshTokenWindowMinutes`, default 7 days). */
  idleSeconds: number
}

export interface AuthServerConfig {
  /** Path id: issuer is `{base}/oauth2/{id}`. */
  id: string
  name: string
  audience: string
  scopes: string[]
  claims: ClaimConfig[]
  accessTokenLifetimeSeconds: number
  idTokenLifetimeSeconds: number
  refreshToken: RefreshTokenLifetimeConfig
  /** kids from the key file; the first signs, all are published. */
  signingKeys: string[]
  /** Servers whose access tokens this one accepts as a token exchange's `subject_token` (Okta's trusted servers), by id. */
  trustedServers: string[]
  deviceAuthorization: DeviceAuthorizationConfig
}

/** The device authorization grant's timings (RFC 8628 §3.2; Okta: 600 and 5). */
export interface DeviceAuthorizationConfig {
  /** How long a device code and its user code stay usable. */
  lifetimeSeconds: number
  /** The least time a device waits between polls; sooner gets `slow_down`. */
  intervalSeconds: number
}

export interface OrgAuthServerConfig {
  enabled: boolean
  scopes: string[]
  accessTokenLifetimeSeconds: number
  idTokenLifetimeSeconds: number
  refreshToken: RefreshTokenLifetimeConfig
  /** Published keys; the first signs ID tokens. */
  signingKeys: string[]
  /** Okta does not publish the org AS access-token key (docs/okta-behaviour.md § 5.1): tokens are checked by introspection. */
  accessTokenSigningKey: string
  deviceAuthorization: DeviceAuthorizationConfig
}

export interface ClientConfig {
  id: string
  name: string
  type: ClientType
  /** Absent for public clients. */
  secret?: string
  authMethods: ClientAuthMethod[]
  grantTypes: GrantType[]
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  /** Scopes this client may be granted; empty = any scope of the authorization server. */
  scopes: string[]
  pkceRequired: boolean
  /** /authorize takes this client's requests only as a `request_uri` from /v1/par (Okta's "Require PAR"). */
  parRequired?: boolean
  refreshToken: { rotation: RotationPolicy; graceSeconds: number }
  /**
   * Sign-in without a person: /authorize completes at once as this user (a login), or as the user a
   * `login_hint` names when that is a configured user. Absent: the sign-in page is shown.
   */
  autoSignIn?: string
  /** The page /authorize shows this client's users without a session; absent: `signIn.page` (docs/sign-in-widget.md). */
  signInPage?: SignInPageKind
  /** Public keys for `private_key_jwt` (RFC 7523 §2.2): inline in the file, or read from `jwksFile`. */
  jwks?: { keys: JWK[] }
  /** Okta's "Require DPoP header in token requests" (`dpop_bound_access_tokens`, docs/dpop.md). Absent: false. */
  dpopBoundAccessTokens?: boolean
  /** Also accept the issuer as a client assertion's `aud` (openid-client's default; Okta refuses it: docs/dpop.md). Absent: false. */
  acceptIssuerAudience?: boolean
  /** This app's Identity Engine policy, over `identityEngine` (docs/identity-engine.md, "Policies"). Absent: the server-wide settings. */
  identityEngine?: ClientIdentityEngineConfig
}

/** The Identity Engine settings an app may set for itself (Okta: the app's authentication and profile enrollment policies). */
export interface ClientIdentityEngineConfig {
  identifierFirst?: boolean
  registration?: boolean
}

/** Whether the Identity Engine asks for an email code after the password (docs/identity-engine.md § Email code). */
export type EmailFactorPolicy = 'none' | 'required'

export interface UserConfig {
  /** Okta user id, `00u…`. */
  id: string
  login: string
  password: string
  profile: Record<string, unknown>
  groups: string[]
  /** Default ACTIVE. Checked by the Identity Engine sign-in (docs/identity-engine.md). */
  status: UserStatus
  /** This user's email-code policy, over `identityEngine.emailFactor`; absent: the server-wide one. */
  emailFactor?: EmailFactorPolicy
  /** Enrolled factors the Authentication API asks for after the password (docs/authentication-api.md § 1.4); absent: none. */
  factors?: FactorConfig[]
}

/** An enrolled factor, as Okta's Factors API names it (`factorType`, provider OKTA). */
export type FactorConfig =
  | {
      type: 'token:software:totp'
      /** Okta factor id (`ost…`); default derived from the user's id. */
      id: string
      /** The shared secret, base32 (RFC 4648), as an authenticator app is given it. */
      secret: string
    }
  | {
      type: 'email'
      /** Okta factor id (`emf…`); default derived from the user's id. */
      id: string
      /** Where the code goes; default the profile's `email`, else the login. */
      email: string
    }

export interface StoreConfig {
  /** `redis`: shared by replicas and kept across restarts (store/redis/); `memory`: this process only. */
  type: 'memory' | 'redis'
  /** redis: the server, redis://[user:password@]host:port[/db] (or rediss://). MOCKTA_REDIS_URL. */
  url?: string
  /** redis: prefix of every key, so several mocktas or test runs can share one Redis. Default "mockta:". */
  keyPrefix: string
  /** redis: how long one command may take before the request gets temporarily_unavailable. Default 2000. */
  commandTimeoutMs: number
  /** memory: where the store is saved and restored across restarts (store/state-file.ts). MOCKTA_STATE_FILE. */
  stateFile?: string
  /** memory: how often the state file is saved (only when something changed), besides at shutdown. Default 5. */
  stateFileIntervalSeconds: number
  /** Live refresh families at most; new grants are refused beyond it, existing ones keep working. */
  maxFamilies: number
  sweepIntervalSeconds: number
}

export interface LimitsConfig {
  bodyLimitBytes: number
  /** A connection that sends nothing for this long in the middle of a request is closed (the socket timeout). */
  requestTimeoutSeconds: number
  /** The request line and headers must arrive within this time of the request's first byte (408 otherwise). */
  headersTimeoutSeconds: number
  /** A body must arrive within this time of its first byte, the end of the headers (408 otherwise), however steadily it trickles. */
  bodyTimeoutSeconds: number
  keepAliveTimeoutSeconds: number
}

export interface ControlConfig {
  /** Journal entries kept; the oldest go first. */
  journalSize: number
  /** Serve the control API without an admin token on a non-loopback address (a trusted network). */
  trustNetwork: boolean
  /** Bearer token the control API requires; from --admin-token / MOCKTA_ADMIN_TOKEN, never from the file. */
  adminToken?: string
  /**
   * Host names the control API answers besides loopback and the base URL's host (DNS rebinding):
   * `name`, `.example.test` for a domain and its subdomains, `*` for any. --allowed-hosts, MOCKTA_ALLOWED_HOSTS.
   */
  allowedHosts: string[]
}

/** mockta's own light sign-in page, or Okta's hosted page with the real Sign-In Widget (docs/sign-in-widget.md). */
export type SignInPageKind = 'mockta' | 'okta-widget'

export interface SignInConfig {
  /** The page /authorize shows without a session, unless a client says otherwise (`signInPage`). Default `mockta`. */
  page: SignInPageKind
  /** How long a signed-in browser session lasts (Okta's default maximum session: 2 hours). */
  sessionLifetimeSeconds: number
  /** Show the configured users on the sign-in page, one click each (demos). */
  listUsers: boolean
}

/** Embedded sign-in through the Interaction Code flow (docs/identity-engine.md). */
export interface IdentityEngineConfig {
  /** Username alone first, then the password (challenge-authenticator); false: both on one form. */
  identifierFirst: boolean
  /** Wrong passwords in a row after which the user is locked out; 0 = never. */
  lockoutThreshold: number
  /** How long an interaction and its stateHandle live after their last step. */
  transactionLifetimeSeconds: number
  interactionCodeLifetimeSeconds: number
  /** After the password, an email code too (`required`) or not (`none`); a user's `emailFactor` wins. */
  emailFactor: EmailFactorPolicy
  /** How long an emailed one-time code and its magic link work. */
  emailCodeLifetimeSeconds: number
  /** Offer password recovery by email (the `recover` action of the password authenticator). */
  passwordRecovery: boolean
  /** Self-service registration (Okta's profile enrollment policy "Allow users to sign up"); clients may override it. */
  registration: boolean
}

export interface HttpsConfig {
  /** Serve HTTPS (the default base URL then starts with https://). */
  enabled: boolean
  /** PEM certificate (chain) and key; when both are absent a certificate is generated at start-up. */
  certFile?: string
  keyFile?: string
  /** Where a generated certificate's CA is written for clients to trust. */
  caFile: string
}

export interface Config {
  /** Public origin without trailing slash; the issuers derive from it. */
  baseUrl: string
  org: OrgAuthServerConfig
  authorizationServers: AuthServerConfig[]
  clients: ClientConfig[]
  users: UserConfig[]
  /** Private RSA JWKs with `kid`. */
  keys: JWK[]
  /** Where the keys came from, for the start-up banner. */
  keySource: string
  store: StoreConfig
  limits: LimitsConfig
  signIn: SignInConfig
  identityEngine: IdentityEngineConfig
  https: HttpsConfig
  /** Okta's Trusted Origins (CORS): browser origins allowed besides those of the clients' redirect URIs. */
  trustedOrigins: string[]
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** The test control plane under /__mockta/ (docs/control-plane.md). */
  control: ControlConfig
}
