import { generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { defaultBaseUrl, parseCliOptions, usage } from '../../src/config/cli-options.js'
import { ConfigError, defaultConfigPath, defaultKeyFile, deriveUserId, loadConfigFile, resolveConfig, type ResolveOptions, schemaPath } from '../../src/config/load.js'

const testKeys = JSON.parse(readFileSync(defaultKeyFile, 'utf8')) as { keys: Array<Record<string, unknown>> }
const kids = testKeys.keys.map((k) => k.kid as string)
const opts = { baseDir: '/nowhere', defaultBaseUrl: 'http://127.0.0.1:8080' }

/** The problems of a config that must fail. */
function problemsOf(fn: () => unknown): string[] {
  try {
    fn()
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  throw new Error('expected a ConfigError')
}
const problems = (raw: unknown, options: ResolveOptions = opts): string[] => problemsOf(() => resolveConfig(raw, options))

t.test('the embedded default configuration', async (t) => {
  const config = loadConfigFile(undefined, { defaultBaseUrl: 'http://127.0.0.1:8080/' })
  t.equal(config.baseUrl, 'http://127.0.0.1:8080')
  t.equal(config.keySource, defaultKeyFile)
  t.same(
    config.keys.map((k) => k.kid),
    kids,
  )
  t.equal(config.logLevel, 'info')
  t.match(config.org, { enabled: true, signingKeys: [kids[1]], accessTokenSigningKey: kids[2] })
  t.same(config.org.refreshToken, { lifetimeSeconds: 7776000, idleSeconds: 0 })

  t.equal(config.authorizationServers.length, 1)
  const as = config.authorizationServers[0]!
  t.match(as, { id: 'default', audience: 'api://default', signingKeys: [kids[0]], accessTokenLifetimeSeconds: 3600 })
  t.same(as.scopes, ['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'groups', 'api:read', 'api:write'])
  t.same(as.refreshToken, { lifetimeSeconds: 0, idleSeconds: 604800 })
  t.same(as.claims, [
    { name: 'groups', userAttribute: 'groups', tokens: ['access_token'], scopes: [] },
    { name: 'groups', userAttribute: 'groups', tokens: ['id_token'], scopes: ['groups'] },
  ])

  const clients = Object.fromEntries(config.clients.map((c) => [c.id, c]))
  t.same(Object.keys(clients), ['web-app', 'spa-app', 'native-app', 'service-app'])
  t.match(clients['web-app'], {
    type: 'web',
    secret: 'web-app-secret',
    authMethods: ['client_secret_basic', 'client_secret_post'],
    grantTypes: ['authorization_code', 'refresh_token', 'password'],
    redirectUris: ['http://localhost:3000/authorization-code/callback', 'http://localhost:3000/callback'],
    postLogoutRedirectUris: ['http://localhost:3000/'],
    pkceRequired: false,
  })
  t.match(clients['spa-app'], { type: 'browser', authMethods: ['none'], pkceRequired: true })
  t.equal(clients['spa-app']!.secret, undefined)
  t.same(clients['spa-app']!.redirectUris, ['http://localhost:3000/login/callback', 'http://localhost:5173/login/callback'])
  t.match(clients['native-app'], { type: 'native', authMethods: ['none'], pkceRequired: true, redirectUris: ['com.example.app:/callback'] })
  t.match(clients['service-app'], { type: 'service', secret: 'service-app-secret', grantTypes: ['client_credentials'], scopes: ['api:read', 'api:write'] })
  for (const id of ['web-app', 'spa-app', 'native-app']) t.same(clients[id]!.refreshToken, { rotation: 'rotate', graceSeconds: 30 }, id)

  t.same(
    config.users.map((u) => [u.id, u.login, u.password, u.groups]),
    [
      ['00ualice000000000001', 'alice@example.com', 'alice-password', ['Everyone', 'Admins']],
      ['00ubob00000000000002', 'bob@example.com', 'bob-password', ['Everyone', 'Engineering']],
      ['00uerin0000000000003', 'erin@example.com', 'erin-password', ['Everyone']],
    ],
  )
  t.strictSame(
    config.users.map((u) => u.emailFactor),
    [undefined, undefined, 'required'],
    'erin is asked for an email code after the password (docs/identity-engine.md § Email code)',
  )
  t.match(config.identityEngine, { emailFactor: 'none', emailCodeLifetimeSeconds: 300, passwordRecovery: true })
  t.match(config.users[0]!.profile, { given_name: 'Alice', email_verified: true, preferred_username: 'alice@example.com' })
  t.same(config.store, { type: 'memory', keyPrefix: 'mockta:', commandTimeoutMs: 2000, stateFileIntervalSeconds: 5, maxFamilies: 1000000, sweepIntervalSeconds: 60 })
  t.same(config.limits, { bodyLimitBytes: 65536, requestTimeoutSeconds: 10, headersTimeoutSeconds: 10, bodyTimeoutSeconds: 10, keepAliveTimeoutSeconds: 5 })
  t.equal(JSON.parse(readFileSync(defaultConfigPath, 'utf8')).$schema, '../schema/mockta.config.schema.json')
})

t.test('defaults of a minimal file', async (t) => {
  const config = resolveConfig(
    {
      authorizationServers: [{ id: 'api', claims: [{ name: 'dept', value: null }] }],
      clients: [
        { id: 'w', type: 'web', secret: 's' },
        { id: 'n', type: 'native' },
        { id: 's', type: 'service', secret: 's' },
      ],
      users: [{ login: 'Carol@Example.com', password: 'p' }],
    },
    opts,
  )
  t.match(config.authorizationServers[0], { name: 'api', audience: 'api://api', idTokenLifetimeSeconds: 3600 })
  t.same(config.authorizationServers[0]!.claims, [{ name: 'dept', value: null, tokens: ['access_token'], scopes: [] }])
  t.same(
    config.clients.map((c) => [c.name, c.authMethods, c.grantTypes, c.pkceRequired]),
    [
      ['w', ['client_secret_basic', 'client_secret_post'], ['authorization_code', 'refresh_token'], false],
      ['n', ['none'], ['authorization_code', 'refresh_token'], true],
      ['s', ['client_secret_basic', 'client_secret_post'], ['client_credentials'], false],
    ],
  )
  t.same(config.clients[1]!.refreshToken, { rotation: 'rotate', graceSeconds: 30 })
  const user = config.users[0]!
  t.match(user.id, /^00u[A-Za-z0-9]{17}$/)
  t.equal(user.id, deriveUserId('carol@example.com'), 'derived from the login, case-insensitively')
  t.same([user.groups, user.profile], [['Everyone'], {}])
  t.same(resolveConfig({}, opts).authorizationServers, [])
})

t.test('every problem is reported at once, with its path', async (t) => {
  const err = t.throws(() =>
    resolveConfig(
      {
        colour: 'blue',
        logLevel: 'loud',
        authorizationServers: [{ id: 'v1' }, { id: 'bad id!', accessTokenLifetimeSeconds: 60 }],
        clients: [{ id: 'a', type: 'web' }, { id: 'b', type: 'web' }, { id: 'c', type: 'desktop' }, { type: 'web' }],
        users: [{ login: 'x', password: 'y', id: '00u1' }, { login: 'z' }],
        limits: { bodyLimitBytes: 'big' },
      },
      opts,
    ),
  ) as ConfigError
  t.type(err, ConfigError)
  const expected = [
    '/colour: is not a known property',
    '/logLevel: must be one of',
    '/authorizationServers/0/id: "v1" is reserved',
    '/authorizationServers/1/id: must match pattern',
    '/authorizationServers/1/accessTokenLifetimeSeconds: must be >= 300',
    '/clients/2/type: must be one of "web", "browser", "native", "service"',
    '/clients/3/id: is required',
    '/users/0/id: must match pattern',
    '/users/1/password: is required',
    '/limits/bodyLimitBytes: must be integer',
  ]
  for (const prefix of expected) {
    t.ok(
      err.problems.some((p) => p.startsWith(prefix)),
      prefix,
    )
    t.match(err.message, `  - ${prefix}`)
  }
  t.equal(err.problems.length, expected.length, err.message)
})

t.test('semantic checks', async (t) => {
  const dupes = problems({
    authorizationServers: [{ id: 'a' }, { id: 'a' }],
    clients: [
      { id: 'c', type: 'web' },
      { id: 'c', type: 'browser' },
    ],
    users: [
      { login: 'Dan@x', password: 'p' },
      { login: 'dan@X', password: 'p' },
      { login: 'e', password: 'p', id: '00uAAAAAAAAAAAAAAAAA' },
      { login: 'f', password: 'p', id: '00uAAAAAAAAAAAAAAAAA' },
      { login: 'g', password: 'p' },
      { login: 'h', password: 'p', id: deriveUserId('g') },
    ],
  })
  t.same(dupes, [
    '/authorizationServers/1/id: duplicate authorization server id "a" (also at /authorizationServers/0/id)',
    '/clients/1/id: duplicate client id "c" (also at /clients/0/id)',
    '/users/1/login: duplicate login "dan@x" (also at /users/0/login)',
    '/users/3/id: duplicate user id "00uAAAAAAAAAAAAAAAAA" (also at /users/2/id)',
    `/users/5/id: duplicate user id "${deriveUserId('g')}" (also at /users/4/id)`,
  ])

  t.same(
    problems({
      clients: [
        { id: 'a', type: 'web', authMethods: ['client_secret_post'] },
        { id: 'b', type: 'browser', secret: 's', authMethods: ['none'] },
        { id: 'c', type: 'web', secret: 's', authMethods: ['client_secret_basic', 'none'] },
      ],
    }),
    [
      '/clients/0/authMethods: client_secret_basic and client_secret_post need a "secret"',
      '/clients/1/authMethods: "none" is for public clients, but this client has a "secret"',
      '/clients/2/authMethods: "none" is for public clients, but this client has a "secret"',
    ],
  )

  const claims = problems({
    authorizationServers: [{ id: 'a', claims: [{ name: 'x', value: 1, userAttribute: 'login' }, { name: 'y' }, { name: 'z', value: 0 }] }],
  })
  t.same(claims, [
    '/authorizationServers/0/claims/0: needs exactly one of "value" and "userAttribute" (both set)',
    '/authorizationServers/0/claims/1: needs exactly one of "value" and "userAttribute" (neither set)',
  ])

  const unknownKids = problems({
    orgAuthorizationServer: { signingKeys: [kids[0], 'nope'], accessTokenSigningKey: 'gone' },
    authorizationServers: [{ id: 'a', signingKeys: ['missing'] }],
  })
  t.same(unknownKids, [
    `/orgAuthorizationServer/signingKeys/1: unknown kid "nope" (not in ${defaultKeyFile})`,
    `/orgAuthorizationServer/accessTokenSigningKey: unknown kid "gone" (not in ${defaultKeyFile})`,
    `/authorizationServers/0/signingKeys/0: unknown kid "missing" (not in ${defaultKeyFile})`,
  ])
})

t.test('key files', async (t) => {
  const [good] = testKeys.keys
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
  const small = { ...privateKey.export({ format: 'jwk' }), kid: 'small' }
  const { n, e, kty } = good!
  const dir = t.testdir({
    keys: {
      'good.json': JSON.stringify({ keys: [{ ...good, kid: 'mine' }] }),
      'bad.json': JSON.stringify({ keys: [{ kty, n, e, kid: 'public' }, { ...good, kid: undefined }, small, { ...good, kid: 'mine', alg: 'RS512' }] }),
      'empty.json': JSON.stringify({ keys: [] }),
    },
    'config.json': JSON.stringify({ keys: { file: 'keys/good.json' }, authorizationServers: [{ id: 'a' }] }),
  })
  const config = resolveConfig({ keys: { file: 'keys/good.json' } }, { ...opts, baseDir: dir })
  t.equal(config.keySource, join(dir, 'keys/good.json'))
  t.same([config.org.signingKeys, config.org.accessTokenSigningKey], [['mine'], 'mine'], 'one key does every job')
  t.equal(loadConfigFile(join(dir, 'config.json'), opts).authorizationServers[0]!.signingKeys[0], 'mine', 'relative to the config file')

  const bad = join(dir, 'keys/bad.json')
  t.same(problems({ keys: { file: 'keys/bad.json' }, authorizationServers: [{ id: 'a', signingKeys: ['public', 'other'] }] }, { ...opts, baseDir: dir }), [
    `${bad}#/keys/0: must be a private RSA key (kty "RSA" with "d")`,
    `${bad}#/keys/1: has no "kid"`,
    `${bad}#/keys/2: key "small" has 1024 bits, at least 2048 are needed`,
    `${bad}#/keys/3: alg must be RS256 (Okta signs with RS256 only)`,
    // "public" is in the file (and reported above), so only "other" is unknown
    `/authorizationServers/0/signingKeys/1: unknown kid "other" (not in ${bad})`,
  ])
  t.match(problems({ keys: { file: 'keys/empty.json' } }, { ...opts, baseDir: dir }), [/^\/keys\/file: .*empty\.json must be a JWKS/])
  t.match(problems({ keys: { file: 'missing.json' } }, { ...opts, baseDir: dir }), [/^\/keys\/file: cannot load key file .*missing\.json: ENOENT/])
})

t.test('baseUrl precedence and trailing slash', async (t) => {
  const base = (raw: object, baseUrl?: string) => resolveConfig(raw, { ...opts, baseUrl }).baseUrl
  t.equal(base({}), 'http://127.0.0.1:8080')
  t.equal(base({ baseUrl: 'https://file.test' }), 'https://file.test')
  t.equal(base({ baseUrl: 'https://file.test' }, 'https://env.test/'), 'https://env.test')
  t.equal(resolveConfig({}, { ...opts, defaultBaseUrl: 'http://localhost:9/' }).baseUrl, 'http://localhost:9')
  t.equal(base({ baseUrl: 'https://file.test/' }), 'https://file.test')
  t.match(problems({ baseUrl: 'https://file.test/api' }), [/^\/baseUrl: must be an origin/])
  t.match(problems({ baseUrl: 'file.test' }, { ...opts, baseUrl: 'https://env.test' }), [/^\/baseUrl: must be an absolute/], 'checked even when overridden')
  t.match(problems({}, { ...opts, baseUrl: 'https://env.test/path' }), [/^baseUrl \(--base-url \/ MOCKTA_BASE_URL\): must be an origin/])
  t.match(problems({}, { ...opts, baseUrl: 'ftp://x' }), [/must use http or https/])
})

t.test('loadConfigFile errors name the file', async (t) => {
  const dir = t.testdir({ 'broken.json': '{ "clients": [', 'bad.json': '{"logLevel": "loud"}' })
  const missing = t.throws(() => loadConfigFile(join(dir, 'nope.json'), opts)) as ConfigError
  t.match(missing.problems, [/nope\.json: cannot be read: ENOENT/])
  const broken = t.throws(() => loadConfigFile(join(dir, 'broken.json'), opts)) as ConfigError
  t.match(broken.problems, [/broken\.json: is not valid JSON/])
  const bad = t.throws(() => loadConfigFile(join(dir, 'bad.json'), opts)) as ConfigError
  t.match(bad.message, /^Invalid mockta configuration in .*bad\.json:\n {2}- \/logLevel: must be one of/)
})

t.test('the schema documents every property', async (t) => {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'))
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return
    const n = node as Record<string, unknown>
    if (n.properties && !path.includes('/profile')) t.equal(n.additionalProperties, false, `${path} is closed`)
    for (const [name, prop] of Object.entries((n.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      t.ok(prop.title && prop.description, `${path}/${name} has title and description`)
    }
    for (const [key, child] of Object.entries(n)) walk(child, `${path}/${key}`)
  }
  walk(schema, '#')
})

t.test('parseCliOptions', async (t) => {
  t.same(parseCliOptions([], {}), { port: 8080, host: '127.0.0.1' })
  t.same(parseCliOptions(['--config', 'a.json', '--port', '0', '--host', '0.0.0.0', '--base-url', 'https://m.test'], {}), {
    configPath: 'a.json',
    port: 0,
    host: '0.0.0.0',
    baseUrl: 'https://m.test',
  })
  t.same(parseCliOptions(['--config=b.json', '--port=9000'], {}), { configPath: 'b.json', port: 9000, host: '127.0.0.1' })
  const env = { MOCKTA_CONFIG: 'env.json', PORT: '7000', HOST: '::', MOCKTA_BASE_URL: 'http://env.test' }
  t.same(parseCliOptions([], env), { configPath: 'env.json', port: 7000, host: '::', baseUrl: 'http://env.test' })
  t.same(parseCliOptions(['--port', '7001', '--config', 'flag.json'], env), { configPath: 'flag.json', port: 7001, host: '::', baseUrl: 'http://env.test' })
  t.same(parseCliOptions([], { PORT: '' }), { port: 8080, host: '127.0.0.1' }, 'empty env is unset')
  t.same(parseCliOptions(['--port', 'x', '-h'], {}), { help: true })
  t.same(parseCliOptions(['--help'], {}), { help: true })

  const cliProblems = (argv: string[], e: NodeJS.ProcessEnv = {}) => problemsOf(() => parseCliOptions(argv, e))
  t.same(cliProblems(['--port', '80.5']), ['--port: must be an integer from 0 to 65535 (got "80.5")'])
  t.same(cliProblems([], { PORT: '65536' }), ['PORT: must be an integer from 0 to 65535 (got "65536")'])
  t.same(cliProblems(['--verbose', 'extra', '--host']), ['--verbose: unknown option (see --help)', 'extra: unexpected argument (see --help)', '--host: needs a value'])
  t.same(cliProblems(['--config', '--port', '1']), ['--config: needs a value'])
  t.match(cliProblems(['--base-url=https://x.test/p']), [/^--base-url: must be an origin/])
  t.match(cliProblems([], { MOCKTA_BASE_URL: 'nope' }), [/^MOCKTA_BASE_URL: must be an absolute/])
  t.match(parseCliOptions(['--base-url', 'https://x.test/'], {}), { baseUrl: 'https://x.test/' }, 'slash stripped later by resolveConfig')
  t.match(
    t.throws(() => parseCliOptions(['--port', 'x'], {})),
    { name: 'ConfigError', message: /Invalid command line or environment:\n {2}- --port/ },
  )
})

t.test('usage lists every flag and variable with its default', async (t) => {
  for (const word of [
    '--config',
    '--port',
    '--host',
    '--base-url',
    '--help',
    '-h',
    'MOCKTA_CONFIG',
    'PORT',
    'HOST',
    'MOCKTA_BASE_URL',
    '8080',
    '127.0.0.1',
    'fixtures/config.json',
  ]) {
    t.ok(usage.includes(word), word)
  }
})

t.test('defaultBaseUrl: wildcard listen addresses become localhost, IPv6 is bracketed', async (t) => {
  t.equal(defaultBaseUrl('127.0.0.1', 8080), 'http://127.0.0.1:8080')
  t.equal(defaultBaseUrl('0.0.0.0', 8080), 'http://localhost:8080')
  t.equal(defaultBaseUrl('::', 9000), 'http://localhost:9000')
  t.equal(defaultBaseUrl('::1', 8080), 'http://[::1]:8080')
})

t.test('--https / MOCKTA_HTTPS and the https section', async (t) => {
  t.match(parseCliOptions(['--https'], {}), { https: true })
  t.match(parseCliOptions(['--https=false'], {}), { https: false })
  t.match(parseCliOptions([], { MOCKTA_HTTPS: 'true' }), { https: true })
  t.equal((parseCliOptions([], {}) as { https?: boolean }).https, undefined, 'unset: the file decides')
  t.throws(() => parseCliOptions([], { MOCKTA_HTTPS: 'maybe' }), { message: /MOCKTA_HTTPS: must be true or false/ })
  t.ok(usage.includes('--https') && usage.includes('MOCKTA_HTTPS'))
  const on = resolveConfig({ https: { enabled: true } }, { baseDir: '/cfg', defaultBaseUrl: 'http://127.0.0.1:8080' })
  t.equal(on.baseUrl, 'https://127.0.0.1:8080', 'the default base URL follows the scheme')
  t.equal(resolveConfig({ https: { enabled: true } }, { baseDir: '/cfg', defaultBaseUrl: 'http://127.0.0.1:8080', https: false }).baseUrl, 'http://127.0.0.1:8080', 'the flag wins')
  const files = resolveConfig({ https: { certFile: 'c.pem', keyFile: 'k.pem', caFile: 'ca.pem' } }, { baseDir: '/cfg', defaultBaseUrl: 'http://x:1' })
  t.match(files.https, { enabled: false, certFile: '/cfg/c.pem', keyFile: '/cfg/k.pem', caFile: '/cfg/ca.pem' })
  t.throws(() => resolveConfig({ https: { certFile: 'c.pem' } }, { baseDir: '/cfg', defaultBaseUrl: 'http://x:1' }), { message: /certFile and keyFile go together/ })
})

t.test('sign-in settings: autoSignIn must name a user; signIn and trustedOrigins defaults', async (t) => {
  const base = { users: [{ login: 'a@example.com', password: 'p' }] }
  const ok = resolveConfig(
    { ...base, clients: [{ id: 'c', type: 'browser', autoSignIn: 'A@example.com' }], trustedOrigins: ['https://x.example/'] },
    { baseDir: '/', defaultBaseUrl: 'http://x:1' },
  )
  t.equal(ok.clients[0]?.autoSignIn, 'A@example.com')
  t.strictSame(ok.signIn, { page: 'mockta', sessionLifetimeSeconds: 7200, listUsers: true })
  t.strictSame(ok.trustedOrigins, ['https://x.example'])
  t.throws(() => resolveConfig({ ...base, clients: [{ id: 'c', type: 'browser', autoSignIn: 'nobody' }] }, { baseDir: '/', defaultBaseUrl: 'http://x:1' }), {
    message: /\/clients\/0\/autoSignIn: no user has the login "nobody"/,
  })
})

t.test('pkceRequired: on by default for public clients, and cannot be turned off for them', async (t) => {
  const opts = { baseDir: '/', defaultBaseUrl: 'http://x:1' }
  t.equal(resolveConfig({ clients: [{ id: 'w', type: 'web' }] }, opts).clients[0]?.pkceRequired, true, 'a web client without a secret')
  t.equal(resolveConfig({ clients: [{ id: 'w', type: 'web', secret: 's', pkceRequired: true }] }, opts).clients[0]?.pkceRequired, true)
  t.throws(() => resolveConfig({ clients: [{ id: 'b', type: 'browser', pkceRequired: false }] }, opts), { message: /\/clients\/0\/pkceRequired: must be true for a public client/ })
})

t.test('users’ factors: ids derived and stable, the email address defaulted, the checks the schema leaves', async (t) => {
  const config = resolveConfig(
    {
      users: [
        { login: 'carol@x', password: 'p', profile: { email: 'carol@mail.x' }, factors: [{ type: 'token:software:totp', secret: 'JBSWY3DPEHPK3PXP' }, { type: 'email' }] },
        { login: 'dave@x', password: 'p', factors: [{ type: 'email', id: 'emfDAVE0000000000000' }] },
        { login: 'erin@x', password: 'p' },
      ],
    },
    opts,
  )
  const [carol, dave, erin] = config.users
  t.match(carol?.factors, [
    { type: 'token:software:totp', id: /^ost[A-Za-z0-9]{17}$/, secret: 'JBSWY3DPEHPK3PXP' },
    { type: 'email', id: /^emf[A-Za-z0-9]{17}$/, email: 'carol@mail.x' },
  ])
  t.strictSame(
    resolveConfig(
      {
        users: [{ login: 'carol@x', password: 'p', profile: { email: 'carol@mail.x' }, factors: [{ type: 'token:software:totp', secret: 'JBSWY3DPEHPK3PXP' }, { type: 'email' }] }],
      },
      opts,
    ).users[0]?.factors,
    carol?.factors,
    'stable',
  )
  t.strictSame(dave?.factors, [{ type: 'email', id: 'emfDAVE0000000000000', email: 'dave@x' }], 'the login when the profile has no email')
  t.notOk(erin && 'factors' in erin, 'none unless configured')
  t.strictSame(
    problems({
      users: [
        {
          login: 'a',
          password: 'p',
          factors: [{ type: 'token:software:totp' }, { type: 'email', secret: 'JBSWY3DPEHPK3PXP' }, { type: 'email', id: 'emfAAAAAAAAAAAAAAAAA' }],
        },
        { login: 'b', password: 'p', factors: [{ type: 'token:software:totp', secret: 'not base32!' }, { type: 'sms' }] },
      ],
    }).sort(),
    [
      '/users/0/factors: must NOT have more than 2 items',
      '/users/0/factors/0/secret: is required for a token:software:totp factor',
      '/users/0/factors/1/secret: only a token:software:totp factor has a secret',
      '/users/0/factors/2/type: the user has an email factor already',
      '/users/1/factors/0/secret: must match pattern "^[A-Z2-7]{16,128}=*$"',
      '/users/1/factors/1/type: must be one of "token:software:totp", "email"',
    ].sort(),
  )
})
