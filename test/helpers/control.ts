/** Calls the control API (/__mockta/…) through inject, as JSON. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

export function control(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url: `/__mockta${path}`,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { payload: JSON.stringify(body) }),
  })
}
