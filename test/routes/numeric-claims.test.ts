/**
 * NumericDate claims (exp, iat, nbf, auth_time; RFC 7519 §2 and §4.1) that are not whole numbers make
 * a token invalid wherever it is presented, even signed with mockta's own key: JSON `1e400` parses
 * as Infinity, which passes jose's `exp` check for ever, and introspection must answer integers
 * (RFC 7662 §2.2).
 */
import { sign } from 'node:crypto'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../src/context.js'
import { DEFAULT_AS, buildTestApp, post, signIn } from '../helpers/app.js'
import { authorizeParams, codeThroughForm, pkcePair, redeem } from '../helpers/authorize.js'
import { kidOf } from '../helpers/forged-jwt.js'

/**
 * The token with one claim's JSON text replaced by `raw`, signed again with the very key that signed
 * it: only the claim's value is wrong, so only the claim check can refuse it.
 */
function withRawClaim(ctx: AppContext, token: string, claim: string, raw: string): string {
  const [header, payload] = token.split('.') as [string, string]
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
  const text = JSON.stringify({ ...claims, [claim]: '__RAW__' }).replace('"__RAW__"', raw)
  const key = ctx.servers.resolve('default').verificationKeys.get(kidOf(token))
  if (!key) throw new Error('the token was not signed by the default server')
  const input = `${header}.${Buffer.from(text).toString('base64url')}`
  return `${input}.${sign('sha256', Buffer.from(input, 'latin1'), key.privateKey).toString('base64url')}`
}

const nowSeconds = (ctx: AppContext): number => Math.floor(ctx.clock.nowMs() / 1000)

/** Every bad value of every NumericDate claim, as JSON text. */
const badValues = (ctx: AppContext): Array<[string, string]> => {
  const soon = nowSeconds(ctx) + 3600
  return [
    ['exp', '1e400'],
    ['exp', `${soon}.5`],
    ['exp', '"9999999999"'],
    ['exp', '1e300'],
    ['iat', '1e400'],
    ['iat', `${soon - 3600}.25`],
    ['nbf', '-1e400'],
    ['nbf', '0.5'],
    ['auth_time', '1e400'],
    ['auth_time', '"yesterday"'],
  ]
}

const introspect = (app: FastifyInstance, token: string) => post(app, 'introspect', { token, client_id: 'native-app' })

t.test('introspection: {"active":false} for every non-integer NumericDate, active for the untouched token', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const tokens = await signIn(app)
  t.match((await introspect(app, tokens.access_token)).json(), { active: true, exp: Number }, 'the token itself is live')
  t.match((await introspect(app, withRawClaim(ctx, tokens.access_token, 'auth_time', String(nowSeconds(ctx))))).json(), { active: true }, 'an integer auth_time is fine')
  for (const token of [tokens.access_token, tokens.id_token!]) {
    for (const [claim, raw] of badValues(ctx)) {
      const res = await introspect(app, withRawClaim(ctx, token, claim, raw))
      t.equal(res.statusCode, 200)
      t.equal(res.body, '{"active":false}', `${token === tokens.access_token ? 'access' : 'ID'} token with ${claim} ${raw}`)
    }
  }
})

t.test('userinfo: 401 invalid_token for an access token with a non-integer NumericDate', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const tokens = await signIn(app, { scope: 'openid profile' })
  const ask = (token: string) => app.inject({ method: 'GET', url: `${DEFAULT_AS}/userinfo`, headers: { authorization: `Bearer ${token}` } })
  t.equal((await ask(tokens.access_token)).statusCode, 200, 'the token itself works')
  for (const [claim, raw] of badValues(ctx)) {
    const res = await ask(withRawClaim(ctx, tokens.access_token, claim, raw))
    t.equal(res.statusCode, 401, `${claim} ${raw}`)
    t.match(res.headers['www-authenticate'], /error="invalid_token"/)
  }
})

t.test('logout: an id_token_hint with a non-integer NumericDate is no hint of this server', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const { verifier, challenge } = pkcePair()
  const { code } = await codeThroughForm(app, authorizeParams(challenge))
  const hint = (await redeem(app, code, verifier)).json<{ id_token: string }>().id_token
  const logout = (token: string) => app.inject({ method: 'GET', url: `${DEFAULT_AS}/logout?${new URLSearchParams({ id_token_hint: token })}` })
  for (const [claim, raw] of badValues(ctx)) {
    const res = await logout(withRawClaim(ctx, hint, claim, raw))
    t.equal(res.statusCode, 400, `${claim} ${raw}`)
    t.match(res.body, 'The &#39;id_token_hint&#39; parameter is not a valid ID token', 'the error page says the hint is not valid')
  }
  t.equal((await logout(hint)).statusCode, 200, 'the untouched hint signs out (no redirect URI: the signed-out page)')
})
