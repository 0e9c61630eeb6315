/**
 * A real redis-server for the tests, on a free loopback port with its own directory: started,
 * stopped (SIGTERM), killed (SIGKILL) and started again on the same port and data, so outages and
 * recoveries are real ones. `.ci/run` installs redis-server; on a developer machine without it the
 * Redis tests skip, but with CI set they fail instead (a missing install step must not pass quietly).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { freePort, run, type Running } from './child-process.js'

export const REDIS_SERVER = process.env['MOCKTA_TEST_REDIS_SERVER'] ?? 'redis-server'

export interface RedisServer {
  url: string
  port: number
  /** Whether it is running now. */
  readonly running: boolean
  /** SIGTERM and wait: Redis saves its append-only file, if on, and exits. */
  stop(): Promise<void>
  /** SIGKILL: gone at once, as in a crash. */
  kill(): Promise<void>
  /** Starts again on the same port and directory (so with `appendOnly` the data comes back). */
  start(): Promise<void>
}

export const hasRedisServer = (): boolean => spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0

/**
 * Starts redis-server for one test (file), or returns undefined after skipping `t` when it is not
 * installed and CI is not set. `appendOnly`: persist every write (as a compose stack with a volume would).
 */
export async function startRedis(t: Test, options: { appendOnly?: boolean } = {}): Promise<RedisServer | undefined> {
  if (!hasRedisServer()) {
    if (process.env['CI']) throw new Error(`${REDIS_SERVER} is not installed: .ci/run installs it with apt-get (redis-server)`)
    // A plan of 0 with a reason is tap's skip of the test it is called in.
    t.plan(0, `${REDIS_SERVER} is not installed (apt-get install redis-server)`)
    return undefined
  }
  const dir = mkdtempSync(join(tmpdir(), 'mockta-redis-'))
  const port = await freePort()
  let current: Running | undefined
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
    '--loglevel',
    'notice',
  ]
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    get running() {
      return current !== undefined && current.child.exitCode === null && current.child.signalCode === null
    },
    async start() {
      if (server.running) return
      current = run(t, REDIS_SERVER, args, { cwd: dir, env: process.env })
      await current.waitFor(/Ready to accept connections/, 'stdout', 15_000)
    },
    async stop() {
      if (!server.running || !current) return
      current.child.kill('SIGTERM')
      await current.exit(15_000)
    },
    async kill() {
      if (!server.running || !current) return
      current.child.kill('SIGKILL')
      await current.exit(15_000)
    },
  }
  t.teardown(async () => {
    await server.kill()
    rmSync(dir, { recursive: true, force: true })
  })
  await server.start()
  return server
}
