/** The fixture configuration with the device grant, token exchange and PAR switched on (docs/device-exchange-par.md). */
import type { Config } from '../../src/config/types.js'

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
export const EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'

/**
 * native-app may use the device grant, service-app token exchange; a second server `api2` trusts
 * `default`, and `par-web` is a web client that requires PAR. Device polls every second.
 */
export function withNewGrants(c: Config): void {
  c.clients.find((x) => x.id === 'native-app')!.grantTypes.push(DEVICE_GRANT)
  c.clients.find((x) => x.id === 'service-app')!.grantTypes.push(EXCHANGE_GRANT)
  const web = c.clients.find((x) => x.id === 'web-app')!
  c.clients.push({ ...structuredClone(web), id: 'par-web', name: 'PAR web app', parRequired: true })
  const as = c.authorizationServers[0]!
  as.deviceAuthorization = { lifetimeSeconds: 600, intervalSeconds: 1 }
  c.authorizationServers.push({ ...structuredClone(as), id: 'api2', name: 'api2', audience: 'api://api2', trustedServers: ['default'] })
  c.authorizationServers.push({ ...structuredClone(as), id: 'untrusting', name: 'untrusting', audience: 'api://untrusting', trustedServers: [] })
}
