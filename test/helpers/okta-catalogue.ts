/**
 * Okta's published OAuth error catalogue (`vendor/okta/oauth2-error-codes.json`, release 2026.08.1),
 * vendored unchanged with its provenance (vendor/okta/README.md). Expected error bodies come from it,
 * so a test fails if mockta's own table drifts from Okta's wire texts.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface CatalogueRow {
  title: string
  statusCode: number
  statusReasonPhrase: string
  internalErrorCode: string
  /** The wire `error`. */
  errorCode: string
  /** The wire `error_description`; template parameters appear as the word `en`. */
  errorDescription: string
}

// test/helpers → project root → vendor/okta/.
export const CATALOGUE_PATH = fileURLToPath(new URL('../../vendor/okta/oauth2-error-codes.json', import.meta.url))

let rows: readonly CatalogueRow[] | undefined

export function catalogue(): readonly CatalogueRow[] {
  rows ??= (JSON.parse(readFileSync(CATALOGUE_PATH, 'utf8')) as { errors: CatalogueRow[] }).errors
  return rows
}

export function catalogueRow(internalErrorCode: string): CatalogueRow {
  const matches = catalogue().filter((r) => r.internalErrorCode === internalErrorCode)
  if (matches.length !== 1) throw new Error(`${matches.length} catalogue rows for ${internalErrorCode}`)
  return matches[0]!
}

/** The catalogue's placeholder: the word `en` on its own (`[en]`, `'en'`, `: en.`). */
const PLACEHOLDER = /(?<![A-Za-z])en(?![A-Za-z])/

/** Fills the catalogue's placeholders, in order, with `args`. */
export function renderCatalogueText(text: string, ...args: string[]): string {
  const rendered = args.reduce((out, arg) => out.replace(PLACEHOLDER, () => arg), text)
  if (PLACEHOLDER.test(rendered)) throw new Error(`unfilled placeholder in ${JSON.stringify(text)}`)
  return rendered
}

/** What the wire carries for an Okta error: status and the exact `{error, error_description}` body. */
export function oktaWire(internalErrorCode: string, ...args: string[]): { status: number; body: { error: string; error_description: string } } {
  const row = catalogueRow(internalErrorCode)
  return { status: row.statusCode, body: { error: row.errorCode, error_description: renderCatalogueText(row.errorDescription, ...args) } }
}
