/** Every control endpoint once: method, path, documentation and the ControlPlane call it makes. */
import { advanceSchema, retireSchema, setClockSchema, tokenSchema, type ControlPlane } from '../../control/control-plane.js'
import { faultRuleSchema } from '../../control/faults.js'
import { journalQuerySchema } from '../../control/journal.js'
import { mintSchema } from '../../control/minting.js'
import { deviceApprovalSchema } from '../../control/device-control.js'
import { expireAccessTokensSchema } from '../../control/sessions.js'
import { outboxQuerySchema } from '../../control/outbox.js'

export interface ControlInput {
  params: Record<string, string>
  query: Record<string, string>
  body: unknown
}

export interface ControlRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** OpenAPI form: `{param}`. */
  url: string
  summary: string
  tag: string
  /** A JSON Schema, or the name of a configuration-file definition (`#/definitions/…`) or of a write form openapi.ts derives from one. */
  body?: object | string
  query?: { properties: Record<string, object> }
  /** 200 unless said; `undefined` results are 204. */
  status?: number
  handle(control: ControlPlane, input: ControlInput): unknown
}

/** Query strings carry text: integers are read as numbers so one schema serves both callers. */
const numbers = (query: Record<string, string>): Record<string, string | number> =>
  Object.fromEntries(Object.entries(query).map(([k, v]) => [k, /^\d{1,15}$/.test(v) ? Number(v) : v]))

