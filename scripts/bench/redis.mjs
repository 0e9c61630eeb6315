/**
 * The bench's own redis-server for the Redis row: on a free loopback port, without persistence, started
 * once on first use and killed with the bench's other children. Missing redis-server skips the row.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { HOST, freePort, sleep, spawnServer } from './processes.mjs'

const REDIS_SERVER = process.env.BENCH_REDIS_SERVER ?? 'redis-server'

export const hasRedisServer = () => spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0

let started

/** The URL of the bench's redis-server, started on first call, working in the bench's `workDir`. */
export function benchRedisUrl(workDir) {
  started ??= (async () => {
    const port = await freePort()
    const dir = join(workDir, 'redis')
    mkdirSync(dir, { recursive: true })
    const args = ['--port', String(port), '--bind', HOST, '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes']
    // Pinned mode: Redis shares the load generator's core, so the server's core is the server's alone.
    const cpu = process.env.BENCH_CLIENT_CPU
    const server = spawnServer(REDIS_SERVER, args, { cwd: dir, ...(cpu !== undefined && { cpu }) }, `redis://${HOST}:${port}`)
    for (let i = 0; i < 300 && !/Ready to accept connections/.test(server.output()); i++) {
      if (server.exitInfo()) break
      await sleep(20)
    }
    if (!/Ready to accept connections/.test(server.output())) throw new Error(`redis-server did not start:\n${server.output()}`)
    return server.baseUrl
  })()
  return started
}
