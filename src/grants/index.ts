/** The grant registry: the token route looks grants up here and never names one. */
import { authorizationCodeGrant } from './authorization-code.js'
import { clientCredentialsGrant } from './client-credentials.js'
import { interactionCodeGrant } from './interaction-code.js'
import { deviceCodeGrant } from './device-code.js'
import { passwordGrant } from './password.js'
import { refreshTokenGrant } from './refresh-token.js'
import { tokenExchangeGrant } from './token-exchange.js'
import type { GrantHandler } from './types.js'

export const grants: ReadonlyMap<string, GrantHandler> = new Map(
  [authorizationCodeGrant, refreshTokenGrant, passwordGrant, clientCredentialsGrant, deviceCodeGrant, tokenExchangeGrant, interactionCodeGrant].map((g) => [g.grantType, g]),
)

export const supportedGrantTypes = [...grants.keys()]
