/** Child processes and ports for the end-to-end tests: spawn, watch output, always reap. */
import { spawn, type ChildProcess } from 'node:child_process'
import { connect, createServer } from 'node:net'

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface Running {
  child: ChildProcess
  stdout(): string
  stderr(): string
  exited: Promise<Exit>
  /** Resolves once the stream's output matches; rejects if the process exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<RegExpMatchArray>
  /** The exit, or a rejection (and SIGKILL) when the process is still running after `timeoutMs`. */
  exit(timeoutMs?: number): Promise<Exit>
}

type Teardown = { teardown(fn: () => unknown): void }

export function run(t: Teardown, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Running {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
  const output = { stdout: '', stderr: '' }
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (output.stdout += s))
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (output.stderr += s))
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal }))
  })
  exited.catch(() => {})
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited.catch(() => {})
  })
  const describe = () => `\n--- stdout ---\n${output.stdout}\n--- stderr ---\n${output.stderr}`

  const waitFor = (pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout', timeoutMs = 20_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output[stream])
        if (!match) return
        cleanup()
        resolve(match)
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`no ${pattern} on ${stream} after ${timeoutMs} ms${describe()}`))
      }, timeoutMs)
      const onExit = () => {
        check()
        cleanup()
        reject(new Error(`process exited before ${pattern} appeared on ${stream}${describe()}`))
      }
      const cleanup = () => {
        clearTimeout(timer)
        child[stream]?.off('data', check)
        child.off('close', onExit)
      }
      child[stream]?.on('data', check)
      child.once('close', onExit)
      check()
    })

  const exit = async (timeoutMs = 20_000) => {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`process still running after ${timeoutMs} ms${describe()}`))
      }, timeoutMs)
    })
    try {
      return await Promise.race([exited, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  return { child, stdout: () => output.stdout, stderr: () => output.stderr, exited, waitFor, exit }
}

/** A port nothing listens on right now (the OS picks it; another process could still take it before we do). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
