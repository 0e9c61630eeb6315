/**
 * Calls the control API (/__mockta/…) through inject, as JSON: a write without a body sends `{}`,
 * as the control API requires of every request that changes something (docs/security.md).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

export function control(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const payload = body === undefined && method !== 'GET' ? {} : body
  return app.inject({
    method,
    url: `/__mockta${path}`,
    headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(payload !== undefined && { payload: JSON.stringify(payload) }),
  })
}
