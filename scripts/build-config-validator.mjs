#!/usr/bin/env node
/**
 * Part of `npm run build`: compiles schema/mockta.config.schema.json with Ajv's standalone code
 * generation into dist/config/config-validator.cjs, so a start-up loads a ready validator instead of
 * importing Ajv and compiling the schema (about 60 ms of mockta's start-up, docs/bench.md). The file carries
 * the schema's SHA-256; src/config/load.ts uses it only when that still matches the schema and
 * compiles with Ajv otherwise (running from src/, or a schema edited after the build).
 *
 * Its Ajv options are src/json-schema.ts's, so both report the same errors. They are read from the
 * compiled module beside outDir (tsc runs first in `npm run build`), else from dist/.
 *
 * Usage: node scripts/build-config-validator.mjs [outDir]   (default dist/config)
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Ajv } from 'ajv'
import standaloneCode from 'ajv/dist/standalone/index.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = resolve(process.argv[2] ?? join(root, 'dist/config'))
const schemaText = readFileSync(join(root, 'schema/mockta.config.schema.json'), 'utf8')
const besideOut = resolve(outDir, '../json-schema.js')
const { AJV_OPTIONS } = await import(pathToFileURL(existsSync(besideOut) ? besideOut : join(root, 'dist/json-schema.js')).href)
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } })
const code = (standaloneCode.default ?? standaloneCode)(ajv, ajv.compile(JSON.parse(schemaText)))
const sha256 = createHash('sha256').update(schemaText).digest('hex')
mkdirSync(outDir, { recursive: true })
const file = join(outDir, 'config-validator.cjs')
writeFileSync(`${file}.tmp`, `${code}\nmodule.exports.schemaSha256 = ${JSON.stringify(sha256)};\n`)
renameSync(`${file}.tmp`, file)
