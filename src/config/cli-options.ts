/** Command-line flags and environment variables of the `mockta` command. */
import { ConfigError, baseUrlProblem } from './load.js'

export interface CliOptions {
  configPath?: string
  port: number
  host: string
  baseUrl?: string
}

export const DEFAULT_PORT = 8080
export const DEFAULT_HOST = '127.0.0.1'

export const usage = `Usage: mockta [options]

A local stand-in for Okta's OAuth 2.0 / OpenID Connect authorization server.

Options (each flag wins over its environment variable):
  --config FILE     Configuration file (JSON, see schema/mockta.config.schema.json).
                    Env: MOCKTA_CONFIG. Default: the built-in fixtures/config.json.
  --port N          Port to listen on, 0..65535 (0 = any free port).
                    Env: PORT. Default: ${DEFAULT_PORT}.
  --host H          Interface to listen on.
                    Env: HOST. Default: ${DEFAULT_HOST}.
  --base-url URL    Public origin used in issuers and endpoint URLs, e.g. https://mockta.test.
                    Env: MOCKTA_BASE_URL. Default: the configuration file's baseUrl,
                    else http://HOST:PORT.
  -h, --help        Show this help and exit.

Flags also accept the --flag=VALUE form.
`

type Key = 'config' | 'port' | 'host' | 'base-url'
const ENV: Record<Key, string> = { config: 'MOCKTA_CONFIG', port: 'PORT', host: 'HOST', 'base-url': 'MOCKTA_BASE_URL' }
const isKey = (name: string): name is Key => Object.hasOwn(ENV, name)

/** `argv` without the node and script paths (process.argv.slice(2)). Throws ConfigError listing every bad flag or variable. */
export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions | { help: true } {
  if (argv.some((arg) => arg === '--help' || arg === '-h')) return { help: true }
  const problems: string[] = []
  const flags: Partial<Record<Key, string>> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    // `--name` or `--name=value`; no nested quantifier, so the pattern stays linear (safe-regex2).
    const match = /^--([^=]+)/.exec(arg)
    if (!match) {
      problems.push(`${arg}: unexpected argument (see --help)`)
      continue
    }
    const name = match[1] as string
    if (!isKey(name)) {
      problems.push(`--${name}: unknown option (see --help)`)
      continue
    }
    let value = arg.length > match[0].length ? arg.slice(match[0].length + 1) : undefined
    if (value === undefined) {
      const next = argv[i + 1]
      if (next !== undefined && !next.startsWith('--')) {
        value = next
        i++
      }
    }
    if (value === undefined || value === '') problems.push(`--${name}: needs a value`)
    else flags[name] = value
  }

  // An empty environment variable counts as unset, as in most CLIs.
  const pick = (key: Key): [source: string, value: string] | undefined => {
    const flag = flags[key]
    if (flag !== undefined) return [`--${key}`, flag]
    const fromEnv = env[ENV[key]]
    return fromEnv ? [ENV[key], fromEnv] : undefined
  }

  let port = DEFAULT_PORT
  const portValue = pick('port')
  if (portValue) {
    const [source, raw] = portValue
    if (/^\d+$/.test(raw) && Number(raw) <= 65535) port = Number(raw)
    else problems.push(`${source}: must be an integer from 0 to 65535 (got ${JSON.stringify(raw)})`)
  }
  const baseUrl = pick('base-url')
  if (baseUrl) {
    const problem = baseUrlProblem(baseUrl[1].replace(/\/$/, ''))
    if (problem !== undefined) problems.push(`${baseUrl[0]}: ${problem}`)
  }
  if (problems.length > 0) throw new ConfigError(problems, 'Invalid command line or environment')

  const options: CliOptions = { port, host: pick('host')?.[1] ?? DEFAULT_HOST }
  const configPath = pick('config')?.[1]
  if (configPath !== undefined) options.configPath = configPath
  if (baseUrl) options.baseUrl = baseUrl[1]
  return options
}

/**
 * The origin of the default issuers when neither --base-url nor the file names one. A wildcard address
 * (a container listening on every interface) is no address a client can use, so it becomes
 * `localhost`; behind docker networks set MOCKTA_BASE_URL to the origin browser and containers share.
 */
export function defaultBaseUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' || host === '[::]' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  return `http://${name}:${port}`
}
