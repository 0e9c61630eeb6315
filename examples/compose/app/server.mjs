/**
 * The example's app: an API that accepts mockta's access tokens exactly as it would accept Okta's, by
 * checking each token's signature against the issuer's published keys and its iss, aud and exp
 * claims (jose). Nothing in it knows about mockta: point OKTA_ISSUER at a real tenant and it works.
 */
import { createServer } from 'node:http'
import { createRemoteJWKSet, errors, jwtVerify } from 'jose'

const issuer = process.env.OKTA_ISSUER
const audience = process.env.OKTA_AUDIENCE ?? 'api://default'
if (!issuer) {
  console.error('OKTA_ISSUER is required, e.g. http://localhost:8080/oauth2/default')
  process.exit(1)
}
// A custom authorization server publishes its keys at {issuer}/v1/keys. jose caches them and fetches
// again when a token names an unknown kid, so key rotation (POST /__mockta/keys/default/next) just works.
const keys = createRemoteJWKSet(new URL(`${issuer}/v1/keys`))

// The keys could not be fetched: the authorization server is down, which is no fault of the token.
const keysUnavailable = (err) => !(err instanceof errors.JOSEError) || err.code === 'ERR_JWKS_TIMEOUT' || err.code === 'ERR_JOSE_GENERIC'

const server = createServer(async (req, res) => {
  const send = (status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }
  const path = new URL(req.url ?? '/', 'http://app').pathname
  if (path === '/health') return send(200, { status: 'ok' })
  if (path !== '/api/messages') return send(404, { error: 'not_found' })

  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')
  if (!match) return send(401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer' })
  try {
    const { payload } = await jwtVerify(match[1], keys, { issuer, audience, algorithms: ['RS256'] })
    return send(200, { messages: [`hello ${payload.sub}`] })
  } catch (err) {
    // 503 rather than 401: an app that logs users out whenever the authorization server blips is worse.
    if (keysUnavailable(err)) return send(503, { error: 'temporarily_unavailable' }, { 'retry-after': '5' })
    // Expired, forged, another issuer or audience, unknown key: RFC 6750 §3.1 invalid_token.
    return send(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' })
  }
})

const port = Number(process.env.PORT ?? 3000)
server.listen(port, process.env.HOST ?? '0.0.0.0', () => console.log(`app listening on port ${port}; issuer ${issuer}`))
// As PID 1 in a container, Node gets no default SIGTERM handling: `docker compose stop` would wait 10 s.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)))
