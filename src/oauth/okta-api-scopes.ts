/**
 * The Okta management API's OAuth scopes: what a service app gets from the org authorization server
 * with client_credentials and private_key_jwt (docs/dpop.md § 3.2), as okta-sdk-nodejs asks
 * for them. mockta grants them; it serves no management API of its own to spend them on.
 */
const RESOURCES = [
  'apps',
  'authenticators',
  'authorizationServers',
  'behaviors',
  'brands',
  'captchas',
  'clients',
  'devices',
  'domains',
  'emailDomains',
  'eventHooks',
  'factors',
  'features',
  'groups',
  'identitySources',
  'idps',
  'inlineHooks',
  'linkedObjects',
  'logStreams',
  'networkZones',
  'orgs',
  'policies',
  'profileMappings',
  'roles',
  'schemas',
  'sessions',
  'templates',
  'threatInsights',
  'trustedOrigins',
  'uischemas',
  'userTypes',
  'users',
]

export const OKTA_API_SCOPES: ReadonlySet<string> = new Set([
  ...RESOURCES.flatMap((r) => [`okta.${r}.read`, `okta.${r}.manage`]),
  'okta.logs.read',
  'okta.users.read.self',
  'okta.users.manage.self',
  'okta.myAccount.read',
  'okta.myAccount.manage',
])
