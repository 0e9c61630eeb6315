/**
 * Logs (docs/reliability.md § G9, SP-2): one `request` line per request with its path and no query string,
 * and no secret, credential or token anywhere, in any common encoding, even at `trace`.
 */
import t from 'tap'
import { DEFAULT_AS, FORM, WEB, basic, buildTestApp, form, post, refresh, signIn } from '../helpers/app.js'

/** The forms a value could take in a log: as is, URL-encoded, form-encoded, base64 and base64url. */
const encodings = (value: string): string[] => [
  value,
  encodeURIComponent(value),
  new URLSearchParams({ v: value }).toString().slice(2),
  Buffer.from(value).toString('base64'),
  Buffer.from(value).toString('base64url'),
]

const substrings = (value: string, length: number): string[] => Array.from({ length: Math.max(0, value.length - length + 1) }, (_, i) => value.slice(i, i + length))

t.test('secrets, credentials and tokens never reach the logs; query strings neither', async (t) => {
  const { app, ctx, logs } = await buildTestApp(t)
  const webBasic = basic(WEB.id, WEB.secret)
  const wrongSecret = 'wrong-secret-9d2f61'
  const wrongBasic = basic(WEB.id, wrongSecret)

  const issued = await signIn(app, { client: 'web-app' })
  const refreshed = await refresh(app, issued.refresh_token, {}, { client: 'web-app' })
  t.equal(refreshed.statusCode, 200)
  const second = refreshed.json()
  t.equal((await post(app, 'introspect', { token: second.access_token }, { authorization: webBasic })).json().active, true)
  t.equal((await post(app, 'revoke', { token: second.refresh_token }, { authorization: webBasic })).statusCode, 200)
  t.equal((await post(app, 'token', { grant_type: 'client_credentials', scope: 'api:read' }, { authorization: wrongBasic })).statusCode, 401)
  // A token in the query string is never read, and never logged (SP-15, docs/reliability.md § #60).
  const inQuery = await app.inject({
    method: 'POST',
    url: `${DEFAULT_AS}/token?refresh_token=${encodeURIComponent(issued.refresh_token)}&id_token_hint=${issued.id_token}`,
    headers: { ...FORM, authorization: webBasic },
    payload: form({ grant_type: 'refresh_token' }),
  })
  t.equal(inQuery.statusCode, 400)

  const lines = logs()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
  const requests = lines.filter((l) => l['msg'] === 'request')
  const paths = ['token', 'token', 'introspect', 'revoke', 'token', 'token'].map((e) => `${DEFAULT_AS}/${e}`)
  t.strictSame(
    requests.map((l) => l['path']),
    paths,
    'one request line per request, with its path',
  )
  t.strictSame(
    requests.map((l) => l['status']),
    [200, 200, 200, 200, 401, 400],
  )
  t.notOk(
    requests.some((l) => String(l['path']).includes('?') || 'url' in l),
    'no request line carries a query string or raw URL',
  )
  t.notMatch(logs(), /refresh_token=|id_token_hint/, 'no query parameter anywhere in the logs')

  const secrets = ctx.config.clients.flatMap((c) => (c.secret === undefined ? [] : [c.secret]))
  const credentials = [...secrets, wrongSecret, webBasic, wrongBasic, webBasic.slice('Basic '.length), wrongBasic.slice('Basic '.length)]
  const tokens = [issued.access_token, issued.refresh_token, issued.id_token!, second.access_token, second.refresh_token, second.id_token]
  const passwords = ctx.config.users.map((u) => u.password)
  const text = logs()
  for (const value of [...credentials, ...tokens, ...passwords]) {
    const leaked = encodings(value).filter((encoded) => text.includes(encoded))
    t.strictSame(leaked, [], `${value.slice(0, 6)}…: absent in every encoding`)
  }
  for (const token of tokens) {
    const leaked = substrings(token, 12).filter((part) => text.includes(part))
    t.strictSame(leaked, [], `${token.slice(0, 6)}…: no 12-character part of it`)
  }
  t.ok(text.length > 0 && requests.length === 6, 'sanity: the logs were captured')
})
