/** mockta's browser cookies: reading the Cookie header and writing Set-Cookie, with the `cookie` library. */
import { parse, serialize } from 'cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** The signed-in session (Okta: `sid`). */
export const SESSION_COOKIE = 'mockta_sid'
/** A random value per browser that sign-in forms are bound to (CSRF defence, double submit). */
export const BROWSER_COOKIE = 'mockta_browser'

export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie
  if (header === undefined) return undefined
  const value = parse(header)[name]
  return value === undefined || value === '' ? undefined : value
}

/** HttpOnly and SameSite=Lax: scripts cannot read it and cross-site POSTs do not carry it. */
export function setCookie(reply: FastifyReply, name: string, value: string, options: { secure: boolean; maxAgeSeconds?: number }): void {
  const cookie = serialize(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: options.secure,
    ...(options.maxAgeSeconds !== undefined && { maxAge: options.maxAgeSeconds }),
  })
  // Fastify appends repeated set-cookie headers instead of replacing them.
  reply.header('set-cookie', cookie)
}

export function clearCookie(reply: FastifyReply, name: string, secure: boolean): void {
  setCookie(reply, name, '', { secure, maxAgeSeconds: 0 })
}
