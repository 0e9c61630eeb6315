/**
 * Reading what a remediation was sent (docs/identity-engine.md, "Requests"): JSON objects only, string
 * fields of bounded length. A value that breaks these rules is a bad request; nothing of it is repeated.
 */
import { IdxError } from './idx-error.js'
import { IDX_MESSAGES } from './messages.js'

/** Okta caps logins at 100 characters and passwords far below this; longer values are malformed. */
export const MAX_FIELD_LENGTH = 1024

export type Input = Readonly<Record<string, unknown>>

export const badRequest = (code: string): IdxError => new IdxError(400, [IDX_MESSAGES.badRequest], code)

export function inputOf(body: unknown): Input {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('idx_body_not_object')
  return body as Input
}

/** A required string field; `undefined` when absent or empty, a bad request when of another type or too long. */
export function textField(input: Input, name: string): string | undefined {
  if (!Object.hasOwn(input, name)) return undefined
  const value = input[name]
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string' || value.length > MAX_FIELD_LENGTH) throw badRequest(`idx_field_invalid:${name}`)
  return value
}

/** A nested object field (`credentials`, `authenticator`). */
export function objectField(input: Input, name: string): Input | undefined {
  if (!Object.hasOwn(input, name) || input[name] === undefined || input[name] === null) return undefined
  return inputOf(input[name])
}

/** `credentials.passcode`, the password of the identify and challenge forms. */
export function passcodeOf(input: Input): string | undefined {
  const credentials = objectField(input, 'credentials')
  return credentials && textField(credentials, 'passcode')
}
