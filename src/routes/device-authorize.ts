/** POST /v1/device/authorize (RFC 8628 §3.1): client authentication, then a device code and a user code. */
import type { FastifyPluginAsync } from 'fastify'
import type { AppContext } from '../context.js'
import { startDeviceAuthorization } from '../grants/device-authorization.js'
import { clientAuthentication, clientAuthenticationOf } from '../http/client-auth.js'
import { endpoint } from './paths.js'

const AUTH_PARAMS = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type']

export const deviceAuthorizeRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const preHandler = clientAuthentication(app, ctx, [...AUTH_PARAMS, 'scope'], false)
  endpoint(app, ['POST'], '/v1/device/authorize', { config: { noStore: true }, preHandler }, async (req) => {
    const { server, form, auth } = clientAuthenticationOf(req)
    return startDeviceAuthorization(server, auth.client, form['scope'], ctx)
  })
}
