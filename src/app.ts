/** `buildApp(config)`: the whole server as an un-listened Fastify instance, for tests and the CLI alike. */
import type { Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Socket } from 'node:net'
import formbody from '@fastify/formbody'
import type { Redis } from 'ioredis'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerFactory } from 'fastify'
import { SystemClock, type Clock } from './clock.js'
import { ConfigError } from './config/load.js'
import type { Config } from './config/types.js'
import { adoptStoreIdentity, AppContext } from './context.js'
import { ControlPlane, type ControlPlaneOptions } from './control/control-plane.js'
import { registerControlHooks } from './http/control/request-hooks.js'
import { registerReplicaSync } from './http/control/replica-sync.js'
import { registerControlApi } from './routes/control/routes.js'
import { mocktaError } from './errors/oauth-error.js'
import { mocktaErrors } from './errors/okta-errors.js'
import { errorHandler, sendOAuthError } from './http/error-handler.js'
import { registerCors } from './http/cors.js'
import { registerHooks } from './http/hooks.js'
import { lazySchemaCompilers } from './http/schema-compilers.js'
import { refuseWhileClosing } from './http/shutdown.js'
import { applyServerTimeouts, registerBodyTimeout } from './http/slow-clients.js'
import { randomIds, type Ids } from './ids.js'
import { KeySet } from './keys/key-set.js'
import { AuthServers } from './registry/auth-servers.js'
import { Clients } from './registry/clients.js'
import { Users } from './registry/users.js'
import { authnRoutes, sessionCookieRedirectRoutes } from './routes/authn.js'
import { authorizeRoutes } from './routes/authorize.js'
import { discoveryRoutes } from './routes/discovery.js'
import { healthRoutes } from './routes/health.js'
import { idxRoutes } from './routes/idx.js'
import { emailVerifyRoutes } from './routes/email-verify.js'
import { introspectRoutes } from './routes/introspect.js'
import { keysRoutes } from './routes/keys.js'
import { logoutRoutes } from './routes/logout.js'
import { revokeRoutes } from './routes/revoke.js'
import { browserSignInRoutes } from './routes/browser-sign-in.js'
import { hostedSignInRoutes } from './routes/hosted-sign-in.js'
import { findSignInWidget, SIGN_IN_WIDGET_MISSING, type SignInWidgetPackage } from './sign-in-widget.js'
import { tokenRoutes } from './routes/token.js'
import { deviceAuthorizeRoutes } from './routes/device-authorize.js'
import { parRoutes } from './routes/par.js'
import { activateRoutes } from './routes/activate.js'
import { userinfoRoutes } from './routes/userinfo.js'
import { redisControl } from './control/redis/index.js'
import { closeStore, openStore, type CreatedStore } from './store/create-store.js'
import { memoryHealth } from './store/store-health.js'
import { logOutages, redisHealth } from './store/redis/connection.js'
import type { Store } from './store/store.js'
import { memoryStoreSection } from './store/memory-snapshot.js'
import { StateFile } from './store/state-file.js'

export interface AppDeps {
  clock: Clock
  ids: Ids
  store: Store
  /** A pino-compatible logger to use instead of Fastify's own (tests capture logs with it). */
  logger: FastifyBaseLogger
  /** Where the control plane keeps fault rules and the journal, and how it rolls dice. */
  control: ControlPlaneOptions
  /** PEM key and certificate: serve HTTPS instead of HTTP (see tls/certificate.ts). */
  tls: { key: string; cert: string }
  /** A Redis connection to use (and leave open) instead of opening one from `store.url`: the Redis store and the control plane's shared state go through it. */
  redis: Redis
  /** The Sign-In Widget package to serve instead of the installed one; null: as if none were installed (tests). */
  signInWidget: SignInWidgetPackage | null
}

export interface MocktaApp {
  app: FastifyInstance
  ctx: AppContext
  /** The test control plane, also served under /__mockta/. */
  control: ControlPlane
}

export async function buildApp(config: Config, deps: Partial<AppDeps> = {}): Promise<FastifyInstance> {
  return (await buildMockta(config, deps)).app
}

export async function buildMockta(config: Config, deps: Partial<AppDeps> = {}): Promise<MocktaApp> {
  const clock = deps.clock ?? new SystemClock()
  const widget = signInWidgetFor(config, deps)
  const opened = deps.store ? { store: deps.store } : await openStore(config, clock, deps.redis)
  try {
    return await assemble(config, deps, clock, opened, widget)
  } catch (err) {
    // A state file, Redis or configuration that stops start-up leaves no connection open.
    await closeStore(opened)
    throw err
  }
}

/**
 * The installed Sign-In Widget, required when the configuration asks for the hosted widget page
 * (docs/sign-in-widget.md § hosted): start-up fails and says what to install.
 */
function signInWidgetFor(config: Config, deps: Partial<AppDeps>): SignInWidgetPackage | undefined {
  const widget = deps.signInWidget === undefined ? findSignInWidget() : (deps.signInWidget ?? undefined)
  const wanted = config.signIn.page === 'okta-widget' || config.clients.some((c) => c.signInPage === 'okta-widget')
  if (wanted && !widget) throw new ConfigError([SIGN_IN_WIDGET_MISSING], 'mockta cannot start')
  return widget
}

