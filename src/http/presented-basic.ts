/**
 * `Authorization: Basic` read once per request (RFC 6749 §2.3.1): client authentication uses it at
 * /token, /introspect and /revoke, and the faults and the journal describe the request with what it
 * found, so the header is never parsed twice.
 */
import type { FastifyRequest } from 'fastify'
import { basicCredentials, type Presented } from '../oauth/basic-credentials.js'

type ReadBasic = { presented: Presented | undefined } | { error: unknown }

declare module 'fastify' {
  interface FastifyRequest {
    /** The Basic credentials as first read; null until something asks. */
    mocktaBasic: ReadBasic | null
  }
}

function readBasic(req: FastifyRequest): ReadBasic {
  let read = req.mocktaBasic
  if (!read) {
    try {
      read = { presented: basicCredentials(req.headers.authorization) }
    } catch (error) {
      read = { error }
    }
    req.mocktaBasic = read
  }
  return read
}

/** The Basic credentials; throws invalid_basic_auth_creds when the header is malformed. */
export function presentedBasic(req: FastifyRequest): Presented | undefined {
  const read = readBasic(req)
  if ('error' in read) throw read.error
  return read.presented
}

/** The Basic credentials, or undefined when the header is absent or malformed: for describing a request. */
export function wellFormedBasic(req: FastifyRequest): Presented | undefined {
  const read = readBasic(req)
  return 'error' in read ? undefined : read.presented
}
