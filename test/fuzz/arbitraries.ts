/** Generated requests for the fuzz properties: parameters, values, credentials and bodies. */
import fc from 'fast-check'
import { SERVICE, WEB, basic, signIn, type TestApp } from '../helpers/app.js'

/** Every parameter the core endpoints read, plus ones they must ignore. */
export const PARAMS = [
  'grant_type',
  'refresh_token',
  'scope',
  'client_id',
  'client_secret',
  'username',
  'password',
  'token',
  'token_type_hint',
  'redirect_uri',
  'client_assertion',
  'client_assertion_type',
  'code',
  'code_verifier',
  'foo',
  '__proto__',
  'constructor',
  'grant_type[]',
] as const

/** Real tokens are only known at run time: a value is either a literal or a reference to a fixture token. */
export type Value = { literal: string } | { real: 'nativeRT' | 'nativeAT' | 'webRT' | 'webAT' | 'webID' }
export type Fixtures = Record<'nativeRT' | 'nativeAT' | 'webRT' | 'webAT' | 'webID', string>
export const resolve = (v: Value, f: Fixtures): string => ('literal' in v ? v.literal : f[v.real])

/** Fresh tokens of a native (public) and a web (confidential) sign-in. */
export async function fixtures(app: TestApp): Promise<Fixtures> {
  const native = await signIn(app.app)
  const web = await signIn(app.app, { client: 'web-app' })
  return { nativeRT: native.refresh_token, nativeAT: native.access_token, webRT: web.refresh_token, webAT: web.access_token, webID: web.id_token! }
}

/** A form body as the server's parser sees it (repeated names as lists), for presentedBy. */
export const parsedBody = (payload: string): Record<string, string[]> => {
  const body: Record<string, string[]> = Object.create(null)
  for (const [k, v] of new URLSearchParams(payload)) (body[k] ??= []).push(v)
  return body
}

const junk: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('', ' ', '%', '%ZZ', '%E0%A4%A', '\u0000', '\r\n', 'a.b.c', '..', 'A'.repeat(43), 'x'.repeat(5000), 'eyJhbGciOiJub25lIn0.e30.'),
)

const meaningful: Record<string, readonly string[]> = {
  grant_type: ['refresh_token', 'password', 'client_credentials', 'authorization_code', 'implicit', 'REFRESH_TOKEN'],
  scope: ['openid', 'api:read', 'openid profile email offline_access', 'offline_access', 'api:read api:write', 'a"b'],
  client_id: ['native-app', 'web-app', 'service-app', 'spa-app', 'nope'],
  client_secret: [WEB.secret, SERVICE.secret, 'wrong-secret'],
  username: ['alice@example.com', 'bob@example.com'],
  password: ['alice-password', 'wrong-password'],
  token_type_hint: ['access_token', 'refresh_token', 'id_token', 'foo'],
}

export const value = (name: string): fc.Arbitrary<Value> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(Object.hasOwn(meaningful, name) ? meaningful[name]! : ['x'])).map((literal) => ({ literal })) },
    { weight: 2, arbitrary: junk.map((literal) => ({ literal })) },
    { weight: 2, arbitrary: fc.constantFrom('nativeRT', 'nativeAT', 'webRT', 'webAT', 'webID').map((real) => ({ real }) as Value) },
  )

/** A parameter list with possible duplicates and random order. */
export const params: fc.Arbitrary<Array<[string, Value]>> = fc.array(
  fc.constantFrom(...PARAMS).chain((name) => value(name).map((v) => [name, v] as [string, Value])),
  { maxLength: 8 },
)

/** How credentials are presented. */
export type Auth = 'none' | 'web' | 'service' | 'wrong' | { header: string }
export const auth: fc.Arbitrary<Auth> = fc.oneof(
  fc.constantFrom<Auth>('none', 'web', 'service', 'wrong'),
  fc.string({ maxLength: 40 }).map((s) => ({ header: `Basic ${s}` })),
  fc.string({ maxLength: 30 }).map((s) => ({ header: `Basic ${Buffer.from(s).toString('base64')}` })),
  fc.constantFrom('Bearer x', 'Basic', 'basic  d2ViLWFwcDp3ZWItYXBwLXNlY3JldA==', 'Digest a=b').map((header) => ({ header })),
)

export function authHeader(a: Auth): Record<string, string> {
  if (a === 'none') return {}
  if (a === 'web') return { authorization: basic(WEB.id, WEB.secret) }
  if (a === 'service') return { authorization: basic(SERVICE.id, SERVICE.secret) }
  if (a === 'wrong') return { authorization: basic(WEB.id, 'not-the-secret') }
  // Header values must be Latin-1 text without CR/LF to be sendable at all.
  return { authorization: a.header.replace(/[^\x20-\x7e]/g, '?') }
}

/** Encodes a parameter list: each name and value percent-encoded, or left raw. */
export const encoding = fc.constantFrom<'uri' | 'raw' | 'form'>('uri', 'form', 'raw')
export function encodeParams(list: Array<[string, string]>, how: 'uri' | 'raw' | 'form'): string {
  if (how === 'form') {
    const p = new URLSearchParams()
    for (const [k, v] of list) p.append(k, v)
    return p.toString()
  }
  return list.map(([k, v]) => (how === 'uri' ? `${encodeURIComponent(k)}=${encodeURIComponent(v)}` : `${k}=${v}`)).join('&')
}

/** Percent-encodes characters of `text` at random (either case of hex), `+` or `%20` for spaces. */
export const reencoded = (text: string): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom<'raw' | 'upper' | 'lower'>('raw', 'upper', 'lower'), { minLength: text.length, maxLength: text.length }).map((choices) =>
    [...text]
      .map((c, i) => {
        const choice = choices[i]
        if (c === ' ') return choice === 'raw' ? '+' : '%20'
        const hex = Buffer.from(c).toString('hex')
        const pct = hex.replace(/(..)/g, '%$1')
        if (choice === 'raw' && /[A-Za-z0-9\-._~:]/.test(c)) return c
        return choice === 'lower' ? pct.toLowerCase() : pct.toUpperCase()
      })
      .join(''),
  )
