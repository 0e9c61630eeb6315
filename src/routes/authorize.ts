/**
 * GET/POST /v1/authorize (RFC 6749 §4.1, OIDC Core §3.1.2): the authorization-code flow with PKCE.
 * A signed-in session, a client's automatic sign-in or the sign-in page leads to a code.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { nowSeconds } from '../clock.js'
import type { AppContext } from '../context.js'
import { mocktaError, OAuthError, oktaError } from '../errors/oauth-error.js'
import { sendErrorPage, sendHtml } from '../http/html.js'
import type { AuthorizationRequest } from '../store/authorization-request.js'
import { sendAuthorizationResponse } from '../http/authorization-response.js'
import { errorParams, proveClient, validateRequest, type ProvenClient } from '../oauth/authorize-params.js'
import type { Client } from '../registry/clients.js'
import type { User } from '../registry/users.js'
import { redeemSessionToken } from '../authn/primary-authentication.js'
import { completeAuthorization } from '../browser-sign-in/complete.js'
import { currentSession, startSession } from '../http/browser-sign-in/session.js'
import { signInPage } from '../http/browser-sign-in/sign-in-page.js'
import { beginTransaction, browserHashOf } from '../http/browser-sign-in/transaction.js'
import { sendWidgetPage, widgetPage } from '../http/browser-sign-in/widget-page.js'
import { openHostedInteraction } from '../idx/interaction.js'
import type { SignInPageKind } from '../config/types.js'
import type { SignInWidgetPackage } from '../sign-in-widget.js'
import { takePushedRequest } from '../grants/pushed-authorization.js'
import { readForm } from '../oauth/form.js'
import { endpoint, serverOf } from './paths.js'

export interface AuthorizeRoutesOptions {
  ctx: AppContext
  /** The installed Sign-In Widget, for the hosted page (docs/sign-in-widget.md § hosted). */
  widget?: SignInWidgetPackage | undefined
}

export const authorizeRoutes: FastifyPluginAsync<AuthorizeRoutesOptions> = async (app, { ctx, widget }) => {
  endpoint(app, ['GET', 'POST'], '/v1/authorize', {}, async (req, reply) => {
    const server = serverOf(req, ctx)
    const params = req.method === 'POST' ? req.body : req.query
    let proven: ProvenClient
    let pushed: Awaited<ReturnType<typeof takePushedRequest>> | undefined
    try {
      const { request_uri: uri, request: object, client_id: clientId } = readForm(params, ['request_uri', 'request', 'client_id'])
      if (uri !== undefined && object !== undefined) throw oktaError('authorize_request_object_and_request_uri_provided')
      // RFC 9126 §4: with a request_uri, the pushed request is the request; other parameters but client_id are ignored.
      if (uri !== undefined) pushed = await takePushedRequest(uri, clientId, server, ctx)
      proven = pushed ? provenPushed(pushed.request, pushed.client) : proveClient(params, ctx.clients)
    } catch (err) {
      // No trusted redirect URI yet: tell the person, never the (possibly forged) redirect target.
      if (err instanceof OAuthError) return sendErrorPage(reply, err.error, err.message)
      throw err
    }
    try {
      if (pushed) return await authorize(req, reply, pushed.request, pushed.client, ctx, undefined, widget)
      if (proven.client.parRequired) throw mocktaError('par_required')
      const request = validateRequest(proven, server)
      return await authorize(req, reply, request, proven.client, ctx, proven.form['sessionToken'], widget)
    } catch (err) {
      if (err instanceof OAuthError) return sendAuthorizationResponse(reply, proven.target, errorParams(err, proven.state))
      throw err
    }
  })
}

async function authorize(
  req: FastifyRequest,
  reply: FastifyReply,
  request: AuthorizationRequest,
  client: Client,
  ctx: AppContext,
  sessionToken: string | undefined,
  widget: SignInWidgetPackage | undefined,
): Promise<FastifyReply> {
  // An Authentication API session token signs the browser in, once (docs/authentication-api.md § 2).
  // An unknown, used or expired one is as if none was sent: prompt=none then answers login_required.
  const redeemed = sessionToken === undefined ? undefined : await redeemSessionToken(ctx, sessionToken)
  if (redeemed) {
    const session = await startSession(req, reply, redeemed.user, ctx, redeemed.authTime, redeemed.amr)
    return sendAuthorizationResponse(reply, request, await completeAuthorization(request, client, redeemed.user, session.authTime, ctx, session.amr))
  }
  const auto = autoSignInUser(client, request, ctx)
  if (auto) {
    const session = await startSession(req, reply, auto, ctx)
    return sendAuthorizationResponse(reply, request, await completeAuthorization(request, client, auto, session.authTime, ctx))
  }
  const signedIn = await currentSession(req, ctx)
  // OIDC Core §3.1.2.1: max_age asks for a sign-in no older than that many seconds; 0 always asks
  // for a fresh one (like prompt=login), even within the second of the last sign-in.
  const age = signedIn === undefined ? 0 : nowSeconds(ctx.clock) - signedIn.session.authTime
  const tooOld = signedIn !== undefined && request.maxAge !== null && (request.maxAge === 0 || age > request.maxAge)
  const mustSignIn = request.prompt.includes('login') || tooOld || !signedIn
  if (!mustSignIn)
    return sendAuthorizationResponse(reply, request, await completeAuthorization(request, client, signedIn.user, signedIn.session.authTime, ctx, signedIn.session.amr))
  if (request.prompt.includes('none')) throw oktaError(signedIn || sessionToken !== undefined ? 'login_required' : 'no_existing_session')

  // Okta's hosted page: the real widget walks a server-side interaction for this request (docs/sign-in-widget.md § hosted).
  if (widget && signInPageOf(client, ctx) === 'okta-widget') {
    const stateToken = await openHostedInteraction(ctx, request, browserHashOf(req, reply, ctx))
    return sendWidgetPage(reply, widgetPage({ appName: client.name, stateToken, baseUrl: ctx.config.baseUrl, widgetVersion: widget.version }))
  }
  const transactionId = await beginTransaction(req, reply, request, ctx)
  const username = request.loginHint ?? ''
  return sendHtml(reply, 200, signInPage({ appName: client.name, transactionId, username, failed: false, users: listedUsers(ctx) }))
}

/** The client's sign-in page, else the server-wide one. */
export const signInPageOf = (client: Client, ctx: AppContext): SignInPageKind => client.signInPage ?? ctx.config.signIn.page

/** Sign-in without a person: the client's `autoSignIn` user, or the configured user `login_hint` names. */
function autoSignInUser(client: Client, request: AuthorizationRequest, ctx: AppContext): User | undefined {
  if (client.autoSignIn === undefined) return undefined
  const hinted = request.loginHint === null ? undefined : ctx.users.byLoginName(request.loginHint)
  return hinted ?? ctx.users.byLoginName(client.autoSignIn)
}

/** A pushed request was validated when pushed: its redirect URI is proven. */
const provenPushed = (request: AuthorizationRequest, client: Client): ProvenClient => ({
  form: {},
  client,
  target: { redirectUri: request.redirectUri, responseMode: request.responseMode },
  state: request.state,
})

export const listedUsers = (ctx: AppContext): User[] => (ctx.config.signIn.listUsers ? ctx.users.all() : [])
