/** Command-line of the bench's target servers: `--host 127.0.0.1 --port N`, nothing else. */
export function listenArgs(argv = process.argv.slice(2)) {
  const value = (name) => {
    const i = argv.indexOf(`--${name}`)
    return i === -1 ? undefined : argv[i + 1]
  }
  const host = value('host') ?? '127.0.0.1'
  const port = Number(value('port') ?? 0)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port ${value('port')}`)
  return { host, port }
}

/** The first private key of mockta's fixture key file, the one mockta signs with by default. */
export async function fixtureSigningJwk() {
  const { readFile } = await import('node:fs/promises')
  const jwks = JSON.parse(await readFile(new URL('../../fixtures/keys/rs256.test-only.jwks.json', import.meta.url), 'utf8'))
  return jwks.keys[0]
}

/** Where the bench hands its private_key_jwt client's public JWK to the ceiling server. */
export const CLIENT_JWK_ENV = 'BENCH_CLIENT_JWK'
