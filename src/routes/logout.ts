/**
 * GET/POST /v1/logout (OIDC RP-Initiated Logout 1.0, docs/okta-behaviour.md § 10): ends the browser's sign-in
 * session, then returns to a registered post-logout redirect URI with `state`.
 */
import type { FastifyPluginAsync } from 'fastify'
import type { AppContext } from '../context.js'
import { mocktaError, OAuthError, oktaError } from '../errors/oauth-error.js'
import { readForm } from '../oauth/form.js'
import { page, sendErrorPage, sendHtml } from '../http/html.js'
import { redirectUrl } from '../http/authorization-response.js'
import { loadJose } from '../oauth/jose-loader.js'
import { verifyJwt } from '../oauth/token-signer.js'
import type { AuthServer } from '../registry/auth-servers.js'
import { endSession } from '../http/browser-sign-in/session.js'
import { endpoint, serverOf } from './paths.js'

const PARAMS = ['id_token_hint', 'post_logout_redirect_uri', 'state']

export const logoutRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  endpoint(app, ['GET', 'POST'], '/v1/logout', {}, async (req, reply) => {
    const server = serverOf(req, ctx)
    let target: string | undefined
    try {
      const form = readForm(req.method === 'POST' ? req.body : req.query, PARAMS)
      const hint = form['id_token_hint']
      if (hint === undefined) throw mocktaError('id_token_hint_missing')
      const clientId = await hintedClient(hint, server, ctx)
      const client = clientId === undefined ? undefined : ctx.clients.get(clientId)
      if (!client) throw mocktaError('id_token_hint_invalid')
      const uri = form['post_logout_redirect_uri']
      if (uri !== undefined && !client.postLogoutRedirectUris.includes(uri)) throw oktaError('illegal_post_logout_redirect_uri')
      const state = form['state']
      if (uri !== undefined) target = redirectUrl({ redirectUri: uri, responseMode: 'query' }, state === undefined ? {} : { state })
    } catch (err) {
      if (err instanceof OAuthError) return sendErrorPage(reply, err.error, err.message)
      throw err
    }
    await endSession(req, reply, ctx)
    if (target !== undefined) return reply.code(302).header('cache-control', 'no-cache, no-store').redirect(target)
    return sendHtml(reply, 200, page('Signed out', '<h1>Signed out</h1>\n<p>You are signed out. You can close this window.</p>'))
  })
}

/**
 * The client (`aud`) of an ID token this server signed. An expired hint still signs out (docs/okta-behaviour.md
 * § 10), so the signature, issuer and audience are checked as of the token's own issue time.
 */
async function hintedClient(hint: string, server: AuthServer, ctx: AppContext): Promise<string | undefined> {
  const { decodeJwt } = await loadJose()
  let iat: unknown
  try {
    iat = decodeJwt(hint).iat
  } catch {
    return undefined
  }
  if (typeof iat !== 'number') return undefined
  const payload = await verifyJwt(hint, server, iat)
  if (!payload || typeof payload.jti !== 'string' || !payload.jti.startsWith('ID.') || typeof payload.aud !== 'string') return undefined
  return iat >= ctx.epochSeconds ? payload.aud : undefined
}
