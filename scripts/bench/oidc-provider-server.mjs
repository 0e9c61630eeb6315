#!/usr/bin/env node
/**
 * Bench peer: oidc-provider (npm), configured as close to mockta's default server as it allows:
 * RS256 with mockta's first fixture key, refresh-token rotation (reuse revokes the grant), an ID
 * token on refresh, JWT access tokens for `api://default` (resource indicators), client_credentials
 * and introspection. The store is an unbounded in-memory adapter (the built-in one is an LRU of 1000
 * entries, which would evict the bench's pool of live refresh tokens).
 *
 * Sign-in needs an interactive flow in oidc-provider; the bench instead mints grants and tokens with
 * the provider's own models (Grant, RefreshToken, AccessToken) behind `POST /bench/seed`, a route
 * this script adds and that is only reachable here.
 */
import Provider from 'oidc-provider'
import { fixtureSigningJwk, listenArgs } from './args.mjs'

const { host, port } = listenArgs()
const issuer = `http://${host}:${port}`
const RESOURCE = 'api://default'

/** oidc-provider's adapter interface (upsert/find/consume/destroy/revokeByGrantId) over Maps. */
class MapAdapter {
  static stores = new Map()
  static grants = new Map()
  constructor(name) {
    this.name = name
    if (!MapAdapter.stores.has(name)) MapAdapter.stores.set(name, new Map())
    this.store = MapAdapter.stores.get(name)
  }
  async upsert(id, payload) {
    this.store.set(id, payload)
    if (payload.grantId) {
      let ids = MapAdapter.grants.get(payload.grantId)
      if (!ids) MapAdapter.grants.set(payload.grantId, (ids = []))
      ids.push([this.name, id])
    }
  }
  async find(id) {
    return this.store.get(id)
  }
  async findByUid(uid) {
    for (const payload of this.store.values()) if (payload.uid === uid) return payload
    return undefined
  }
  async findByUserCode(userCode) {
    for (const payload of this.store.values()) if (payload.userCode === userCode) return payload
    return undefined
  }
  async consume(id) {
    const payload = this.store.get(id)
    if (payload) payload.consumed = Math.floor(Date.now() / 1000)
  }
  async destroy(id) {
    this.store.delete(id)
  }
  async revokeByGrantId(grantId) {
    for (const [name, id] of MapAdapter.grants.get(grantId) ?? []) MapAdapter.stores.get(name)?.delete(id)
    MapAdapter.grants.delete(grantId)
  }
}

const alice = {
  sub: '00ualice000000000001',
  name: 'Alice Anderson',
  given_name: 'Alice',
  family_name: 'Anderson',
  preferred_username: 'alice@example.com',
  locale: 'en-US',
  zoneinfo: 'America/Los_Angeles',
  email: 'alice@example.com',
  email_verified: true,
}

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  jwks: { keys: [await fixtureSigningJwk()] },
  clients: [
    {
      client_id: 'native-app',
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['com.example.app:/callback'],
    },
    {
      client_id: 'web-app',
      client_secret: 'web-app-secret',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://localhost:3000/callback'],
    },
    {
      client_id: 'service-app',
      client_secret: 'service-app-secret',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api:read api:write',
    },
  ],
  findAccount: (_ctx, accountId) => ({ accountId, claims: () => ({ ...alice, sub: accountId }) }),
  claims: { openid: ['sub'], profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale', 'zoneinfo'], email: ['email', 'email_verified'] },
  scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read', 'api:write'],
  rotateRefreshToken: true,
  ttl: { AccessToken: 3600, ClientCredentials: 3600, IdToken: 3600, RefreshToken: 14 * 86400, Grant: 14 * 86400, Session: 14 * 86400, Interaction: 3600 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'api:read api:write', audience: RESOURCE, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
    },
  },
})

/** Mints `count` sign-ins for native-app (refresh tokens) and one opaque access token for web-app. */
async function seed(count) {
  const native = await provider.Client.find('native-app')
  const web = await provider.Client.find('web-app')
  const authTime = Math.floor(Date.now() / 1000)
  const refreshTokens = []
  for (let i = 0; i < count; i++) {
    const grant = new provider.Grant({ accountId: alice.sub, clientId: native.clientId })
    grant.addOIDCScope('openid profile offline_access')
    grant.addResourceScope(RESOURCE, 'api:read')
    const grantId = await grant.save()
    const rt = new provider.RefreshToken({
      accountId: alice.sub,
      client: native,
      grantId,
      scope: 'openid profile offline_access api:read',
      resource: RESOURCE,
      gty: 'authorization_code',
      authTime,
      expiresWithSession: false,
    })
    refreshTokens.push(await rt.save())
  }
  // oidc-provider introspects opaque access tokens only (JWT ones are for the resource server to verify).
  const grant = new provider.Grant({ accountId: alice.sub, clientId: web.clientId })
  grant.addOIDCScope('openid profile offline_access')
  const grantId = await grant.save()
  const accessToken = await new provider.AccessToken({ accountId: alice.sub, client: web, grantId, scope: 'openid profile offline_access', gty: 'authorization_code' }).save()
  return { refreshTokens, accessToken }
}

provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/bench/seed') {
    const count = Number(ctx.query.count ?? 1)
    ctx.body = await seed(Number.isInteger(count) && count > 0 && count <= 100_000 ? count : 1)
    return
  }
  await next()
})

const server = provider.listen(port, host)
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.close(() => process.exit(0)))
