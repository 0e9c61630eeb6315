/** The control API's OpenAPI 3.1 document, generated from the route table so it cannot drift. */
import { readFileSync } from 'node:fs'
import { schemaPath } from '../../config/load.js'
import { packageVersion } from '../../package-root.js'
import { controlRoutes } from './route-table.js'

const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', enum: ['bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'unsupported_media_type', 'store_unavailable', 'server_error'] },
    message: { type: 'string' },
  },
}

/** JSON Schema `#/definitions/x` references of the configuration schema, re-rooted under components. */
const rerooted = (value: unknown): unknown => JSON.parse(JSON.stringify(value).replaceAll('"#/definitions/', '"#/components/schemas/'))

type JsonSchema = { required?: string[]; properties: Record<string, Record<string, unknown>> }

/**
 * What the user and client writes accept beyond the configuration file's forms: a listed item written
 * back as it is. The password and the secret are write-only (a write without one keeps the replaced
 * item's); `confidential` is read-only, derived from the secret, and ignored on write.
 */
function writeForms(definitions: Record<string, unknown>): Record<string, unknown> {
  const user = structuredClone(definitions['user']) as JsonSchema
  const client = structuredClone(definitions['client']) as JsonSchema
  user.required = (user.required ?? []).filter((name) => name !== 'password')
  user.properties['password'] = {
    ...user.properties['password'],
    writeOnly: true,
    description: 'Write-only; left out, the replaced user keeps its password (a new user needs one).',
  }
  client.properties['secret'] = {
    ...client.properties['secret'],
    writeOnly: true,
    description: 'Write-only; left out, the replaced client keeps its secret unless authMethods is ["none"]. Absent for public clients.',
  }
  client.properties['confidential'] = { type: 'boolean', readOnly: true, description: 'Whether the client has a secret; listed, ignored on write.' }
  return { userWrite: { ...user, title: 'User (write)' }, clientWrite: { ...client, title: 'Client (write)' } }
}

export function openApiDocument(prefix: string): Record<string, unknown> {
  const configSchema = JSON.parse(readFileSync(schemaPath, 'utf8')) as { definitions: Record<string, unknown> }
  const version = packageVersion()
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of controlRoutes) {
    const params = [...route.url.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }))
    const query = Object.entries(route.query?.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema }))
    // Every write carries a JSON body, `{}` when the route takes none (docs/security.md: no cross-site writes).
    const write = route.method !== 'GET'
    const body =
      route.body === undefined
        ? write
          ? { type: 'object', maxProperties: 0, description: 'send {}' }
          : undefined
        : typeof route.body === 'string'
          ? { $ref: `#/components/schemas/${route.body}` }
          : route.body
    const ok = route.status ?? 200
    paths[`${prefix}${route.url}`] ??= {}
    paths[`${prefix}${route.url}`]![route.method.toLowerCase()] = {
      tags: [route.tag],
      summary: route.summary,
      ...(params.length + query.length > 0 && { parameters: [...params, ...query] }),
      ...(body && { requestBody: { required: true, content: { 'application/json': { schema: body } } } }),
      responses: {
        [String(ok)]: { description: 'done', content: { 'application/json': { schema: {} } } },
        '204': { description: 'done, nothing to return' },
        default: {
          description: `error (400 bad input, 401 missing admin token, 403 a Host not allowed, a request from another site or not on loopback, 404 unknown, 409 conflict${write ? ', 415 not application/json or no body' : ''})`,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ControlError' } } },
        },
      },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'mockta control API',
      version,
      description:
        'Test controls: clock, faults, journal, minting, runtime data, key rotation, reset. See docs/control-plane.md in the mockta repository. ' +
        "Answered only for loopback Host names, the base URL's host and control.allowedHosts; requests from other sites' pages (Origin, Sec-Fetch-Site) are refused; " +
        'every write is Content-Type: application/json with a body ({} when it takes none). See docs/security.md in the mockta repository.',
    },
    paths,
    components: {
      schemas: { ...(rerooted({ ...configSchema.definitions, ...writeForms(configSchema.definitions) }) as Record<string, unknown>), ControlError: errorSchema },
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'MOCKTA_ADMIN_TOKEN; not needed when mockta listens on loopback only' } },
    },
    security: [{}, { adminToken: [] }],
  }
}
