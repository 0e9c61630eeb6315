/**
 * The lines a person at a terminal reads at start-up, besides the JSON log: where the issuers are,
 * which clients and users exist, where the control plane is. Ids, types and logins only: never a
 * secret or a password.
 */
import type { Config } from './config/types.js'
import { CONTROL_PREFIX } from './routes/control/routes.js'

/** Beyond this many clients or users, the rest are counted, not listed. */
const LISTED = 10

export interface SummaryIssuer {
  /** `org` for the org authorization server, else the custom server's id. */
  id: string
  issuer: string
}

const listed = <T>(items: readonly T[], line: (item: T) => string): string[] => [
  ...items.slice(0, LISTED).map((item) => `    ${line(item)}`),
  ...(items.length > LISTED ? [`    … and ${items.length - LISTED} more`] : []),
]

export function startupSummary(config: Config, issuers: readonly SummaryIssuer[], version: string): string {
  const width = (values: string[]): number => Math.max(0, ...values.map((v) => v.length))
  const idWidth = width(issuers.map((s) => s.id))
  const clientWidth = width(config.clients.slice(0, LISTED).map((c) => c.id))
  const lines = [
    `mockta ${version}, ${config.baseUrl}`,
    '  Issuers:',
    ...issuers.map((s) => `    ${s.id.padEnd(idWidth)}  ${s.issuer}`),
    `  Clients:${config.clients.length === 0 ? ' none' : ''}`,
    ...listed(config.clients, (c) => `${c.id.padEnd(clientWidth)}  ${c.secret === undefined ? 'public' : 'confidential'} (${c.type})`),
    `  Users:${config.users.length === 0 ? ' none' : ''}`,
    ...listed(config.users, (u) => u.login),
    `  Control plane: ${config.baseUrl}${CONTROL_PREFIX}/ (OpenAPI: ${config.baseUrl}${CONTROL_PREFIX}/openapi.json)`,
  ]
  return `${lines.join('\n')}\n`
}
