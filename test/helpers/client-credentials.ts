/** Ways to present client credentials (docs/okta-behaviour.md § 3), including the malformed ones. */
import { WEB } from './app.js'

/** `Basic` + base64 of exactly `text`: no form-encoding, no colon added. */
export const basicOf = (text: string): string => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`

/** application/x-www-form-urlencoded, as RFC 6749 Appendix B requires before base64 (space → `+`). */
export const formEncode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2)

/** client_secret_basic exactly as RFC 6749 §2.3.1 spells it: form-encode id and secret, then base64. */
export const basicAppendixB = (id: string, secret: string): string => basicOf(`${formEncode(id)}:${formEncode(secret)}`)

/** The web app's credentials as a client_secret_post body. */
export const WEB_POST = { client_id: WEB.id, client_secret: WEB.secret }