async function assemble(config: Config, deps: Partial<AppDeps>, clock: Clock, opened: CreatedStore, widget: SignInWidgetPackage | undefined): Promise<MocktaApp> {
  const keys = new KeySet(config.keys)
  // The control plane shares its state through the store's Redis connection (or one given for it).
  const redis = deps.redis ?? opened.redis
  const ctx = new AppContext(clock, deps.ids ?? randomIds, opened.store, {
    config,
    servers: new AuthServers(config, keys),
    clients: new Clients(config.clients),
    users: new Users(config.users),
    keys,
    // A placeholder until the store's identity is adopted below.
    identity: { epochSeconds: 0, tokenSecret: Buffer.alloc(0) },
  })
  // --state-file: the store comes back as saved, its identity included, before that identity is adopted.
  const stateFile = config.store.stateFile === undefined ? undefined : await StateFile.open(config.store.stateFile)
  stateFile?.attach(memoryStoreSection(ctx.store))
  await adoptStoreIdentity(ctx)

  const tls = deps.tls
  // HTTPS mode: an https.Server is an http.Server to Fastify (node:https declares it so).
  const serverFactory: FastifyServerFactory<Server> | undefined = tls && ((handler) => createHttpsServer({ key: tls.key, cert: tls.cert }, handler))
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: { level: config.logLevel } }),
    // One line per request is written by our own hook, without query strings (docs/reliability.md § SP-2).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.limits.bodyLimitBytes,
    // Requests arriving while closing get an OAuth-shaped 503 from http/shutdown.ts instead.
    return503OnClosing: false,
    clientErrorHandler: rejectMalformedRequest,
    schemaController: { compilersFactory: lazySchemaCompilers },
    ...(serverFactory && { serverFactory }),
  })
  applyServerTimeouts(app.server, config.limits)

  // Form bodies only (RFC 6749 §3.2); without JSON or text parsers no other shape reaches a handler.
  app.removeAllContentTypeParsers()
  await app.register(formbody, { bodyLimit: config.limits.bodyLimitBytes })
  app.setErrorHandler(errorHandler(ctx.ids))
  app.setNotFoundHandler((_req, reply) => sendOAuthError(reply, mocktaError('not_found')))
  registerHooks(app)
  registerBodyTimeout(app, config.limits.bodyTimeoutSeconds)
  const control = new ControlPlane(ctx, config, { ...(redis && redisControl(redis, config.store.keyPrefix, config.control.journalSize)), ...deps.control })
  // A replica joining others starts from their clock, data and keys; a single node from its state file.
  stateFile?.attach(control.stateSection())
  await control.sync()
  // Every request on a replica catches up first, whatever its route.
  registerReplicaSync(app, control)
  await registerControlApi(app, control, config.control, config.baseUrl, config.limits.bodyLimitBytes)
  registerCors(app, ctx)
  refuseWhileClosing(app)

  // The OAuth endpoints, in one scope: the journal and the faults are attached to their routes only.
  await app.register(async (oauth) => {
    registerControlHooks(oauth, ctx, control)
    await oauth.register(discoveryRoutes, { ctx })
    await oauth.register(keysRoutes, { ctx })
    await oauth.register(tokenRoutes, { ctx })
    await oauth.register(introspectRoutes, { ctx })
    await oauth.register(revokeRoutes, { ctx })
    await oauth.register(authorizeRoutes, { ctx, widget })
    await oauth.register(userinfoRoutes, { ctx })
    await oauth.register(logoutRoutes, { ctx })
    await oauth.register(deviceAuthorizeRoutes, { ctx })
    await oauth.register(parRoutes, { ctx })
    await oauth.register(idxRoutes, { ctx, directory: control.directory })
    await oauth.register(authnRoutes, { ctx, directory: control.directory })
  })
  await app.register(browserSignInRoutes, { ctx })
  await app.register(hostedSignInRoutes, { ctx, widget })
  await app.register(activateRoutes, { ctx })
  await app.register(emailVerifyRoutes, { ctx })
  await app.register(sessionCookieRedirectRoutes, { ctx })
  await app.register(healthRoutes, { storeHealth: redis ? () => redisHealth(redis, config.store.commandTimeoutMs) : memoryHealth })
  const outages = redis && logOutages(redis, app.log)

  // Expired records are swept so a demo running for weeks keeps bounded memory.
  // A store that cannot answer now (Redis down) is swept next time.
  const sweeper = setInterval(() => void ctx.store.sweep(ctx.clock.nowMs()).catch(() => {}), config.store.sweepIntervalSeconds * 1000)
  sweeper.unref()
  app.addHook('onClose', async () => {
    clearInterval(sweeper)
    outages?.stop()
    await closeStore(opened)
  })
  await stateFile?.startSaving(app, config.store.stateFileIntervalSeconds)
  return { app, ctx, control }
}

/** How long a refused connection may take to read its answer before it is closed outright. */
const LINGER_MS = 500

/**
 * Node's HTTP parser rejects malformed framing, and headers that did not arrive in time, before
 * Fastify sees them; answer in the OAuth shape and close. The server keeps sockets half-open, so
 * ending ours alone would leave a client that keeps sending connected: the socket is destroyed too.
 */
function rejectMalformedRequest(err: Error & { code?: string }, socket: Socket): void {
  // An answer already under way on this socket (Node's own `_httpMessage`) cannot be followed by another.
  const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true
  if (!socket.writable || answering) {
    socket.destroy()
    return
  }
  const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
  const [status, reason] = err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : timeout ? [408, 'Request Timeout'] : [400, 'Bad Request']
  const description = timeout ? mocktaErrors.request_timeout.description : 'The request could not be parsed.'
  const body = JSON.stringify({ error: 'invalid_request', error_description: description })
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  setTimeout(() => socket.destroy(), LINGER_MS).unref()
}
