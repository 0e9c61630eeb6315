/**
 * The TOTP control endpoint (docs/authentication-api.md § 1.4): a user's current code by login or id,
 * on mockta's clock, through HTTP and the startMockta() handle; users given a factor at runtime keep
 * its secret through a write that leaves it out.
 */
import t from 'tap'
import { currentTotp } from '../../src/authn/totp.js'
import { startMockta } from '../../src/start-mockta.js'
import { TOTP_SECRET } from '../helpers/authn-users.js'

t.test('startMockta(): a user given a TOTP factor at runtime; totp(user) follows the clock; a write-back keeps the secret', async (t) => {
  const mockta = await startMockta()
  t.teardown(() => mockta.close())
  const user = await mockta.users.put({ login: 'tess@example.com', password: 'tess-password', factors: [{ type: 'token:software:totp', secret: TOTP_SECRET }] })
  t.match(user.factors, [{ type: 'token:software:totp', id: /^ost/ }])
  t.notOk(JSON.stringify(user).includes(TOTP_SECRET), 'the secret is write-only')
  const now = Date.parse((await mockta.clock.now()).now)
  const shown = await mockta.totp('tess@example.com')
  t.equal(shown.code, currentTotp(TOTP_SECRET, now).code)
  t.equal(shown.factorId, user.factors![0]!.id)
  await mockta.clock.advance({ seconds: 30 })
  t.equal((await mockta.totp(user.id)).code, currentTotp(TOTP_SECRET, now + 30_000).code, 'by id, after the clock moved')
  // The listed user written back as it is: the factor keeps its secret.
  await mockta.users.put({ ...user, profile: { firstName: 'Tess' } }, user.id)
  t.equal((await mockta.totp(user.id)).code, currentTotp(TOTP_SECRET, now + 30_000).code)
  const res = await fetch(`${mockta.baseUrl}/__mockta/users/nobody@example.com/totp`)
  t.equal(res.status, 404)
})
