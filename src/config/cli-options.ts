/** Command-line flags and environment variables of the `mockta` command. */
import { ConfigError, baseUrlProblem } from './load.js'

/** An entry of control.allowedHosts: the configuration schema's pattern. */
const isHostPattern = (h: string): boolean => /^(\*|\.?[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])$/.test(h)

export interface CliOptions {
  configPath?: string
  port: number
  host: string
  baseUrl?: string
  /** Overrides of the file's `control` member, and the admin token (never in the file). */
  control?: { adminToken?: string; trustNetwork?: boolean; journalSize?: number; allowedHosts?: string[] }
  /** --https / MOCKTA_HTTPS; undefined leaves it to the file. */
  https?: boolean
  /** --redis-url / MOCKTA_REDIS_URL: selects the Redis store. */
  redisUrl?: string
  /** --state-file / MOCKTA_STATE_FILE: the memory store's state file. */
  stateFile?: string
}

export const DEFAULT_PORT = 8080
export const DEFAULT_HOST = '127.0.0.1'

export const usage = `Usage: mockta [options]

A local stand-in for Okta's OAuth 2.0 / OpenID Connect authorization server.
Documentation: the docs/ folder of mockta's repository; sections below cite a page and a heading.

Options (docs/configuration.md "Command line and environment"; each flag wins over its environment variable):
  --config FILE     Configuration file (JSON, see schema/mockta.config.schema.json).
                    Env: MOCKTA_CONFIG. Default: the built-in fixtures/config.json.
  --port N          Port to listen on, 0..65535 (0 = any free port).
                    Env: PORT. Default: ${DEFAULT_PORT}.
  --host H          Interface to listen on.
                    Env: HOST. Default: ${DEFAULT_HOST}.
  --base-url URL    Public origin used in issuers and endpoint URLs, e.g. https://mockta.test.
                    Env: MOCKTA_BASE_URL. Default: the configuration file's baseUrl,
                    else http://HOST:PORT (https:// with --https).
  --https           Serve HTTPS with the file's https.certFile/keyFile, or with a certificate
                    generated at start-up whose CA is written to https.caFile (default
                    the temp dir's mockta-ca.pem; trust it with NODE_EXTRA_CA_CERTS).
                    Env: MOCKTA_HTTPS=true. Default: the file's https.enabled, else off.

Test control plane (docs/configuration.md "Control plane settings"; API under /__mockta/, OpenAPI at /__mockta/openapi.json):
  --admin-token T   Bearer token the control API requires. Needed to start on a non-loopback
                    address unless --trust-network is given.
                    Env: MOCKTA_ADMIN_TOKEN. Default: none (control API open on loopback only).
  --trust-network   Serve the control API without a token on any address (a private network).
                    Config: control.trustNetwork. Env: MOCKTA_TRUST_NETWORK (true/false). Default: false.
  --allowed-hosts H Comma-separated host names the control API answers besides loopback and the
                    base URL's host (other Host headers get 403: DNS rebinding); ".example.test"
                    allows a domain and its subdomains, "*" any host.
                    Config: control.allowedHosts. Env: MOCKTA_ALLOWED_HOSTS. Default: none.
  --journal-size N  Journal entries kept, 1..1000000 (the oldest go first).
                    Config: control.journalSize. Env: MOCKTA_JOURNAL_SIZE. Default: 1000.
State (docs/configuration.md "Store and state file"):
  --redis-url URL   Keep all state in Redis (redis://host:port), shared by every replica.
                    Config: store.type "redis" and store.url. Env: MOCKTA_REDIS_URL. Default: memory.
  --state-file PATH Save the in-memory state to PATH every few seconds and at shutdown, and
                    restore it at start-up. Config: store.stateFile. Env: MOCKTA_STATE_FILE.
  -h, --help        Show this help and exit.
  -v, --version     Print mockta's version and exit.

Flags also accept the --flag=VALUE form.
`

