/** Reads, validates and completes the configuration file: every problem is reported at once, with its path. */
import { createPrivateKey, type JsonWebKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { ErrorObject, ValidateFunction } from 'ajv'
import type { JWK } from 'jose'
import type { AuthServerConfig, ClaimConfig, ClientConfig, Config, ControlConfig, LimitsConfig } from './types.js'
import type { DeviceAuthorizationConfig, FactorConfig, OrgAuthServerConfig, RefreshTokenLifetimeConfig, StoreConfig, UserConfig } from './types.js'

import { jsonSchemas } from '../json-schema.js'
import { packageRoot } from '../package-root.js'
import { sha256 } from '../crypto/sha256.js'

export const schemaPath = resolve(packageRoot, 'schema/mockta.config.schema.json')
export const defaultConfigPath = resolve(packageRoot, 'fixtures/config.json')
export const defaultKeyFile = resolve(packageRoot, 'fixtures/keys/rs256.test-only.jwks.json')

const STANDARD_SCOPES = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'groups']

export class ConfigError extends Error {
  readonly problems: string[]
  constructor(problems: string[], heading = 'Invalid mockta configuration') {
    super(`${heading}:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

type RawRefresh = Partial<RefreshTokenLifetimeConfig>
type RawDevice = Partial<DeviceAuthorizationConfig>
export type RawClaim = Partial<ClaimConfig> & { name: string }
export type RawUser = Partial<Omit<UserConfig, 'factors'>> & Pick<UserConfig, 'login' | 'password'> & { factors?: RawFactor[] }
export type RawAuthServer = Partial<Omit<AuthServerConfig, 'refreshToken' | 'claims' | 'deviceAuthorization'>> & {
  id: string
  refreshToken?: RawRefresh
  claims?: RawClaim[]
  deviceAuthorization?: RawDevice
}
export type RawClient = Partial<Omit<ClientConfig, 'refreshToken'>> &
  Pick<ClientConfig, 'id' | 'type'> & { refreshToken?: Partial<ClientConfig['refreshToken']>; jwksFile?: string }
/** The file after schema validation: the shape of schema/mockta.config.schema.json. */
interface RawConfig {
  baseUrl?: string
  orgAuthorizationServer?: Partial<Omit<OrgAuthServerConfig, 'refreshToken' | 'deviceAuthorization'>> & { refreshToken?: RawRefresh; deviceAuthorization?: RawDevice }
  authorizationServers?: RawAuthServer[]
  clients?: RawClient[]
  users?: RawUser[]
  store?: Partial<StoreConfig>
  limits?: Partial<LimitsConfig>
  logLevel?: Config['logLevel']
  control?: Partial<ControlConfig>
  signIn?: Partial<Config['signIn']>
  identityEngine?: Partial<Config['identityEngine']>
  trustedOrigins?: string[]
  https?: Partial<Config['https']>
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err))

const require = createRequire(import.meta.url)

/** The key of the configuration schema in the shared Ajv instance (json-schema.ts). */
const CONFIG_SCHEMA = 'mockta-config'
let configSchemaAdded = false

/**
 * The configuration schema's checker, whole or one definition (`#/definitions/…`), added to the
 * shared Ajv instance once; Ajv is loaded only when a schema has to be compiled now (start-up).
 */
function configSchemaCheck(fragment = '', schemaText?: string): ValidateFunction {
  const ajv = jsonSchemas()
  if (!configSchemaAdded) {
    ajv.addSchema(JSON.parse(schemaText ?? readFileSync(schemaPath, 'utf8')) as object, CONFIG_SCHEMA)
    configSchemaAdded = true
  }
  const check = ajv.getSchema(`${CONFIG_SCHEMA}${fragment}`)
  if (!check) throw new Error(`no schema ${CONFIG_SCHEMA}${fragment}`)
  return check
}

/** Where `npm run build` writes it, whether this module runs as dist/config/load.js or bundled into dist/cli.bundle.js. */
const precompiledValidatorPath = join(packageRoot, 'dist/config/config-validator.cjs')

/**
 * The validator `npm run build` precompiled into dist/config/ (scripts/build-config-validator.mjs)
 * when it was built from this very schema; otherwise Ajv compiles the schema now (nothing built yet,
 * or a schema edited since the build). Same options (json-schema.ts), same errors; the precompiled
 * one spares start-up importing Ajv and compiling (docs/bench.md).
 */
function compileValidator(): ValidateFunction {
  const schemaText = readFileSync(schemaPath, 'utf8')
  const schemaSha256 = sha256(schemaText, 'hex')
  try {
    const precompiled = require(precompiledValidatorPath) as ValidateFunction & { schemaSha256?: unknown }
    if (precompiled.schemaSha256 === schemaSha256) return precompiled
  } catch {
    // Not built: compile below.
  }
  return configSchemaCheck('', schemaText)
}

/** The problems of one item of the file (`client`, `user`, `authorizationServer`), in the file's own wording. */
export function itemProblems(definition: 'client' | 'user' | 'authorizationServer', item: unknown): string[] {
  // Only the control plane's runtime changes need this, so Ajv is loaded on the first one (docs/bench.md: start-up).
  const check = configSchemaCheck(`#/definitions/${definition}`)
  if (check(item)) return []
  return [...new Set((check.errors ?? []).flatMap(formatSchemaError))]
}

let validator: ValidateFunction | undefined
function validate(raw: unknown): string[] {
  validator ??= compileValidator()
  if (validator(raw)) return []
  return [...new Set((validator.errors ?? []).flatMap(formatSchemaError))]
}

function formatSchemaError(e: ErrorObject): string[] {
  // The only oneOf (a claim's value/userAttribute) is reported by the semantic check, which says which case it is.
  if (e.schemaPath.includes('/oneOf')) return []
  const at = e.instancePath
  // resolveConfig explains a bad baseUrl better than its pattern does.
  if (at === '/baseUrl' && e.keyword === 'pattern') return []
  const params = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'required':
      return [`${at}/${String(params.missingProperty)}: is required`]
    case 'additionalProperties':
      return [`${at}/${String(params.additionalProperty)}: is not a known property`]
    case 'enum':
      return [
        `${at || '/'}: must be one of ${list(params.allowedValues)
          .map((v) => JSON.stringify(v))
          .join(', ')}`,
      ]
    case 'not': // only on authorization-server ids
      return [`${at}: "v1" is reserved for the org authorization server`]
    default:
      return [`${at || '/'}: ${e.message ?? e.keyword}`]
  }
}

const BASE62 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
/** A stable Okta-style user id for a login, so `sub` survives restarts without listing ids in the file. */
export function deriveUserId(login: string): string {
  let n = BigInt(`0x${sha256(login.toLowerCase(), 'hex')}`)
  let suffix = ''
  while (suffix.length < 17) {
    suffix += BASE62[Number(n % 62n)]
    n /= 62n
  }
  return `00u${suffix}`
}

/** Why `url` cannot be a base URL, or undefined when it can (after stripping one trailing slash). */
export function baseUrlProblem(url: string): string | undefined {
  const parsed = URL.canParse(url) ? new URL(url) : undefined
  if (!parsed) return `must be an absolute http(s) URL (got ${JSON.stringify(url)})`
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `must use http or https (got ${JSON.stringify(url)})`
  if (parsed.pathname !== '/' || /[?#@]/.test(url)) return `must be an origin, without path, query, fragment or credentials (got ${JSON.stringify(url)})`
  return undefined
}

function loadKeys(file: string, label: string): { keys: JWK[]; problems: string[] } {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    return { keys: [], problems: [`${label}: cannot load key file ${file}: ${errorText(err)}`] }
  }
  if (!isObj(parsed) || !Array.isArray(parsed.keys) || parsed.keys.length === 0) {
    return { keys: [], problems: [`${label}: ${file} must be a JWKS, {"keys": [...]}, with at least one key`] }
  }
  const problems: string[] = []
  const seen = new Set<string>()
  for (const [i, key] of (parsed.keys as unknown[]).entries()) {
    const at = `${file}#/keys/${i}`
    const kid = isObj(key) ? text(key.kid) : undefined
    if (!isObj(key) || key.kty !== 'RSA' || key.d === undefined) {
      problems.push(`${at}: must be a private RSA key (kty "RSA" with "d")`)
      continue
    }
    if (!kid) {
      problems.push(`${at}: has no "kid"`)
      continue
    }
    if (seen.has(kid)) problems.push(`${at}: duplicate kid "${kid}"`)
    seen.add(kid)
    if (key.alg !== undefined && key.alg !== 'RS256') problems.push(`${at}: alg must be RS256 (Okta signs with RS256 only)`)
    try {
      const bits = createPrivateKey({ key: key as JsonWebKey, format: 'jwk' }).asymmetricKeyDetails?.modulusLength ?? 0
      if (bits < 2048) problems.push(`${at}: key "${kid}" has ${bits} bits, at least 2048 are needed`)
    } catch (err) {
      problems.push(`${at}: key "${kid}" cannot be imported: ${errorText(err)}`)
    }
  }
  return { keys: parsed.keys as JWK[], problems }
}

function duplicates(entries: Array<[path: string, value: string | undefined]>, what: string): string[] {
  const firstAt = new Map<string, string>()
  const problems: string[] = []
  for (const [path, value] of entries) {
    if (value === undefined) continue
    const first = firstAt.get(value)
    if (first === undefined) firstAt.set(value, path)
    else problems.push(`${path}: duplicate ${what} ${JSON.stringify(value)} (also at ${first})`)
  }
  return problems
}

/** A client's secret must agree with its authentication methods. */
/** `logins`: the configured users' logins, which `autoSignIn` must name. */
export function clientProblems(c: unknown, at: string, logins: string[]): string[] {
  if (!isObj(c)) return []
  const methods = list(c.authMethods)
  const needsSecret = methods.filter((m): m is string => m === 'client_secret_basic' || m === 'client_secret_post' || m === 'client_secret_jwt')
  const problems: string[] = []
  if (c.secret === undefined && needsSecret.some((m) => m !== 'client_secret_jwt')) problems.push(`${at}/authMethods: client_secret_basic and client_secret_post need a "secret"`)
  if (c.secret === undefined && needsSecret.includes('client_secret_jwt'))
    problems.push(`${at}/authMethods: client_secret_jwt needs a "secret" (at least 32 characters to verify an HMAC)`)
  if (c.secret !== undefined && methods.includes('none')) problems.push(`${at}/authMethods: "none" is for public clients, but this client has a "secret"`)
  const keyed = c.jwks !== undefined || c.jwksFile !== undefined
  if (c.jwks !== undefined && c.jwksFile !== undefined) problems.push(`${at}/jwksFile: give either "jwks" or "jwksFile", not both`)
  if (keyed && methods.includes('none')) problems.push(`${at}/authMethods: "none" is for public clients, but this client has keys (jwks)`)
  if (isObj(c.jwks)) problems.push(...jwksProblems(c.jwks, `${at}/jwks`))
  const isPublic = c.secret === undefined && !keyed
  if (isPublic && c.pkceRequired === false) problems.push(`${at}/pkceRequired: must be true for a public client (Okta requires PKCE when token_endpoint_auth_method is none)`)
  const auto = text(c.autoSignIn)?.toLowerCase()
  if (auto !== undefined && !logins.some((login) => login.toLowerCase() === auto)) problems.push(`${at}/autoSignIn: no user has the login ${JSON.stringify(c.autoSignIn)}`)
  return problems
}

/** A client's public keys: no private or symmetric key may be published (RFC 7517 §4; RFC 7523 §3). */
function jwksProblems(jwks: Obj, at: string): string[] {
  return list(jwks.keys).flatMap((k, j) => (isObj(k) && ('d' in k || 'k' in k || 'p' in k) ? [`${at}/keys/${j}: must be a public key (no "d", "p" or "k")`] : []))
}

/** A client's `jwksFile` read as its `jwks`; relative paths from `baseDir`. */
export function readClientJwks(file: string, baseDir: string, at: string): { jwks?: { keys: JWK[] }; problems: string[] } {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(resolve(baseDir, file), 'utf8'))
  } catch (err) {
    return { problems: [`${at}/jwksFile: cannot load ${file}: ${errorText(err)}`] }
  }
  if (!isObj(parsed) || !Array.isArray(parsed.keys)) return { problems: [`${at}/jwksFile: ${file} must be a JWKS, {"keys": [...]}`] }
  const problems = jwksProblems(parsed, `${at}/jwksFile`)
  return problems.length > 0 ? { problems } : { jwks: { keys: parsed.keys as JWK[] }, problems }
}

/** Each claim of an authorization server takes exactly one of `value` and `userAttribute`. */
export function claimProblems(s: unknown, at: string): string[] {
  if (!isObj(s)) return []
  return list(s.claims).flatMap((c, j) => {
    if (!isObj(c)) return []
    const count = Number('value' in c) + Number('userAttribute' in c)
    const which = count ? 'both' : 'neither'
    return count === 1 ? [] : [`${at}/claims/${j}: needs exactly one of "value" and "userAttribute" (${which} set)`]
  })
}

/** Checks the schema cannot express. `raw` may be schema-invalid, so every access is guarded. */
function semanticProblems(raw: Obj, kids: Set<string> | undefined, keySource: string): string[] {
  const servers = list(raw.authorizationServers)
  const clients = list(raw.clients)
  const users = list(raw.users)
  const field = (item: unknown, key: string): string | undefined => (isObj(item) ? text(item[key]) : undefined)
  const seenLogins = new Set<string | undefined>()
  const problems = [
    ...duplicates(
      servers.map((s, i) => [`/authorizationServers/${i}/id`, field(s, 'id')]),
      'authorization server id',
    ),
    ...duplicates(
      clients.map((c, i) => [`/clients/${i}/id`, field(c, 'id')]),
      'client id',
    ),
    ...duplicates(
      users.map((u, i) => [`/users/${i}/login`, field(u, 'login')?.toLowerCase()]),
      'login',
    ),
    ...duplicates(
      users.map((u, i) => {
        const login = field(u, 'login')?.toLowerCase()
        // A repeated login repeats its derived id too; the login duplicate already says so.
        const derived = login !== undefined && !seenLogins.has(login) ? deriveUserId(login) : undefined
        seenLogins.add(login)
        return [`/users/${i}/id`, field(u, 'id') ?? derived]
      }),
      'user id',
    ),
  ]
  users.forEach((u, i) => {
    problems.push(...factorProblems(u, `/users/${i}`))
  })
  const logins = users.flatMap((u) => field(u, 'login') ?? [])
  clients.forEach((c, i) => {
    problems.push(...clientProblems(c, `/clients/${i}`, logins))
  })
  const checkKid = (path: string, kid: unknown): void => {
    if (kids && typeof kid === 'string' && !kids.has(kid)) problems.push(`${path}: unknown kid "${kid}" (not in ${keySource})`)
  }
  const org = raw.orgAuthorizationServer
  if (isObj(org)) {
    list(org.signingKeys).forEach((kid, j) => {
      checkKid(`/orgAuthorizationServer/signingKeys/${j}`, kid)
    })
    checkKid('/orgAuthorizationServer/accessTokenSigningKey', org.accessTokenSigningKey)
  }
  const serverIds = new Set(servers.flatMap((s) => field(s, 'id') ?? []))
  servers.forEach((s, i) => {
    if (!isObj(s)) return
    list(s.signingKeys).forEach((kid, j) => {
      checkKid(`/authorizationServers/${i}/signingKeys/${j}`, kid)
    })
    list(s.trustedServers).forEach((id, j) => {
      if (typeof id === 'string' && id !== 'org' && !serverIds.has(id))
        problems.push(`/authorizationServers/${i}/trustedServers/${j}: no authorization server has the id ${JSON.stringify(id)}`)
    })
    problems.push(...claimProblems(s, `/authorizationServers/${i}`))
  })
  return problems
}

export function resolveClaim(c: RawClaim): ClaimConfig {
  const claim: ClaimConfig = { name: c.name, tokens: [...(c.tokens ?? ['access_token'])], scopes: [...(c.scopes ?? [])] }
  if ('value' in c) claim.value = c.value
  else if (c.userAttribute !== undefined) claim.userAttribute = c.userAttribute
  return claim
}

export function resolveClient(c: RawClient): ClientConfig {
  const keyed = c.jwks !== undefined
  const client: ClientConfig = {
    id: c.id,
    name: c.name ?? c.id,
    type: c.type,
    authMethods: c.authMethods ?? (c.secret !== undefined ? ['client_secret_basic', 'client_secret_post'] : keyed ? ['private_key_jwt'] : ['none']),
    grantTypes: c.grantTypes ?? (c.type === 'service' ? ['client_credentials'] : ['authorization_code', 'refresh_token']),
    redirectUris: c.redirectUris ?? [],
    postLogoutRedirectUris: c.postLogoutRedirectUris ?? [],
    scopes: c.scopes ?? [],
    // Okta: PKCE is required for browser and native apps, and must be for any client without a secret.
    pkceRequired: c.pkceRequired ?? (c.type === 'browser' || c.type === 'native' || (c.secret === undefined && !keyed)),
    parRequired: c.parRequired ?? false,
    refreshToken: { rotation: c.refreshToken?.rotation ?? 'rotate', graceSeconds: c.refreshToken?.graceSeconds ?? 30 },
  }
  if (c.secret !== undefined) client.secret = c.secret
  if (c.autoSignIn !== undefined) client.autoSignIn = c.autoSignIn
  if (c.signInPage !== undefined) client.signInPage = c.signInPage
  if (c.jwks !== undefined) client.jwks = { keys: c.jwks.keys.map((k) => ({ ...k })) }
  if (c.dpopBoundAccessTokens === true) client.dpopBoundAccessTokens = true
  if (c.acceptIssuerAudience === true) client.acceptIssuerAudience = true
  if (c.identityEngine !== undefined) client.identityEngine = { ...c.identityEngine }
  return client
}

/** HTTPS settings: the flag wins over the file; files are relative to the configuration file. */
function resolveHttps(raw: RawConfig, options: ResolveOptions): Config['https'] {
  const https: Config['https'] = {
    enabled: options.https ?? raw.https?.enabled ?? false,
    caFile: resolve(options.baseDir, raw.https?.caFile ?? join(tmpdir(), 'mockta-ca.pem')),
  }
  if (raw.https?.certFile !== undefined) https.certFile = resolve(options.baseDir, raw.https.certFile)
  if (raw.https?.keyFile !== undefined) https.keyFile = resolve(options.baseDir, raw.https.keyFile)
  return https
}

function complete(raw: RawConfig, baseUrl: string, keys: JWK[], keySource: string, https: Config['https']): Config {
  const kids = keys.map((k) => k.kid as string)
  const org = raw.orgAuthorizationServer ?? {}
  return {
    baseUrl,
    org: {
      enabled: org.enabled ?? true,
      scopes: org.scopes ?? [...STANDARD_SCOPES],
      accessTokenLifetimeSeconds: org.accessTokenLifetimeSeconds ?? 3600,
      idTokenLifetimeSeconds: org.idTokenLifetimeSeconds ?? 3600,
      refreshToken: { lifetimeSeconds: org.refreshToken?.lifetimeSeconds ?? 90 * 86400, idleSeconds: org.refreshToken?.idleSeconds ?? 0 },
      signingKeys: org.signingKeys ?? [(kids[1] ?? kids[0]) as string],
      accessTokenSigningKey: org.accessTokenSigningKey ?? ((kids[2] ?? kids[kids.length - 1]) as string),
      deviceAuthorization: resolveDevice(org.deviceAuthorization),
    },
    authorizationServers: (raw.authorizationServers ?? []).map((s) => resolveAuthServer(s, kids[0] as string)),
    clients: (raw.clients ?? []).map(resolveClient),
    users: (raw.users ?? []).map(resolveUser),
    keys,
    keySource,
    store: {
      type: raw.store?.type ?? 'memory',
      ...(raw.store?.url !== undefined && { url: raw.store.url }),
      keyPrefix: raw.store?.keyPrefix ?? 'mockta:',
      commandTimeoutMs: raw.store?.commandTimeoutMs ?? 2000,
      ...(raw.store?.stateFile !== undefined && { stateFile: raw.store.stateFile }),
      stateFileIntervalSeconds: raw.store?.stateFileIntervalSeconds ?? 5,
      maxFamilies: raw.store?.maxFamilies ?? 1_000_000,
      sweepIntervalSeconds: raw.store?.sweepIntervalSeconds ?? 60,
    },
    limits: {
      bodyLimitBytes: raw.limits?.bodyLimitBytes ?? 65536,
      requestTimeoutSeconds: raw.limits?.requestTimeoutSeconds ?? 10,
      headersTimeoutSeconds: raw.limits?.headersTimeoutSeconds ?? 10,
      bodyTimeoutSeconds: raw.limits?.bodyTimeoutSeconds ?? 10,
      keepAliveTimeoutSeconds: raw.limits?.keepAliveTimeoutSeconds ?? 5,
    },
    logLevel: raw.logLevel ?? 'info',
    control: { journalSize: raw.control?.journalSize ?? 1000, trustNetwork: raw.control?.trustNetwork ?? false, allowedHosts: [...(raw.control?.allowedHosts ?? [])] },
    signIn: { page: raw.signIn?.page ?? 'mockta', sessionLifetimeSeconds: raw.signIn?.sessionLifetimeSeconds ?? 7200, listUsers: raw.signIn?.listUsers ?? true },
    identityEngine: {
      identifierFirst: raw.identityEngine?.identifierFirst ?? false,
      // Okta's default password policy locks a user out after 10 failed attempts.
      lockoutThreshold: raw.identityEngine?.lockoutThreshold ?? 10,
      transactionLifetimeSeconds: raw.identityEngine?.transactionLifetimeSeconds ?? 600,
      interactionCodeLifetimeSeconds: raw.identityEngine?.interactionCodeLifetimeSeconds ?? 60,
      emailFactor: raw.identityEngine?.emailFactor ?? 'none',
      // Okta's default lifetime of an email one-time code: 5 minutes.
      emailCodeLifetimeSeconds: raw.identityEngine?.emailCodeLifetimeSeconds ?? 300,
      passwordRecovery: raw.identityEngine?.passwordRecovery ?? true,
      // Okta orgs do not let users sign up until a profile enrollment policy allows it.
      registration: raw.identityEngine?.registration ?? false,
    },
    trustedOrigins: (raw.trustedOrigins ?? []).map((o) => o.replace(/\/$/, '')),
    https,
  }
}

export function resolveAuthServer(s: RawAuthServer, defaultKid: string): AuthServerConfig {
  return {
    id: s.id,
    name: s.name ?? s.id,
    audience: s.audience ?? `api://${s.id}`,
    scopes: s.scopes ?? [...STANDARD_SCOPES],
    claims: (s.claims ?? []).map(resolveClaim),
    accessTokenLifetimeSeconds: s.accessTokenLifetimeSeconds ?? 3600,
    idTokenLifetimeSeconds: s.idTokenLifetimeSeconds ?? 3600,
    refreshToken: { lifetimeSeconds: s.refreshToken?.lifetimeSeconds ?? 0, idleSeconds: s.refreshToken?.idleSeconds ?? 7 * 86400 },
    signingKeys: s.signingKeys ?? [defaultKid],
    trustedServers: [...(s.trustedServers ?? [])],
    deviceAuthorization: resolveDevice(s.deviceAuthorization),
  }
}

/** Okta's device codes last 10 minutes and ask for 5 seconds between polls (docs/okta-behaviour.md § 2.7). */
const resolveDevice = (d: RawDevice | undefined): DeviceAuthorizationConfig => ({ lifetimeSeconds: d?.lifetimeSeconds ?? 600, intervalSeconds: d?.intervalSeconds ?? 5 })

export function resolveUser(u: RawUser): UserConfig {
  const id = u.id ?? deriveUserId(u.login)
  const user: UserConfig = { id, login: u.login, password: u.password, profile: u.profile ?? {}, groups: u.groups ?? ['Everyone'], status: u.status ?? 'ACTIVE' }
  if (u.emailFactor !== undefined) user.emailFactor = u.emailFactor
  if (u.factors !== undefined) user.factors = u.factors.map((f) => resolveFactor(f, user))
  return user
}

/** A factor as the file may write it: its id and (email) address may be left out. */
export type RawFactor = { type: 'token:software:totp'; id?: string; secret: string } | { type: 'email'; id?: string; email?: string }

/** Okta's factor id prefixes: `ost` for Okta Verify TOTP, `emf` for email (as Okta's Factors API shows them). */
const FACTOR_PREFIX = { 'token:software:totp': 'ost', email: 'emf' } as const

function resolveFactor(f: RawFactor, user: UserConfig): FactorConfig {
  const id = f.id ?? `${FACTOR_PREFIX[f.type]}${deriveUserId(`${user.id}\0${f.type}`).slice(3)}`
  if (f.type === 'token:software:totp') return { type: f.type, id, secret: f.secret }
  const email = f.email ?? (typeof user.profile['email'] === 'string' ? user.profile['email'] : user.login)
  return { type: 'email', id, email }
}

/**
 * What the schema leaves to this check (docs/authentication-api.md § 1.4): a TOTP factor has a
 * secret and an email factor none, each type at most once, and ids unique.
 */
export function factorProblems(user: unknown, at: string): string[] {
  if (!isObj(user)) return []
  const problems: string[] = []
  const seen = new Set<unknown>()
  list(user.factors).forEach((f, i) => {
    if (!isObj(f)) return
    const path = `${at}/factors/${i}`
    if (f.type === 'token:software:totp' && f.secret === undefined) problems.push(`${path}/secret: is required for a token:software:totp factor`)
    if (f.type === 'token:software:totp' && f.email !== undefined) problems.push(`${path}/email: only an email factor has an address`)
    if (f.type === 'email' && f.secret !== undefined) problems.push(`${path}/secret: only a token:software:totp factor has a secret`)
    if (seen.has(f.type)) problems.push(`${path}/type: the user has ${f.type === 'email' ? 'an' : 'a'} ${String(f.type)} factor already`)
    seen.add(f.type)
  })
  const ids = list(user.factors).flatMap((f) => (isObj(f) && typeof f.id === 'string' ? [f.id] : []))
  if (new Set(ids).size !== ids.length) problems.push(`${at}/factors: factor ids must be unique`)
  return problems
}

export interface ResolveOptions {
  /** Directory that relative paths in the file (keys.file) are resolved against. */
  baseDir: string
  /** From --base-url / MOCKTA_BASE_URL; wins over the file. */
  baseUrl?: string | undefined
  /** Used when neither the option nor the file sets a base URL, e.g. http://127.0.0.1:8080 (https:// in HTTPS mode). */
  defaultBaseUrl: string
  /** From --https / MOCKTA_HTTPS; wins over the file's https.enabled. */
  https?: boolean | undefined
}

export function resolveConfig(raw: unknown, options: ResolveOptions): Config {
  const problems = validate(raw)
  const obj = isObj(raw) ? raw : {}
  const keysFile = isObj(obj.keys) ? text(obj.keys.file) : undefined
  const keySource = keysFile === undefined ? defaultKeyFile : resolve(options.baseDir, keysFile)
  const loaded = isObj(obj.keys) && keysFile === undefined ? undefined : loadKeys(keySource, keysFile === undefined ? keySource : '/keys/file')
  if (loaded) problems.push(...loaded.problems)
  const kids = loaded?.keys.length ? new Set(loaded.keys.flatMap((k) => (typeof k.kid === 'string' ? [k.kid] : []))) : undefined
  problems.push(...semanticProblems(obj, kids, keySource))
  // A client's jwksFile becomes its jwks, so everything after sees keys the same way.
  list(obj.clients).forEach((c, i) => {
    if (!isObj(c) || typeof c.jwksFile !== 'string' || c.jwks !== undefined) return
    const read = readClientJwks(c.jwksFile, options.baseDir, `/clients/${i}`)
    problems.push(...read.problems)
    if (read.jwks) {
      c.jwks = read.jwks
      delete c.jwksFile
    }
  })

  const fileUrl = text(obj.baseUrl)
  const urlSources: Array<[string, string | undefined]> = [
    ['/baseUrl', fileUrl],
    ['baseUrl (--base-url / MOCKTA_BASE_URL)', options.baseUrl],
    ['baseUrl (default)', (options.baseUrl ?? fileUrl) === undefined ? options.defaultBaseUrl : undefined],
  ]
  for (const [path, url] of urlSources) {
    const problem = url === undefined ? undefined : baseUrlProblem(url.replace(/\/$/, ''))
    if (problem !== undefined) problems.push(`${path}: ${problem}`)
  }
  const https = resolveHttps(obj as RawConfig, options)
  const defaultBaseUrl = https.enabled ? options.defaultBaseUrl.replace(/^http:/, 'https:') : options.defaultBaseUrl
  const baseUrl = (options.baseUrl ?? fileUrl ?? defaultBaseUrl).replace(/\/$/, '')
  const halfFiles = (obj as RawConfig).https?.certFile === undefined ? (obj as RawConfig).https?.keyFile !== undefined : (obj as RawConfig).https?.keyFile === undefined
  if (isObj(obj.https) && halfFiles) problems.push('/https: certFile and keyFile go together (or neither, to generate a certificate)')
  const store = (obj as RawConfig).store
  if (store?.type === 'redis' && store.stateFile !== undefined) problems.push('/store/stateFile: is for the memory store; with type "redis" the state is kept by Redis')

  if (problems.length > 0 || !loaded) throw new ConfigError(problems)
  return complete(obj as RawConfig, baseUrl, loaded.keys, keySource, https)
}

export function loadConfigFile(path: string | undefined, options: Omit<ResolveOptions, 'baseDir'>): Config {
  const file = resolve(path ?? defaultConfigPath)
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    const why = err instanceof SyntaxError ? `is not valid JSON: ${err.message}` : `cannot be read: ${errorText(err)}`
    throw new ConfigError([`${file}: ${why}`], 'Cannot load the mockta configuration')
  }
  try {
    return resolveConfig(raw, { ...options, baseDir: dirname(file) })
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(err.problems, `Invalid mockta configuration in ${file}`)
    throw err
  }
}
