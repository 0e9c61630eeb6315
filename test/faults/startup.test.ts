/**
 * Start-up fails fast and whole (docs/reliability.md § F-9): a grace period over Okta's 60 s, a key file that
 * is no key and a busy port each give a clear message and a non-zero exit within seconds, never a
 * half-started server (the busy port itself: test/e2e/cli.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { builtPackage, productionEnv } from '../helpers/cli-build.js'
import { freePort, isListening, run } from '../helpers/child-process.js'
import { record } from '../helpers/report.js'

t.test('bad configurations: a clear message, a non-zero exit, the port stays free', async (t) => {
  const root = await builtPackage()
  const dir = mkdtempSync(join(tmpdir(), 'mockta-startup-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'not-a-key.json'), JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k', n: 'AQAB', e: 'AQAB' }] }))
  const cases: Array<[string, unknown, RegExp]> = [
    ['a grace period over 60 s', { clients: [{ id: 'x', type: 'native', authMethods: ['none'], refreshToken: { rotation: 'rotate', graceSeconds: 61 } }] }, /graceSeconds/],
    ['a key file holding no usable private key', { keys: { file: 'not-a-key.json' } }, /not-a-key\.json/],
    ['a file that is not JSON', '{ "clients": [', /JSON|parse|Unexpected/i],
  ]
  for (const [name, content, message] of cases) {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.json`)
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))
    const port = await freePort()
    const started = Date.now()
    const proc = run(t, process.execPath, [join(root, 'dist/cli.js'), '--config', file, '--port', String(port)], { cwd: dir, env: productionEnv() })
    const exit = await proc.exit(10_000)
    const ms = Date.now() - started
    t.equal(exit.code, 1, `${name}: exit 1`)
    t.match(proc.stderr(), message, `${name}: the message names the problem`)
    t.notMatch(proc.stdout(), /mockta listening/, `${name}: never listened`)
    t.equal(await isListening(port), false, `${name}: the port stays free`)
    record('limit', { kind: `start-up: ${name}`, summary: `exit ${exit.code} after ${ms} ms`, ok: exit.code === 1 })
  }
})
