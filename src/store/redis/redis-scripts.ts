/**
 * The store's Lua scripts as ioredis commands: `defineCommand` sends each with EVALSHA and falls back
 * to EVAL when Redis does not know it (NOSCRIPT: a restarted or flushed Redis), so scripts survive outages.
 */
import type { Redis } from 'ioredis'
import { FAMILY_SCRIPTS, withLibrary } from './family-scripts.js'
import { INTERACTION_SCRIPTS } from './interaction-scripts.js'
import { RECORD_SCRIPTS } from './record-scripts.js'
import { GRANT_RECORD_SCRIPTS } from './grant-record-scripts.js'

const SCRIPTS = { ...FAMILY_SCRIPTS, ...RECORD_SCRIPTS, ...GRANT_RECORD_SCRIPTS, ...INTERACTION_SCRIPTS }
export type ScriptName = keyof typeof SCRIPTS

/** Runs one script with ARGV = [namespace, ...args]; numbers are sent as their shortest exact text. */
export type RunScript = (name: ScriptName, ...args: Array<string | number>) => Promise<unknown>

const COMMAND_PREFIX = 'mocktaStore_'

export function defineScripts(redis: Redis, namespace: string): RunScript {
  for (const [name, body] of Object.entries(SCRIPTS)) {
    // Several stores may share one connection; the scripts do not depend on the store.
    if (!(COMMAND_PREFIX + name in redis)) redis.defineCommand(COMMAND_PREFIX + name, { numberOfKeys: 0, lua: withLibrary(body) })
  }
  const commands = redis as unknown as Record<string, (...args: string[]) => Promise<unknown>>
  return (name, ...args) => commands[COMMAND_PREFIX + name]!(namespace, ...args.map(String))
}
