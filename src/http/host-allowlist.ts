/**
 * The Host names mockta's own, credential-free surfaces answer (the control plane under /__mockta/;
 * whatever else mockta serves that is not Okta's API). A page whose name an attacker rebinds to
 * 127.0.0.1 (DNS rebinding) reaches a server on loopback with its own name in Host, so the name,
 * not the socket's address, says who the request was meant for (RFC 9110 §7.2). Loopback names and
 * addresses, the base URL's host and the configured `control.allowedHosts` are allowed, with any port.
 * The OAuth endpoints answer any Host: containers reach mockta by service name.
 */
import type { FastifyRequest } from 'fastify'

/** What a Host header (RFC 9110 §7.2: uri-host [":" port]) may hold; no path, userinfo or spaces. */
const HOST_HEADER = /^[A-Za-z0-9._~%!$&'()*+,;=:[\]-]{1,255}$/
const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/
const LOOPBACK_V6 = new Set(['[::1]', '[::ffff:7f00:1]'])
/** An absolute-form request target (RFC 9112 §3.2.2), which names the host itself. */
const ABSOLUTE_FORM = /^https?:\/\//i

/**
 * The lower-case host name of a Host header value or an authority, in WHATWG URL form (`127.1` is
 * 127.0.0.1, `[0::1]` is [::1]), without port or trailing dot; undefined when it is not one.
 */
export function hostnameOf(authority: string): string | undefined {
  if (!HOST_HEADER.test(authority) || !URL.canParse(`http://${authority}/`)) return undefined
  const url = new URL(`http://${authority}/`)
  if (url.username !== '' || url.password !== '' || url.pathname !== '/') return undefined
  return url.hostname.replace(/\.$/, '')
}

export const isLoopbackName = (hostname: string): boolean => hostname === 'localhost' || hostname.endsWith('.localhost') || LOOPBACK_V4.test(hostname) || LOOPBACK_V6.has(hostname)

export class HostAllowlist {
  /** `*` in the list: any host is allowed (a network whose every name is trusted). */
  readonly any: boolean
  private readonly names = new Set<string>()
  /** `.example.test` entries, kept with their dot: the domain itself and every subdomain. */
  private readonly domains: string[] = []

  /** `entries`: control.allowedHosts; the base URL's host is always allowed. */
  constructor(baseUrl: string, entries: readonly string[]) {
    this.any = entries.includes('*')
    const base = URL.canParse(baseUrl) ? new URL(baseUrl).hostname : undefined
    if (base) this.names.add(base.replace(/\.$/, ''))
    for (const entry of entries) {
      if (entry === '*') continue
      if (entry.startsWith('.')) this.domains.push(entry.toLowerCase())
      else {
        const name = hostnameOf(entry)
        if (name !== undefined) this.names.add(name)
      }
    }
  }

  /** Whether a host name (as `hostnameOf` returns it) is one mockta answers here. */
  allowsName(hostname: string): boolean {
    if (this.any || isLoopbackName(hostname) || this.names.has(hostname)) return true
    return this.domains.some((domain) => hostname === domain.slice(1) || hostname.endsWith(domain))
  }

  /**
   * The host a request was meant for when that host is not allowed, else undefined. Node and Fastify
   * route an absolute-form target by its path and keep the Host header; RFC 9112 §3.2.2 says the
   * target's authority wins. Both are judged, so neither can smuggle in a foreign name.
   */
  foreignHost(req: FastifyRequest): string | undefined {
    if (this.any) return undefined
    const host = req.headers.host
    if (host === undefined) return '(none)'
    const name = hostnameOf(host)
    if (name === undefined || !this.allowsName(name)) return host
    const target = req.raw.url ?? ''
    if (ABSOLUTE_FORM.test(target)) {
      const authority = URL.canParse(target) ? new URL(target).host : undefined
      const targetName = authority === undefined ? undefined : hostnameOf(authority)
      if (targetName === undefined || !this.allowsName(targetName)) return authority ?? target.slice(0, 100)
    }
    return undefined
  }
}
