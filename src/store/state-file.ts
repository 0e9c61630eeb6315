/**
 * The state file (`--state-file`, docs/refresh-tokens.md): what a single mockta keeps across restarts,
 * so `docker compose restart` does not sign everyone out. The file is one JSON document,
 *
 *   { "format": "mockta-state", "version": 1, "savedAt": ISO time, "sections": { "<name>": … } }
 *
 * with one named section per part of mockta (the memory store's is store/memory-snapshot.ts). It is
 * read once at start-up and written atomically (store/atomic-write.ts) on an interval and at shutdown.
 * A file mockta cannot use whole stops start-up with a message saying what to do: a silent fresh
 * start would sign everyone out without a word, and a half-loaded one would be worse.
 */
import { readFile } from 'node:fs/promises'
import type { SchemaObject, ValidateFunction } from 'ajv'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { compileSchema, jsonSchemas } from '../json-schema.js'
import { writeFileAtomically, type AtomicWriteFs } from './atomic-write.js'

export const STATE_FORMAT = 'mockta-state'
/** Raised when a section's saved form changes incompatibly; a file of another version is refused, never guessed at. */
export const STATE_VERSION = 1

/** One part of mockta's state, saved under `sections[name]`. */
export interface StateSection {
  readonly name: string
  /** The state as JSON-able data. Called right before each save; must not keep references the caller may change. */
  snapshot(): unknown
  /**
   * Puts saved data back, at start-up before anything is served. Must take it whole or throw
   * `StateDataError` (see `stateValidator`) without having changed anything the server then uses.
   * A section absent from the file is not restored: it starts empty, as without a file.
   */
  restore(data: unknown): void
  /** Given, once saving has started, a save to await after a change that must not wait for the interval. */
  saveWith?(saveNow: () => Promise<void>): void
}

/** Data a section cannot take; the message says where and what (e.g. `store/families/0/generation must be integer`). */
export class StateDataError extends Error {
  override name = 'StateDataError'
}

/** A state file mockta cannot start with; the message names the file, the problem and the way out. */
export class StateFileError extends Error {
  override name = 'StateFileError'
}

const REMEDY = 'Move the file away or delete it to start with an empty state (everyone then signs in again), or point --state-file / MOCKTA_STATE_FILE elsewhere.'
/** Schema problems listed at most in one message: enough to see what is wrong in a hand-edited file. */
const MAX_LISTED_PROBLEMS = 5

/** A checker for a section's data against its JSON Schema: returns it typed, or throws `StateDataError` naming the problems. */
export function stateValidator<T>(schema: SchemaObject, section: string): (data: unknown) => T {
  let check: ValidateFunction<T> | undefined
  return (data) => {
    // Compiled only when there is a file to read: start-up without one never loads Ajv (json-schema.ts).
    check ??= compileSchema<T>(schema)
    if (check(data)) return data
    const errors = check.errors ?? []
    const more = errors.length > MAX_LISTED_PROBLEMS ? ` (and ${errors.length - MAX_LISTED_PROBLEMS} more)` : ''
    throw new StateDataError(`${jsonSchemas().errorsText(errors.slice(0, MAX_LISTED_PROBLEMS), { dataVar: section, separator: '; ' })}${more}`)
  }
}

interface StateDocument {
  format: string
  version: number
  savedAt: string
  sections: Record<string, unknown>
}

const checkDocument = stateValidator<StateDocument>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['format', 'version', 'savedAt', 'sections'],
    properties: {
      format: { type: 'string', const: STATE_FORMAT },
      version: { type: 'integer', const: STATE_VERSION },
      savedAt: { type: 'string' },
      sections: { type: 'object', required: [] },
    },
  },
  'the file',
)

export interface StateFileOptions {
  /** File operations for the writes (tests make them fail). */
  fs?: AtomicWriteFs
  /** Wall-clock time for `savedAt` (not mockta's clock, which a tester may have moved). */
  now?: () => Date
}

export class StateFile {
  private readonly sections: StateSection[] = []
  /** The `sections` text last written: a save with nothing changed writes nothing. */
  private lastWritten: string | undefined
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(
    readonly path: string,
    /** What the file held at start-up; undefined when there was no file. */
    private readonly saved: StateDocument | undefined,
    private readonly options: StateFileOptions,
  ) {}

