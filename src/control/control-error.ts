/** The control plane's one error: a status and a message, sent as `{"error", "message"}` JSON. */
import type { ErrorObject, Schema, ValidateFunction } from 'ajv'
import { compileSchema } from '../json-schema.js'

const ERROR_NAMES = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  415: 'unsupported_media_type',
  503: 'store_unavailable',
} as const

export class ControlError extends Error {
  constructor(
    readonly statusCode: keyof typeof ERROR_NAMES,
    message: string,
    readonly error: string = ERROR_NAMES[statusCode],
  ) {
    super(message)
    this.name = 'ControlError'
  }
}

export const badRequest = (message: string): ControlError => new ControlError(400, message)
export const notFound = (message: string): ControlError => new ControlError(404, message)

const describe = (e: ErrorObject): string => {
  const at = e.instancePath || '(body)'
  const params = e.params as Record<string, unknown>
  if (e.keyword === 'additionalProperties') return `${at}: unknown property ${JSON.stringify(params['additionalProperty'])}`
  if (e.keyword === 'required') return `${at}: ${String(params['missingProperty'])} is required`
  if (e.keyword === 'discriminator') {
    const tag = String(params['tag'])
    const branches = (e.parentSchema as { oneOf?: Array<{ properties: Record<string, { const?: unknown }> }> } | undefined)?.oneOf ?? []
    return `${at}/${tag}: must be one of ${branches.map((b) => JSON.stringify(b.properties[tag]?.const)).join(', ')}`
  }
  if (e.keyword === 'enum') return `${at}: must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
  return `${at}: ${e.message ?? e.keyword}`
}

/** A checker for one request schema: returns the input typed, or throws a 400 naming every problem. */
export function validator<T>(schema: Schema, what: string): (input: unknown) => T {
  let check: ValidateFunction | undefined
  return (input) => {
    // Compiled on the first control request that needs it, not at start-up (json-schema.ts).
    check ??= compileSchema(schema)
    if (check(input)) return input as T
    throw badRequest(`invalid ${what}: ${[...new Set((check.errors ?? []).map(describe))].join('; ')}`)
  }
}
