/** Listening and process lifecycle: the only place that touches sockets and signals. */
import type { FastifyInstance } from 'fastify'
import { buildMockta } from './app.js'
import type { Config } from './config/types.js'
import { packageVersion } from './package-root.js'
import { assertControlAccess } from './routes/control/routes.js'
import { startupSummary } from './startup-summary.js'
import { tlsMaterial } from './tls/certificate.js'

export interface ListenOptions {
  host: string
  port: number
  /** Also write the human start-up summary to stdout (the `mockta` command: when stdout is a terminal). */
  summary?: boolean
}

/** Seconds a shutdown may take before the process gives up waiting for in-flight requests. */
const SHUTDOWN_GRACE_SECONDS = 10

export async function startServer(config: Config, options: ListenOptions): Promise<FastifyInstance> {
  assertControlAccess(options.host, config.control)
  const tls = config.https.enabled ? await tlsMaterial(config.https, config.baseUrl) : undefined
  const { app, ctx } = await buildMockta(config, tls ? { tls } : {})
  await app.listen({ host: options.host, port: options.port })
  const issuers = [...(ctx.servers.org ? [ctx.servers.org] : []), ...config.authorizationServers.map((as) => ctx.servers.resolve(as.id))]
  // Clients trust a generated certificate through its CA file, e.g. NODE_EXTRA_CA_CERTS=<caFile>.
  const https = tls && { https: tls.caFile === undefined ? 'configured certificate' : `generated certificate; trust ${tls.caFile}` }
  app.log.info({ issuers: issuers.map((s) => s.issuer), keys: config.keySource, ...https }, `mockta listening on ${options.host}:${addressPort(app)}`)
  if (options.summary) {
    const named = issuers.map((s) => ({ id: s.id ?? 'org', issuer: s.issuer }))
    process.stdout.write(startupSummary(ctx.config, named, packageVersion()))
  }
  return app
}

/** SIGTERM/SIGINT: stop accepting (new requests get 503), let in-flight ones finish, exit 0. */
export function closeOnSignals(app: FastifyInstance): void {
  let closing = false
  const close = (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_SECONDS * 1000)
    force.unref()
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGTERM', () => close('SIGTERM'))
  process.once('SIGINT', () => close('SIGINT'))
}

function addressPort(app: FastifyInstance): number | undefined {
  const address = app.server.address()
  return typeof address === 'object' && address !== null ? address.port : undefined
}
