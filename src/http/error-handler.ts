/** The single place where errors become HTTP: OAuth JSON for OAuth routes, Okta's API body otherwise. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { mocktaError, oktaError, OAuthError, OktaApiError } from '../errors/oauth-error.js'
import type { Ids } from '../ids.js'
import { BearerError } from '../errors/bearer-error.js'
import { StoreUnavailableError } from '../store/store-unavailable.js'

/** Fastify's own client errors, mapped to the OAuth error a client can act on. */
function fromFastify(err: FastifyError): OAuthError {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return mocktaError('unsupported_media_type')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return mocktaError('body_too_large')
    default:
      return mocktaError('malformed_body')
  }
}

export function sendOAuthError(reply: FastifyReply, err: OAuthError): FastifyReply {
  return reply.code(err.statusCode).headers(err.headers).type('application/json').send({ error: err.error, error_description: err.message })
}

export function errorHandler(ids: Ids) {
  return function handle(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): FastifyReply {
    // RFC 6750 §3 at /userinfo: the error travels in WWW-Authenticate only (docs/okta-behaviour.md § 10).
    if (err instanceof BearerError) return reply.code(err.statusCode).header('www-authenticate', err.challenge).send()
    if (err instanceof OAuthError) return sendOAuthError(reply, err)
    if (err instanceof StoreUnavailableError) return sendOAuthError(reply, mocktaError('store_unavailable'))
    if (err instanceof OktaApiError) {
      const errorId = ids.errorId()
      return reply
        .code(err.statusCode)
        .type('application/json')
        .send({
          errorCode: err.errorCode,
          errorSummary: err.summary,
          errorLink: err.errorCode,
          errorId,
          errorCauses: err.causes.map((errorSummary) => ({ errorSummary })),
        })
    }
    const status = (err as FastifyError).statusCode
    if (status !== undefined && status >= 400 && status < 500) return sendOAuthError(reply, fromFastify(err as FastifyError))
    // Unexpected: log the error (never the request body), answer Okta's generic server_error.
    req.log.error({ err: { type: err.name, code: (err as FastifyError).code } }, 'unhandled error')
    return sendOAuthError(reply, oktaError('server_error'))
  }
}