  /** Reads the file; a missing one is an empty state. Throws `StateFileError` for anything else it cannot use. */
  static async open(path: string, options: StateFileOptions = {}): Promise<StateFile> {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new StateFile(path, undefined, options)
      throw new StateFileError(`the state file ${path} cannot be read (${(err as Error).message}). Check its permissions, or point --state-file / MOCKTA_STATE_FILE elsewhere.`)
    }
    return new StateFile(path, parseDocument(path, text), options)
  }

  /** Restores `section` from the file (when the file has it) and saves it from now on. */
  attach(section: StateSection): void {
    const data = this.saved?.sections[section.name]
    if (data !== undefined) {
      try {
        section.restore(data)
      } catch (err) {
        const what = err instanceof StateDataError ? err.message : String((err as Error).message)
        throw failure(this.path, `has a "${section.name}" section mockta cannot use: ${what}`)
      }
    }
    this.sections.push(section)
  }

  /**
   * Saves now (once every section is attached), then every `intervalSeconds` and when the app closes
   * (Fastify's onClose runs after the requests in flight have finished). The first save failing
   * fails start-up: a path that cannot be written is a configuration mistake, better told at once.
   * Later failures (disk full, directory gone) are logged and retried at the next interval.
   */
  async startSaving(app: FastifyInstance, intervalSeconds: number): Promise<void> {
    this.logRestored(app.log)
    try {
      await this.save()
    } catch (err) {
      throw new StateFileError(`the state file ${this.path} cannot be written (${(err as Error).message}). Check that its directory exists and is writable.`)
    }
    for (const section of this.sections) section.saveWith?.(() => this.saveOrLog(app.log))
    const timer = setInterval(() => void this.saveOrLog(app.log), intervalSeconds * 1000)
    timer.unref()
    app.addHook('onClose', async () => {
      clearInterval(timer)
      await this.saveOrLog(app.log)
    })
  }

  /** Writes the file unless nothing changed since the last write; `true` when it wrote. Saves never overlap. */
  save(): Promise<boolean> {
    const next = this.queue.then(() => this.write())
    this.queue = next.catch(() => {})
    return next
  }

  private async write(): Promise<boolean> {
    const sections = `{${this.sections.map((s) => `${JSON.stringify(s.name)}:${JSON.stringify(s.snapshot())}`).join(',')}}`
    if (sections === this.lastWritten) return false
    const savedAt = (this.options.now?.() ?? new Date()).toISOString()
    const head = JSON.stringify({ format: STATE_FORMAT, version: STATE_VERSION, savedAt }).slice(0, -1)
    await writeFileAtomically(this.path, `${head},"sections":${sections}}\n`, this.options.fs ? { fs: this.options.fs } : {})
    this.lastWritten = sections
    return true
  }

  private async saveOrLog(log: FastifyBaseLogger): Promise<void> {
    try {
      await this.save()
    } catch (err) {
      // The error's code and message name the path and the cause, never the file's content.
      const { code, message } = err as NodeJS.ErrnoException
      log.error({ stateFile: this.path, code, reason: message }, 'the state file could not be saved; retrying at the next interval')
    }
  }

  private logRestored(log: FastifyBaseLogger): void {
    if (!this.saved) {
      log.info({ stateFile: this.path }, 'no state file yet: starting with an empty state')
      return
    }
    log.info({ stateFile: this.path, savedAt: this.saved.savedAt }, 'state restored from the state file')
    const known = new Set(this.sections.map((s) => s.name))
    const unknown = Object.keys(this.saved.sections).filter((name) => !known.has(name))
    // A section this mockta does not know (written by a newer one): ignored, and not written back.
    if (unknown.length > 0) log.warn({ stateFile: this.path, sections: unknown }, 'the state file has sections this mockta does not know; they are ignored')
  }
}

function parseDocument(path: string, text: string): StateDocument {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw failure(path, `is not valid JSON, perhaps truncated or edited by hand (${(err as Error).message})`)
  }
  const header = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Partial<StateDocument>) : {}
  if (header.format !== STATE_FORMAT) throw failure(path, `is not a mockta state file (it has no "format": "${STATE_FORMAT}")`)
  if (header.version !== STATE_VERSION) {
    const newer = typeof header.version === 'number' && header.version > STATE_VERSION ? ', written by a newer mockta' : ''
    const has = header.version === undefined ? 'has no state-file version' : `has state-file version ${JSON.stringify(header.version)}${newer}`
    throw failure(path, `${has}; this mockta reads version ${STATE_VERSION} only`)
  }
  try {
    return checkDocument(doc)
  } catch (err) {
    throw failure(path, `is not a valid mockta state file: ${(err as Error).message}`)
  }
}

const failure = (path: string, problem: string): StateFileError => new StateFileError(`the state file ${path} ${problem}. ${REMEDY}`)
