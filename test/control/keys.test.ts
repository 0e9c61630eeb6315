import { decodeProtectedHeader } from 'jose'
import { passwordGrant } from '../helpers/listening-app.js'
import { driven, eachDriver, failure } from '../helpers/control-client.js'
import { introspectOver } from '../helpers/oauth-fetch.js'

const FIXTURE_KID = 'D55-H2FI5fjEAFcjDz5j96bLp-8OF5Ms1R7N6IrWI8I'
const jwksKids = async (url: string): Promise<string[]> => ((await (await fetch(url)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid)

eachDriver('publish next, promote, retire: kids, JWKS and introspection follow', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const keysUrl = `${base}/oauth2/default/v1/keys`
  t.same(await c.keys.get('default'), { authServer: 'default', active: FIXTURE_KID, next: null, published: [FIXTURE_KID] })
  const before = await passwordGrant(base)

  const published = await c.keys.publishNext('default')
  const next = published.next!
  t.match(next, /^[A-Za-z0-9_-]{43}$/)
  t.same(published.published, [FIXTURE_KID, next])
  t.same(await jwksKids(keysUrl), [FIXTURE_KID, next], 'published ahead of use')
  const jwks = (await (await fetch(keysUrl)).json()) as { keys: Array<Record<string, unknown>> }
  t.same(Object.keys(jwks.keys[1]!).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use'], 'public members only')
  t.equal(decodeProtectedHeader((await passwordGrant(base)).access_token).kid, FIXTURE_KID, 'still signing with the active key')
  t.match(await failure(() => c.keys.publishNext('default')), { statusCode: 409 })

  t.same(await c.keys.promote('default'), { authServer: 'default', active: next, next: null, published: [next, FIXTURE_KID] })
  const after = await passwordGrant(base)
  t.equal(decodeProtectedHeader(after.access_token).kid, next, 'new tokens carry the new kid')
  t.equal(decodeProtectedHeader(after.id_token).kid, next)
  t.equal((await introspectOver(base, before.access_token)).active, true, 'old tokens verify while the old key is published')

  t.match(await failure(() => c.keys.retire('default', { kid: next })), { statusCode: 409, message: /active key/ })
  t.same(await c.keys.retire('default'), { authServer: 'default', active: next, next: null, published: [next] })
  t.same(await jwksKids(keysUrl), [next], 'the JWKS no longer lists the old key')
  t.same(await introspectOver(base, before.access_token), { active: false }, 'tokens signed with the retired key are inactive')
  t.equal((await introspectOver(base, after.access_token)).active, true)
  t.match(await failure(() => c.keys.promote('default')), { statusCode: 409, message: /no next key/ })
  t.match(await failure(() => c.keys.get('nope')), { statusCode: 404 })
  t.match(await failure(() => c.keys.retire('default', { kid: 'gone' })), { statusCode: 404 })
})

eachDriver('the org server rotates the keys of its ID tokens', async (t, driver) => {
  const { c, base } = await driven(t, driver)
  const { active } = await c.keys.get('org')
  const { next } = await c.keys.publishNext('org')
  await c.keys.promote('org')
  const tokens = await passwordGrant(base, { server: '' })
  t.equal(decodeProtectedHeader(tokens.id_token).kid, next)
  await c.keys.retire('org', { kid: active })
  t.same(await jwksKids(`${base}/oauth2/v1/keys`), [next])
})

eachDriver('two racing publishNext calls: one next key, one 409', async (t, driver) => {
  const { c } = await driven(t, driver)
  const results = await Promise.allSettled([c.keys.publishNext('default'), c.keys.publishNext('default')])
  t.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
  const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined
  t.match(rejected?.reason, { statusCode: 409 })
  t.equal((await c.keys.get('default')).published.length, 2)
})
