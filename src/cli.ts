#!/usr/bin/env node
/** The `mockta` command: flags and environment → configuration → a listening server. */
import { parseCliOptions, usage } from './config/cli-options.js'
import { ConfigError, loadConfigFile } from './config/load.js'
import { closeOnSignals, startServer } from './server.js'

async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2), process.env)
  if ('help' in options) {
    process.stdout.write(usage)
    return
  }
  const defaultBaseUrl = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`
  const config = loadConfigFile(options.configPath, { baseUrl: options.baseUrl, defaultBaseUrl })
  const app = await startServer(config, { host: options.host, port: options.port })
  closeOnSignals(app)
}

main().catch((err: unknown) => {
  // Start-up fails fast and whole: a clear message and a non-zero exit, never a half-started server.
  const code = (err as { code?: string }).code
  const message =
    err instanceof ConfigError ? err.message
    : code === 'EADDRINUSE' ? `mockta cannot start: the address is already in use (${(err as Error).message})`
    : `mockta cannot start: ${(err as Error).message}`
  process.stderr.write(`${message}\n`)
  process.exit(1)
})
