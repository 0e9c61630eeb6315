#!/usr/bin/env node
/** The `mockta` command: flags and environment → configuration → a listening server. */
import { defaultBaseUrl, parseCliOptions, usage } from './config/cli-options.js'
import { ConfigError, loadConfigFile } from './config/load.js'
import { anyFreePort } from './free-port.js'
import { packageVersion } from './package-root.js'
import { closeOnSignals, startServer } from './server.js'

async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2), process.env)
  if ('help' in options) {
    process.stdout.write(usage)
    return
  }
  if ('version' in options) {
    process.stdout.write(`${packageVersion()}\n`)
    return
  }
  // Port 0 ("any free port") would put :0 in the default issuers: take the port before building them.
  const port = options.port === 0 ? await anyFreePort(options.host) : options.port
  const config = loadConfigFile(options.configPath, { baseUrl: options.baseUrl, defaultBaseUrl: defaultBaseUrl(options.host, port), https: options.https })
  Object.assign(config.control, options.control ?? {})
  if (options.redisUrl !== undefined) Object.assign(config.store, { type: 'redis', url: options.redisUrl })
  if (options.stateFile !== undefined) config.store.stateFile = options.stateFile
  // The JSON log is for machines; a person at a terminal also gets a summary (never with secrets).
  const app = await startServer(config, { host: options.host, port, summary: process.stdout.isTTY === true })
  closeOnSignals(app)
}

main().catch((err: unknown) => {
  // Start-up fails fast and whole: a clear message and a non-zero exit, never a half-started server.
  const code = (err as { code?: string }).code
  const message =
    err instanceof ConfigError
      ? err.message
      : code === 'EADDRINUSE'
        ? `mockta cannot start: the address is already in use (${(err as Error).message})`
        : `mockta cannot start: ${(err as Error).message}`
  process.stderr.write(`${message}\n`)
  process.exit(1)
})
