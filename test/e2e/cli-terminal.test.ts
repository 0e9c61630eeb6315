/**
 * At a terminal the `mockta` command also prints a summary for a person (issuers, clients, users, the
 * control plane) next to its JSON log; piped, the output stays JSON lines only. The terminal is a real
 * pseudo-terminal, made by util-linux `script`.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { builtPackage, productionEnv } from '../helpers/cli-build.js'
import { run } from '../helpers/child-process.js'

let root = ''
t.before(async () => {
  root = await builtPackage()
})

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

const SECRETS = ['web-app-secret', 'service-app-secret', 'alice-password', 'bob-password']
const LISTENING = /"msg":"mockta listening on 127\.0\.0\.1:(\d+)"/

/** The mockta process itself (under `script` it is a grandchild): stopped by its pid from the log line. */
function stopByLogPid(t: { teardown(fn: () => unknown): void }, stdout: () => string): void {
  t.teardown(() => {
    const pid = /"pid":(\d+)/.exec(stdout())?.[1]
    if (pid === undefined) return
    try {
      process.kill(Number(pid), 'SIGTERM')
    } catch {
      // Already gone.
    }
  })
}

t.test('on a terminal: the JSON log line and a summary without secrets', { skip: hasScript ? false : 'util-linux script is not installed' }, async (t) => {
  const command = `exec '${process.execPath}' '${join(root, 'dist/cli.js')}' --port 0`
  const proc = run(t, 'script', ['-qfec', command, '/dev/null'], { cwd: root, env: productionEnv() })
  stopByLogPid(t, proc.stdout)
  const [, port] = await proc.waitFor(LISTENING)
  await proc.waitFor(/Control plane: .*openapi\.json/)
  const base = `http://127.0.0.1:${port}`
  const out = proc.stdout().replaceAll('\r\n', '\n')
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
  t.match(out, `mockta ${version}, ${base}\n`)
  t.match(out, `  Issuers:\n    org      ${base}\n    default  ${base}/oauth2/default\n`)
  t.match(out, /^ {4}web-app {6}confidential \(web\)$/m)
  t.match(out, /^ {4}spa-app {6}public \(browser\)$/m)
  t.match(out, /^ {4}service-app {2}confidential \(service\)$/m)
  t.match(out, /^ {2}Users:\n {4}alice@example\.com\n {4}bob@example\.com\n/m)
  t.match(out, `  Control plane: ${base}/__mockta/ (OpenAPI: ${base}/__mockta/openapi.json)\n`)
  for (const secret of SECRETS) t.notMatch(out, secret, `no ${secret}`)
})

t.test('piped: JSON log lines only', async (t) => {
  const proc = run(t, process.execPath, [join(root, 'dist/cli.js'), '--port', '0'], { cwd: root, env: productionEnv() })
  await proc.waitFor(LISTENING)
  await fetch(`http://127.0.0.1:${(LISTENING.exec(proc.stdout()) ?? [])[1]}/health`)
  const lines = proc
    .stdout()
    .split('\n')
    .filter((line) => line !== '')
  t.ok(lines.length > 0, 'it logged')
  for (const line of lines) t.doesNotThrow(() => JSON.parse(line), `a JSON line: ${line.slice(0, 60)}`)
  t.notMatch(proc.stdout(), 'Issuers:')
})
