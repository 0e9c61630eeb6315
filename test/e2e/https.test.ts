/**
 * HTTPS mode: a certificate generated at start-up (its CA written for clients to trust, as docs/sign-in.md
 * shows with NODE_EXTRA_CA_CERTS) or one from configured files; Secure cookies on https.
 */
import { execFile } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { get } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { promisify } from 'node:util'
import t from 'tap'
import type { Test } from 'tap'
import { loadConfigFile } from '../../src/config/load.js'
import type { Config } from '../../src/config/types.js'
import { startServer } from '../../src/server.js'
import { tlsMaterial } from '../../src/tls/certificate.js'
import { freePort } from '../helpers/child-process.js'
import { productionEnv } from '../helpers/cli-build.js'

async function startHttps(t: Test, change: (c: Config) => void = () => {}): Promise<{ base: string; port: number; config: Config }> {
  const dir = mkdtempSync(join(tmpdir(), 'mockta-https-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const port = await freePort()
  const config = loadConfigFile(undefined, { defaultBaseUrl: `http://127.0.0.1:${port}`, https: true })
  config.logLevel = 'silent'
  config.https.caFile = join(dir, 'ca.pem')
  change(config)
  const app = await startServer(config, { host: '127.0.0.1', port })
  t.teardown(() => app.close())
  return { base: config.baseUrl, port, config }
}

function getJson(url: string, ca: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    }).on('error', reject)
  })
}

t.test('--https with a generated certificate: issuers are https, the CA file makes clients trust it', async (t) => {
  const { base, config } = await startHttps(t)
  t.match(base, /^https:\/\/127\.0\.0\.1:\d+$/)
  const ca = readFileSync(config.https.caFile, 'utf8')
  const discovery = await getJson(`${base}/oauth2/default/.well-known/openid-configuration`, ca)
  t.equal(discovery.status, 200)
  t.equal(JSON.parse(discovery.body).issuer, `${base}/oauth2/default`)
  const authorize = await getJson(
    `${base}/oauth2/default/v1/authorize?${new URLSearchParams({ client_id: 'spa-app', redirect_uri: 'http://localhost:3000/login/callback', response_type: 'code', scope: 'openid', state: 's', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`,
    ca,
  )
  t.match(String(authorize.headers['set-cookie']), /; Secure/, 'cookies are Secure on https')

  // What docs/sign-in.md tells users: NODE_EXTRA_CA_CERTS=<caFile> and plain fetch works.
  const script = `fetch(${JSON.stringify(`${base}/oauth2/default/v1/keys`)}).then((r) => r.json()).then((j) => console.log(j.keys.length))`
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { env: productionEnv({ NODE_EXTRA_CA_CERTS: config.https.caFile }) })
  t.ok(Number(stdout.trim()) >= 1, 'fetch trusts the generated certificate through NODE_EXTRA_CA_CERTS')
  const untrusted = await promisify(execFile)(process.execPath, ['-e', script], { env: productionEnv() }).then(
    () => 'trusted',
    () => 'refused',
  )
  t.equal(untrusted, 'refused', 'and not without it')
})

t.test('https.certFile and keyFile: the configured certificate is served', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mockta-https-files-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const material = await tlsMaterial({ enabled: true, caFile: join(dir, 'ca.pem') }, 'https://127.0.0.1')
  writeFileSync(join(dir, 'cert.pem'), material.cert)
  writeFileSync(join(dir, 'key.pem'), material.key)
  const { port } = await startHttps(t, (c) => Object.assign(c.https, { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') }))
  const served = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().raw)
      socket.end()
    })
    socket.on('error', reject)
  })
  t.ok(served.equals(new X509Certificate(material.cert).raw), 'the configured certificate')
})
