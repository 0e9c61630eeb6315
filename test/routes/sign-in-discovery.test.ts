/** Discovery advertises the sign-in endpoints now that they answer (docs/okta-behaviour.md § 1.3). */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

t.test('authorize, userinfo and end_session endpoints, response types and modes, S256', async (t) => {
  const { app } = await buildTestApp(t)
  const custom = (await app.inject({ method: 'GET', url: '/oauth2/default/.well-known/openid-configuration' })).json()
  const e = 'http://mockta.test/oauth2/default/v1'
  t.match(custom, {
    authorization_endpoint: `${e}/authorize`,
    userinfo_endpoint: `${e}/userinfo`,
    end_session_endpoint: `${e}/logout`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'code token', 'id_token token', 'code id_token token'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    code_challenge_methods_supported: ['S256'],
  })
  t.ok(custom.grant_types_supported.includes('authorization_code') && custom.grant_types_supported.includes('implicit'))
  const oauth = (await app.inject({ method: 'GET', url: '/oauth2/default/.well-known/oauth-authorization-server' })).json()
  t.equal(oauth.userinfo_endpoint, undefined, 'RFC 8414 metadata has no userinfo endpoint')
  t.equal(oauth.authorization_endpoint, `${e}/authorize`)
  t.ok(oauth.response_types_supported.includes('token'), 'RFC 8414 metadata adds a bare token')
  const org = (await app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).json()
  t.equal(org.authorization_endpoint, 'http://mockta.test/oauth2/v1/authorize')
  t.equal(org.end_session_endpoint, 'http://mockta.test/oauth2/v1/logout')
  // Every advertised endpoint answers something other than 404.
  for (const url of [custom.authorization_endpoint, custom.userinfo_endpoint, custom.end_session_endpoint, org.authorization_endpoint]) {
    const res = await app.inject({ method: 'GET', url: new URL(url).pathname })
    t.not(res.statusCode, 404, url)
  }
})
