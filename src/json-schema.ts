/**
 * The one JSON Schema validator (Ajv) behind every schema mockta checks: the configuration file and
 * its items (config/load.ts), the control API's bodies (control/control-error.ts) and the state file's
 * sections (store/state-file.ts). One instance with one set of options, so every schema means the
 * same thing wherever it is checked; scripts/build-config-validator.mjs precompiles the configuration
 * schema with these very options.
 *
 * Ajv is loaded on the first schema compiled, never at start-up: importing it and compiling costs
 * tens of milliseconds, and a plain start needs neither (docs/bench.md).
 */
import { createRequire } from 'node:module'
import type { Ajv as AjvClass, Schema, ValidateFunction } from 'ajv'

/**
 * Every problem at once (a hand-edited file is fixed in one go); the control API's fault actions use
 * `discriminator`; `verbose` gives its error messages the schema a problem is in.
 */
export const AJV_OPTIONS = { allErrors: true, strict: false, discriminator: true, verbose: true } as const

const require = createRequire(import.meta.url)
let ajv: AjvClass | undefined

/** The shared instance, loading Ajv on first use. */
export function jsonSchemas(): AjvClass {
  if (!ajv) {
    const { Ajv } = require('ajv') as { Ajv: typeof AjvClass }
    ajv = new Ajv(AJV_OPTIONS)
  }
  return ajv
}

/** Compiles `schema` (with the shared instance, loaded now if need be). */
export function compileSchema<T = unknown>(schema: Schema): ValidateFunction<T> {
  return jsonSchemas().compile<T>(schema)
}
