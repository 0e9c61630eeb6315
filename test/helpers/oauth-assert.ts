/** Assertions on OAuth error answers: Okta's exact status and body, and the shape rule docs/reliability.md § G2. */
import type { LightMyRequestResponse } from 'fastify'
import type { Extra } from 'tap'
import { mocktaErrors, type MocktaErrorCode } from '../../src/errors/okta-errors.js'
import { oktaWire } from './okta-catalogue.js'

type Message = [] | [string] | [Extra] | [string, Extra]

/** The tap assertions used here, so helpers can take any test object (tap's own type is plugin-generic). */
export interface Asserts {
  equal(found: unknown, wanted: unknown, ...message: Message): boolean
  ok(found: unknown, ...message: Message): boolean
  strictSame(found: unknown, wanted: unknown, ...message: Message): boolean
  match(found: unknown, pattern: unknown, ...message: Message): boolean
}

// OAuth 2.1 §3.2.4: error and error_description use %x20-21 / %x23-5B / %x5D-7E only.
const ERROR_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** docs/reliability.md § G2: JSON with `error` (and `error_description`) only; no Fastify keys, no stack, no forbidden characters. */
export function assertOAuthShape(t: Asserts, res: LightMyRequestResponse): Record<string, unknown> {
  t.match(res.headers['content-type'], /^application\/json/, 'JSON error')
  const body = res.json() as Record<string, unknown>
  t.ok(
    Object.keys(body).every((k) => k === 'error' || k === 'error_description'),
    `OAuth members only: ${Object.keys(body).join(', ')}`,
  )
  t.ok(typeof body['error'] === 'string' && ERROR_TEXT.test(body['error']), 'error uses the allowed characters')
  const description = body['error_description']
  t.ok(description === undefined || (typeof description === 'string' && ERROR_TEXT.test(description)), 'error_description uses the allowed characters')
  return body
}

/** The answer is Okta's catalogue error `code`, placeholders filled with `args`, byte for byte. */
export function assertOktaError(t: Asserts, res: LightMyRequestResponse, code: string, ...args: string[]): void {
  const wire = oktaWire(code, ...args)
  t.equal(res.statusCode, wire.status, `${code}: status`)
  assertOAuthShape(t, res)
  t.strictSame(res.json(), wire.body, `${code}: body`)
}

/** The answer is mockta's own error for a case Okta does not document (src/errors/okta-errors.ts). */
export function assertMocktaError(t: Asserts, res: LightMyRequestResponse, code: MocktaErrorCode, status: number, error: string): void {
  t.equal(res.statusCode, status, `${code}: status`)
  assertOAuthShape(t, res)
  t.strictSame(res.json(), { error, error_description: mocktaErrors[code].description }, `${code}: body`)
}
