/**
 * Requests a browser sends on another site's behalf (cross-site request forgery). Browsers send form
 * and empty-body POSTs to any origin without asking first, and name the page that made them in
 * `Origin` (RFC 6454 §7; `null` for opaque origins such as sandboxed frames and file: pages) and in
 * `Sec-Fetch-Site` (W3C Fetch Metadata). Curl and test clients send neither.
 */
import type { FastifyRequest } from 'fastify'
import type { HostAllowlist } from './host-allowlist.js'

/**
 * Why the request came from another site, or undefined. The request's own origin, and origins whose
 * host the allowlist accepts, are not other sites. A top-level navigation (a link followed to a GET)
 * is let through: it changes nothing, and the page it shows stays out of the linking site's reach.
 */
export function crossSiteReason(req: FastifyRequest, hosts: HostAllowlist): string | undefined {
  const navigation = (req.method === 'GET' || req.method === 'HEAD') && req.headers['sec-fetch-mode'] === 'navigate'
  if (navigation) return undefined
  if (req.headers['sec-fetch-site'] === 'cross-site') return 'the request is cross-site (Sec-Fetch-Site: cross-site)'
  const origin = req.headers.origin
  if (origin === undefined) return undefined
  const url = origin !== 'null' && URL.canParse(origin) ? new URL(origin) : undefined
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) return 'the request comes from an opaque or non-web Origin'
  if (url.host === req.headers.host?.toLowerCase() || hosts.allowsName(url.hostname.replace(/\.$/, ''))) return undefined
  return 'the request comes from a page on another site (Origin)'
}