export const controlRoutes: readonly ControlRoute[] = [
  { method: 'GET', url: '/clock', tag: 'clock', summary: "mockta's time", handle: (c) => c.clock.now() },
  {
    method: 'POST',
    url: '/clock/advance',
    tag: 'clock',
    summary: 'Move the clock by `seconds` (negative goes back)',
    body: advanceSchema,
    handle: (c, i) => c.clock.advance(i.body as never),
  },
  {
    method: 'POST',
    url: '/clock/set',
    tag: 'clock',
    summary: 'Set the clock to `time` (ISO 8601 or epoch milliseconds)',
    body: setClockSchema,
    handle: (c, i) => c.clock.set(i.body as never),
  },
  { method: 'POST', url: '/clock/reset', tag: 'clock', summary: 'Back to the machine time', handle: (c) => c.clock.reset() },

  { method: 'GET', url: '/faults', tag: 'faults', summary: 'The fault rules in force', handle: (c) => c.faults.list() },
  { method: 'POST', url: '/faults', tag: 'faults', summary: 'Add a fault rule', body: faultRuleSchema, status: 201, handle: (c, i) => c.faults.add(i.body as never) },
  { method: 'DELETE', url: '/faults', tag: 'faults', summary: 'Clear every fault rule', handle: (c) => c.faults.clear() },
  { method: 'DELETE', url: '/faults/{id}', tag: 'faults', summary: 'Remove one fault rule', handle: (c, i) => c.faults.remove(i.params['id'] as string) },

  {
    method: 'GET',
    url: '/journal',
    tag: 'journal',
    summary: 'Journal entries, oldest first',
    query: journalQuerySchema,
    handle: (c, i) => c.journal.list(numbers(i.query) as never),
  },
  {
    method: 'GET',
    url: '/journal/events',
    tag: 'journal',
    summary: 'Journal entries newest first, each with its Okta System Log event type (`eventType`)',
    query: journalQuerySchema,
    handle: (c, i) => c.journal.events(numbers(i.query) as never),
  },
  { method: 'DELETE', url: '/journal', tag: 'journal', summary: 'Clear the journal', handle: (c) => c.journal.clear() },

  { method: 'POST', url: '/tokens', tag: 'tokens', summary: 'Mint an Okta token response without a sign-in', body: mintSchema, handle: (c, i) => c.mint(i.body as never) },
  {
    method: 'POST',
    url: '/tokens/revoke',
    tag: 'tokens',
    summary: 'Revoke an access token, or the family of a refresh token',
    body: tokenSchema,
    handle: (c, i) => c.tokens.revoke(i.body as never),
  },
  {
    method: 'POST',
    url: '/tokens/expire',
    tag: 'tokens',
    summary: 'Expire an access token, or the family of a refresh token, now',
    body: tokenSchema,
    handle: (c, i) => c.tokens.expire(i.body as never),
  },
  {
    method: 'POST',
    url: '/device/{userCode}/approve',
    tag: 'tokens',
    summary: "Approve a device's user code as a user (login or id), as the activation page would",
    body: deviceApprovalSchema,
    handle: (c, i) => c.devices.approve(i.params['userCode'] as string, i.body as never),
  },
  {
    method: 'POST',
    url: '/device/{userCode}/deny',
    tag: 'tokens',
    summary: "Deny a device's user code, as the activation page would",
    handle: (c, i) => c.devices.deny(i.params['userCode'] as string),
  },
  {
    method: 'POST',
    url: '/tokens/inspect',
    tag: 'tokens',
    summary: "A token's header, claims, signing key and status by mockta's clock (no client authentication; a refresh token shows its family)",
    body: tokenSchema,
    handle: (c, i) => c.tokens.inspect(i.body as never),
  },
  {
    method: 'POST',
    url: '/access-tokens/expire',
    tag: 'tokens',
    summary: 'End every access token of `clientId`, of `user`, or (neither) of everyone issued until now; refresh tokens keep working',
    body: expireAccessTokensSchema,
    handle: (c, i) => c.accessTokens.expire(i.body as never),
  },
  {
    method: 'GET',
    url: '/users/{user}/sessions',
    tag: 'tokens',
    summary: "A user's live browser sessions (login or id)",
    handle: (c, i) => c.sessions.list(i.params['user'] as string),
  },
  {
    method: 'DELETE',
    url: '/users/{user}/sessions',
    tag: 'tokens',
    summary: 'End every browser session of a user (they must sign in again)',
    handle: (c, i) => c.sessions.end(i.params['user'] as string),
  },
  {
    method: 'DELETE',
    url: '/users/{user}/sessions/{id}',
    tag: 'tokens',
    summary: 'End one browser session (`id` as listed)',
    handle: (c, i) => c.sessions.end(i.params['user'] as string, i.params['id'] as string),
  },
  {
    method: 'GET',
    url: '/users/{user}/lockout',
    tag: 'tokens',
    summary: "A user's wrong passwords in a row, the lock-out threshold and whether they are locked out (login or id)",
    handle: (c, i) => c.lockouts.get(i.params['user'] as string),
  },
  {
    method: 'POST',
    url: '/users/{user}/unlock',
    tag: 'tokens',
    summary: 'Unlock a user locked out by wrong passwords (the count starts again)',
    handle: (c, i) => c.lockouts.unlock(i.params['user'] as string),
  },
  {
    method: 'GET',
    url: '/users/{user}/totp',
    tag: 'tokens',
    summary: "The current code of a user's token:software:totp factor (login or id), on mockta's clock: { userId, factorId, code, validForSeconds, periodSeconds }",
    handle: (c, i) => c.totp.get(i.params['user'] as string),
  },
  {
    method: 'GET',
    url: '/users/{user}/families',
    tag: 'tokens',
    summary: "A user's refresh-token families (login or id)",
    handle: (c, i) => c.families.list(i.params['user'] as string),
  },
  {
    method: 'POST',
    url: '/families/{id}/revoke',
    tag: 'tokens',
    summary: 'Revoke a family: its refresh token and every access token issued in it',
    handle: (c, i) => c.families.revoke(i.params['id'] as string),
  },
  { method: 'POST', url: '/families/{id}/expire', tag: 'tokens', summary: "End a family's refresh tokens now", handle: (c, i) => c.families.expire(i.params['id'] as string) },

  {
    method: 'GET',
    url: '/outbox',
    tag: 'outbox',
    summary: 'What mockta "sent by email" (codes, magic links), newest first; `to` keeps one address',
    query: outboxQuerySchema,
    handle: (c, i) => c.outbox(numbers(i.query) as never),
  },

  { method: 'GET', url: '/users', tag: 'data', summary: 'Users (without passwords)', handle: (c) => c.users.list() },
  {
    method: 'PUT',
    url: '/users',
    tag: 'data',
    summary: 'Add a user or replace the one with its login (a left-out password is kept)',
    body: 'userWrite',
    handle: (c, i) => c.users.put(i.body as never),
  },
  {
    method: 'PUT',
    url: '/users/{user}',
    tag: 'data',
    summary: 'Replace the user with this login or id, or add one with this login (a left-out password is kept)',
    body: 'userWrite',
    handle: (c, i) => c.users.put(i.body as never, i.params['user'] as string),
  },
  { method: 'DELETE', url: '/users/{user}', tag: 'data', summary: 'Remove a user (login or id)', handle: (c, i) => c.users.remove(i.params['user'] as string) },
  { method: 'GET', url: '/clients', tag: 'data', summary: 'Clients (without secrets)', handle: (c) => c.clients.list() },
  {
    method: 'PUT',
    url: '/clients',
    tag: 'data',
    summary: 'Add a client or replace the one with its id (a left-out secret is kept)',
    body: 'clientWrite',
    handle: (c, i) => c.clients.put(i.body as never),
  },
  {
    method: 'PUT',
    url: '/clients/{id}',
    tag: 'data',
    summary: 'Add or replace the client with this id (a left-out secret is kept)',
    body: 'clientWrite',
    handle: (c, i) => c.clients.put(i.body as never, i.params['id'] as string),
  },
  { method: 'DELETE', url: '/clients/{id}', tag: 'data', summary: 'Remove a client', handle: (c, i) => c.clients.remove(i.params['id'] as string) },
  { method: 'GET', url: '/authorization-servers', tag: 'data', summary: 'Custom authorization servers', handle: (c) => c.authServers.list() },
  {
    method: 'PUT',
    url: '/authorization-servers',
    tag: 'data',
    summary: 'Add a custom authorization server or replace the one with its id',
    body: 'authorizationServer',
    handle: (c, i) => c.authServers.put(i.body as never),
  },
  {
    method: 'PUT',
    url: '/authorization-servers/{id}',
    tag: 'data',
    summary: 'Add or replace the custom authorization server with this id',
    body: 'authorizationServer',
    handle: (c, i) => c.authServers.put(i.body as never, i.params['id'] as string),
  },
  {
    method: 'DELETE',
    url: '/authorization-servers/{id}',
    tag: 'data',
    summary: 'Remove a custom authorization server',
    handle: (c, i) => c.authServers.remove(i.params['id'] as string),
  },

  {
    method: 'GET',
    url: '/issuers',
    tag: 'data',
    summary: 'Every authorization server (`org` first when enabled) with its issuer, discovery URL and scopes',
    handle: (c) => c.issuers(),
  },
  {
    method: 'GET',
    url: '/keys/{authServer}',
    tag: 'keys',
    summary: 'Active, next and published kids (`org` = the org server)',
    handle: (c, i) => c.keys.get(i.params['authServer'] as string),
  },
  {
    method: 'POST',
    url: '/keys/{authServer}/next',
    tag: 'keys',
    summary: 'Generate and publish the next key',
    handle: (c, i) => c.keys.publishNext(i.params['authServer'] as string),
  },
  {
    method: 'POST',
    url: '/keys/{authServer}/promote',
    tag: 'keys',
    summary: 'Sign new tokens with the next key',
    handle: (c, i) => c.keys.promote(i.params['authServer'] as string),
  },
  {
    method: 'POST',
    url: '/keys/{authServer}/retire',
    tag: 'keys',
    summary: 'Unpublish `kid`, or every key that is neither active nor next',
    body: retireSchema,
    handle: (c, i) => c.keys.retire(i.params['authServer'] as string, i.body as never),
  },

  {
    method: 'GET',
    url: '/dpop/{authServer}/nonce',
    tag: 'keys',
    summary: 'The DPoP nonce the server hands out now (`org` = the org server)',
    handle: (c, i) => c.dpop.nonce(i.params['authServer'] as string),
  },
  {
    method: 'POST',
    url: '/dpop/{authServer}/nonce/rotate',
    tag: 'keys',
    summary: 'Rotate the DPoP nonces now (every server); the previous ones stay accepted for three days',
    handle: (c, i) => c.dpop.rotateNonce(i.params['authServer'] as string),
  },

  { method: 'POST', url: '/reset', tag: 'reset', summary: 'Back to the loaded configuration: clock, faults, journal, tokens, outbox, data, keys', handle: (c) => c.reset() },
]
