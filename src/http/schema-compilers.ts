/**
 * Fastify's schema compilers, loaded on first use. Fastify requires Ajv and fast-json-stringify for
 * every instance it creates, but mockta's routes declare no Fastify schemas (they check their input
 * themselves, so every bad input gets an Okta-shaped error): loading both cost start-up about 40 ms
 * of CPU for nothing (docs/bench.md § startup). Should a route ever declare a schema, the compilers
 * Fastify would have used are loaded then, with the options it passes.
 */
import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>
type BuildValidator = NonNullable<CompilersFactory['buildValidator']>
type BuildSerializer = NonNullable<CompilersFactory['buildSerializer']>

// Fastify's own dependencies, resolved from Fastify's package as it resolves them.
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'))

let validatorFactory: BuildValidator | undefined
let serializerFactory: BuildSerializer | undefined

export const lazySchemaCompilers: CompilersFactory = {
  buildValidator: (externalSchemas, options) => {
    validatorFactory ??= (fromFastify('@fastify/ajv-compiler') as () => BuildValidator)()
    return validatorFactory(externalSchemas, options)
  },
  buildSerializer: (externalSchemas, options) => {
    serializerFactory ??= (fromFastify('@fastify/fast-json-stringify-compiler') as () => BuildSerializer)()
    return serializerFactory(externalSchemas, options)
  },
}
