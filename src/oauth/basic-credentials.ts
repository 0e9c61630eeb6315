/**
 * Client credentials in `Authorization: Basic` (RFC 6749 §2.3.1, Appendix B): parsed strictly, as a
 * pure function of the header's value, for client authentication (http/client-auth.ts) and for the
 * control plane's description of a request (control/oauth-request.ts).
 */
import { oktaError } from '../errors/oauth-error.js'

/** The credentials a request presents, before anyone checks them. */
export interface Presented {
  id: string
  secret: string | undefined
  viaHeader: boolean
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const SCHEME = /^basic +/i
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true })

/** Parses `Authorization: Basic …` strictly; undefined when there is no Authorization header. */
export function basicCredentials(header: string | undefined): Presented | undefined {
  if (header === undefined) return undefined
  const invalid = () => oktaError('invalid_basic_auth_creds')
  const scheme = SCHEME.exec(header)
  if (!scheme) throw invalid()
  const token = header.slice(scheme[0].length)
  // Node's base64 decoder skips junk; check the alphabet and padding first (docs/reliability.md § #47).
  if (token.length % 4 !== 0 || !BASE64.test(token)) throw invalid()
  let decoded: string
  try {
    decoded = fatalUtf8.decode(Buffer.from(token, 'base64'))
  } catch {
    throw invalid()
  }
  const colon = decoded.indexOf(':')
  // okta-auth-js authenticates public clients as `Basic base64(client_id)`, without a colon.
  const rawId = colon === -1 ? decoded : decoded.slice(0, colon)
  const rawSecret = colon === -1 ? undefined : decoded.slice(colon + 1)
  const id = formDecode(rawId)
  const secret = rawSecret === undefined ? undefined : formDecode(rawSecret)
  if (!id || secret === '' || secret === null) throw invalid()
  return { id, secret, viaHeader: true }
}

/** RFC 6749 §2.3.1 / Appendix B: id and secret are form-encoded before base64. `null` when malformed. */
function formDecode(value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    return null
  }
}
