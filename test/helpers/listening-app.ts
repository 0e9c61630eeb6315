/** An in-process mockta on a real 127.0.0.1 socket, its base URL being the listening origin. */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { buildMockta } from '../../src/app.js'
import type { Clock } from '../../src/clock.js'
import { loadConfigFile } from '../../src/config/load.js'
import type { Config } from '../../src/config/types.js'
import type { AppContext } from '../../src/context.js'
import { ALICE, basic, memoryLogger } from './app.js'
import { failOnLeaks, leakWatch } from './canary.js'
import { freePort } from './child-process.js'

export interface LiveMockta {
  base: string
  app: FastifyInstance
  ctx: AppContext
}

export { ALICE, WEB } from './app.js'

export async function startMockta(
  t: { teardown(fn: () => unknown): void },
  options: {
    clock?: Clock
    change?: (c: Config) => void
    logger?: FastifyBaseLogger
    beforeListen?: (app: FastifyInstance) => void
    /** Production-like: no trace logs and no canary scan (load figures measure mockta, not the harness). */
    quiet?: boolean
  } = {},
): Promise<LiveMockta> {
  // The issuer must name the port, so the port is chosen before building; if another process takes
  // it in between, try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const config = loadConfigFile(undefined, { defaultBaseUrl: `http://127.0.0.1:${port}` })
    config.logLevel = 'silent'
    options.change?.(config)
    // Without a logger of the test's own, the app logs at trace into memory and is a leak canary run
    // like every buildTestApp app (the browser and SDK sign-ins are scanned too).
    const memory = options.logger || options.quiet ? undefined : memoryLogger()
    const logger = options.logger ?? memory?.logger
    const { app, ctx } = await buildMockta(config, { ...(options.clock && { clock: options.clock }), ...(logger && { logger }) })
    const canaries = memory && leakWatch(app, config)
    options.beforeListen?.(app)
    try {
      await app.listen({ host: '127.0.0.1', port })
    } catch (err) {
      await app.close()
      if ((err as { code?: string }).code === 'EADDRINUSE' && attempt < 5) continue
      throw err
    }
    if (memory && canaries) failOnLeaks(t, app, canaries, memory.logs)
    else t.teardown(() => app.close())
    return { base: config.baseUrl, app, ctx }
  }
}

/** A password grant by plain HTTP, as the native (public) client unless a secret is given. */
export async function passwordGrant(
  base: string,
  options: { server?: string; clientId?: string; secret?: string; scope?: string } = {},
): Promise<{ access_token: string; id_token: string; refresh_token: string; scope: string }> {
  const prefix = options.server === '' ? '/oauth2/v1' : `/oauth2/${options.server ?? 'default'}/v1`
  const clientId = options.clientId ?? 'native-app'
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  const params: Record<string, string> = {
    grant_type: 'password',
    username: ALICE.username,
    password: ALICE.password,
    scope: options.scope ?? 'openid profile email offline_access',
  }
  if (options.secret === undefined) params['client_id'] = clientId
  else headers['authorization'] = basic(clientId, options.secret)
  const res = await fetch(`${base}${prefix}/token`, { method: 'POST', headers, body: new URLSearchParams(params) })
  if (res.status !== 200) throw new Error(`password grant failed: ${res.status} ${await res.text()}`)
  return (await res.json()) as { access_token: string; id_token: string; refresh_token: string; scope: string }
}