type Key = 'config' | 'port' | 'host' | 'base-url' | 'https' | 'admin-token' | 'trust-network' | 'allowed-hosts' | 'journal-size' | 'redis-url' | 'state-file'
const ENV: Record<Key, string> = {
  config: 'MOCKTA_CONFIG',
  port: 'PORT',
  host: 'HOST',
  'base-url': 'MOCKTA_BASE_URL',
  https: 'MOCKTA_HTTPS',
  'admin-token': 'MOCKTA_ADMIN_TOKEN',
  'trust-network': 'MOCKTA_TRUST_NETWORK',
  'allowed-hosts': 'MOCKTA_ALLOWED_HOSTS',
  'journal-size': 'MOCKTA_JOURNAL_SIZE',
  'redis-url': 'MOCKTA_REDIS_URL',
  'state-file': 'MOCKTA_STATE_FILE',
}
/** Flags that may stand alone, meaning "true": `--https` is `--https=true`. */
const SWITCHES: ReadonlySet<Key> = new Set(['https', 'trust-network'])
const isKey = (name: string): name is Key => Object.hasOwn(ENV, name)

/** `argv` without the node and script paths (process.argv.slice(2)). Throws ConfigError listing every bad flag or variable. */
export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions | { help: true } | { version: true } {
  if (argv.some((arg) => arg === '--help' || arg === '-h')) return { help: true }
  if (argv.some((arg) => arg === '--version' || arg === '-v')) return { version: true }
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
    if (value === undefined && SWITCHES.has(name)) value = 'true'
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
  const flag = (key: Key): boolean | undefined => {
    const picked = pick(key)
    if (!picked) return undefined
    const [source, raw] = picked
    if (/^(true|1|yes)$/i.test(raw)) return true
    if (/^(false|0|no)$/i.test(raw)) return false
    problems.push(`${source}: must be true or false (got ${JSON.stringify(raw)})`)
    return undefined
  }
  const control: NonNullable<CliOptions['control']> = {}
  const trustNetwork = flag('trust-network')
  if (trustNetwork !== undefined) control.trustNetwork = trustNetwork
  const journalSize = pick('journal-size')
  if (journalSize) {
    const [source, raw] = journalSize
    if (/^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 1_000_000) control.journalSize = Number(raw)
    else problems.push(`${source}: must be an integer from 1 to 1000000 (got ${JSON.stringify(raw)})`)
  }
  const allowedHosts = pick('allowed-hosts')
  if (allowedHosts) {
    const [source, raw] = allowedHosts
    const hosts = raw
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '')
    const bad = hosts.filter((h) => !isHostPattern(h))
    if (bad.length > 0 || hosts.length === 0) problems.push(`${source}: must list host names without port, ".domain" or "*", comma-separated (got ${JSON.stringify(raw)})`)
    else control.allowedHosts = hosts
  }
  const adminToken = pick('admin-token')
  if (adminToken) control.adminToken = adminToken[1]
  const https = flag('https')
  const redisUrl = pick('redis-url')
  if (redisUrl && !/^rediss?:\/\/./.test(redisUrl[1])) problems.push(`${redisUrl[0]}: must be a redis:// or rediss:// URL`)
  const stateFile = pick('state-file')
  if (redisUrl && stateFile) problems.push(`${stateFile[0]}: a state file is for the memory store; with Redis the state is already kept`)
  if (problems.length > 0) throw new ConfigError(problems, 'Invalid command line or environment')

  const options: CliOptions = { port, host: pick('host')?.[1] ?? DEFAULT_HOST }
  if (Object.keys(control).length > 0) options.control = control
  const configPath = pick('config')?.[1]
  if (configPath !== undefined) options.configPath = configPath
  if (baseUrl) options.baseUrl = baseUrl[1]
  if (https !== undefined) options.https = https
  if (redisUrl) options.redisUrl = redisUrl[1]
  if (stateFile) options.stateFile = stateFile[1]
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
