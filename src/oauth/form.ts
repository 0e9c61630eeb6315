/** Turns a parsed form body into the parameters a route may read (RFC 6749 §3.2, Okta duplicates rule). */
import { oktaError } from '../errors/oauth-error.js'

export type Form = Readonly<Record<string, string>>

/**
 * Keeps only the known parameters. A known parameter sent twice is an error naming every duplicate
 * (Okta: illegal_duplicated_parameters); unknown ones are ignored, duplicated or not (RFC 6749 §3.2).
 * Parameters sent without a value are treated as omitted (RFC 6749 §3.1).
 */
export function readForm(body: unknown, known: readonly string[]): Form {
  const form: Record<string, string> = Object.create(null)
  if (body === null || typeof body !== 'object') return form
  const source = body as Record<string, unknown>
  const duplicated: string[] = []
  for (const name of known) {
    if (!Object.hasOwn(source, name)) continue
    const value = source[name]
    if (Array.isArray(value)) duplicated.push(name)
    else if (typeof value === 'string' && value !== '') form[name] = value
  }
  if (duplicated.length > 0) throw oktaError('illegal_duplicated_parameters', duplicated.join(', '))
  return form
}

/** Values in the query string are never credentials or tokens (docs/reliability.md § SP-15); only the cases Okta documents are read. */
export function readQuery(query: unknown, name: string): string | undefined {
  if (query === null || typeof query !== 'object') return undefined
  const value = (query as Record<string, unknown>)[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

export function hasQueryParam(query: unknown, names: readonly string[]): boolean {
  if (query === null || typeof query !== 'object') return false
  return names.some((n) => Object.hasOwn(query, n))
}
