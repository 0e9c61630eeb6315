/** The `mockta` command and the control plane: its flags, the start-up access rule, the admin token. */
import t from 'tap'
import { join } from 'node:path'
import { parseCliOptions, usage } from '../../src/config/cli-options.js'
import { ConfigError } from '../../src/config/load.js'
import { builtPackage, productionEnv } from '../helpers/cli-build.js'
import { isListening, freePort, run } from '../helpers/child-process.js'

let root = ''
t.before(async () => {
  root = await builtPackage()
})

const mockta = (t: { teardown(fn: () => unknown): void }, args: string[], env: Record<string, string> = {}) =>
  run(t, process.execPath, [join(root, 'dist/cli.js'), ...args], { cwd: root, env: productionEnv(env) })

t.test('--help documents the control flags, their variables and config members', async (t) => {
  for (const flag of ['--admin-token T', '--trust-network', '--allowed-hosts H', '--journal-size N']) t.match(usage, new RegExp(`^ {2}${flag} `, 'm'), flag)
  for (const text of [
    'Env: MOCKTA_ADMIN_TOKEN.',
    'Env: MOCKTA_TRUST_NETWORK',
    'Env: MOCKTA_ALLOWED_HOSTS.',
    'Env: MOCKTA_JOURNAL_SIZE.',
    'Config: control.trustNetwork.',
    'Config: control.allowedHosts.',
    'Config: control.journalSize.',
  ]) {
    t.match(usage, text)
  }
})

t.test('parsing --allowed-hosts: a comma-separated list; the flag wins over MOCKTA_ALLOWED_HOSTS', async (t) => {
  t.same(parseCliOptions(['--allowed-hosts', 'mockta, .corp.test,*'], { MOCKTA_ALLOWED_HOSTS: 'other' }), {
    port: 8080,
    host: '127.0.0.1',
    control: { allowedHosts: ['mockta', '.corp.test', '*'] },
  })
  t.same(parseCliOptions([], { MOCKTA_ALLOWED_HOSTS: 'mockta-a,mockta-b' }), { port: 8080, host: '127.0.0.1', control: { allowedHosts: ['mockta-a', 'mockta-b'] } })
  for (const bad of ['mockta:8080', 'http://mockta', ',', 'a/b']) {
    t.throws(() => parseCliOptions([`--allowed-hosts=${bad}`], {}), /--allowed-hosts: must list host names without port/, bad)
  }
})

t.test('parsing: flags win over variables; bad values are reported', async (t) => {
  t.same(parseCliOptions(['--trust-network', '--journal-size', '5'], { MOCKTA_ADMIN_TOKEN: 'tok' }), {
    port: 8080,
    host: '127.0.0.1',
    control: { trustNetwork: true, journalSize: 5, adminToken: 'tok' },
  })
  t.same(parseCliOptions(['--trust-network=false'], { MOCKTA_TRUST_NETWORK: 'true' }), { port: 8080, host: '127.0.0.1', control: { trustNetwork: false } })
  t.same(parseCliOptions([], { MOCKTA_TRUST_NETWORK: '1', MOCKTA_JOURNAL_SIZE: '20' }), { port: 8080, host: '127.0.0.1', control: { trustNetwork: true, journalSize: 20 } })
  t.throws(() => parseCliOptions(['--journal-size=0'], { MOCKTA_TRUST_NETWORK: 'maybe' }), ConfigError)
  try {
    parseCliOptions(['--journal-size=0'], { MOCKTA_TRUST_NETWORK: 'maybe' })
  } catch (err) {
    t.match((err as ConfigError).problems, ['MOCKTA_TRUST_NETWORK: must be true or false (got "maybe")', '--journal-size: must be an integer from 1 to 1000000 (got "0")'])
  }
})

t.test('parsing the state options (docs/replicas.md): a Redis URL or a state file, never both', async (t) => {
  t.match(parseCliOptions([], { MOCKTA_REDIS_URL: 'redis://redis:6379' }), { redisUrl: 'redis://redis:6379' })
  t.match(parseCliOptions(['--redis-url', 'rediss://r:6380/2'], { MOCKTA_REDIS_URL: 'redis://other:6379' }), { redisUrl: 'rediss://r:6380/2' }, 'the flag wins')
  t.match(parseCliOptions(['--state-file=/data/state.json'], {}), { stateFile: '/data/state.json' })
  const problems = (argv: string[], env: NodeJS.ProcessEnv): string[] => {
    try {
      parseCliOptions(argv, env)
      return []
    } catch (err) {
      return (err as ConfigError).problems
    }
  }
  t.same(problems([], { MOCKTA_REDIS_URL: 'http://redis:6379' }), ['MOCKTA_REDIS_URL: must be a redis:// or rediss:// URL'])
  t.same(problems(['--state-file', 's.json'], { MOCKTA_REDIS_URL: 'redis://r:6379' }), ['--state-file: a state file is for the memory store; with Redis the state is already kept'])
  for (const text of ['Env: MOCKTA_REDIS_URL.', 'Env: MOCKTA_STATE_FILE.']) t.match(usage, text)
})

t.test('on 0.0.0.0 without a token or --trust-network it refuses to start', async (t) => {
  const port = await freePort()
  const proc = mockta(t, ['--host', '0.0.0.0', '--port', String(port)])
  const exit = await proc.exit(10_000)
  t.equal(exit.code, 1)
  t.match(proc.stderr(), /mockta refuses to start:\n {2}- listening on 0\.0\.0\.0 exposes the control API/)
  t.equal(await isListening(port), false)
})

t.test('on 0.0.0.0 with MOCKTA_ADMIN_TOKEN the control API needs the token', async (t) => {
  const proc = mockta(t, ['--host', '0.0.0.0', '--port', '0'], { MOCKTA_ADMIN_TOKEN: 'admin-secret-1' })
  const [, port] = await proc.waitFor(/mockta listening on 0\.0\.0\.0:(\d+)/)
  const url = `http://127.0.0.1:${port}/__mockta/clock`
  t.equal((await fetch(url)).status, 401)
  t.equal((await fetch(url, { headers: { authorization: 'Bearer admin-secret-1' } })).status, 200)
  t.notMatch(proc.stdout() + proc.stderr(), 'admin-secret-1', 'the token is never logged')
})

t.test('with --trust-network it starts on 0.0.0.0 and the control API is open', async (t) => {
  const proc = mockta(t, ['--host', '0.0.0.0', '--port', '0', '--trust-network'])
  const [, port] = await proc.waitFor(/mockta listening on 0\.0\.0\.0:(\d+)/)
  t.equal((await fetch(`http://127.0.0.1:${port}/__mockta/clock`)).status, 200)
})
