/**
 * The bad-input catalogue for the Authentication API's transactions (docs/authentication-api.md
 * § 1.4–1.6): wrong, used and mistyped codes, dead state tokens, steps the state does not offer, and
 * change_password's failures, each with Okta's status and errorCode. Run by inject.test.ts with the
 * other rows and checked against docs/reliability.md § G1–G9 (Okta's API error body stands for the
 * OAuth shape in G2).
 */
import type { InjectOptions } from 'fastify'
import { currentTotp } from '../../src/authn/totp.js'
import type { TestApp } from '../helpers/app.js'
import { CAROL, CAROL_USER, DAVE, TOTP_SECRET, factorIdOf } from '../helpers/authn-users.js'
import type { Row } from './rows.js'

const TOTP_ID = factorIdOf(CAROL_USER, 'token:software:totp')
const EMAIL_ID = factorIdOf(CAROL_USER, 'email')
const JSON_TYPE = { 'content-type': 'application/json' }

const call = (path: string, body: unknown): InjectOptions => ({
  method: 'POST',
  url: `/api/v1/authn${path}`,
  headers: JSON_TYPE,
  payload: typeof body === 'string' ? body : JSON.stringify(body),
})

async function start(t: TestApp, user: { username: string; password: string }): Promise<string> {
  const res = await t.app.inject(call('', { username: user.username, password: user.password }))
  return res.json<{ stateToken: string }>().stateToken
}

/** A code that is not the current TOTP code (nor one step either side). */
function wrongTotp(t: TestApp): string {
  const now = t.ctx.clock.nowMs()
  const near = new Set([-30_000, 0, 30_000].map((d) => currentTotp(TOTP_SECRET, now + d).code))
  return ['000000', '111111', '222222', '333333'].find((c) => !near.has(c))!
}

const expect = (status: number, error: string) => ({ status, error })

export function authnRows(): Row[] {
  const row = (variant: string, request: Row['request'], status: number, error: string, extra: Partial<Row> = {}): Row => ({
    case: 'AUTHN',
    variant,
    config: 'mfa',
    request,
    expect: expect(status, error),
    ...extra,
  })
  return [
    row('a wrong TOTP code', async (f) => call(`/factors/${TOTP_ID}/verify`, { stateToken: await start(f.t, CAROL), passCode: wrongTotp(f.t) }), 403, 'E0000068'),
    row(
      'a TOTP code used before',
      async (f) => {
        // A fresh step for every run: the code of the last run stays spent for up to 90 s.
        f.t.clock.advance(90)
        const code = currentTotp(TOTP_SECRET, f.t.ctx.clock.nowMs()).code
        await f.t.app.inject(call(`/factors/${TOTP_ID}/verify`, { stateToken: await start(f.t, CAROL), passCode: code }))
        return call(`/factors/${TOTP_ID}/verify`, { stateToken: await start(f.t, CAROL), passCode: code })
      },
      403,
      'E0000082',
    ),
    row(
      'a wrong email code',
      async (f) => {
        const stateToken = await start(f.t, CAROL)
        await f.t.app.inject(call(`/factors/${EMAIL_ID}/verify`, { stateToken }))
        const [sent] = await f.t.ctx.store.listOutbox({ to: CAROL.username, limit: 1 })
        return call(`/factors/${EMAIL_ID}/verify`, { stateToken, passCode: sent?.code === '123456' ? '654321' : '123456' })
      },
      403,
      'E0000068',
    ),
    row('an unknown state token', () => call(`/factors/${TOTP_ID}/verify`, { stateToken: '00unknown-state-token-canary', passCode: '123456' }), 401, 'E0000011'),
    row(
      'an expired state token',
      async (f) => {
        const stateToken = await start(f.t, CAROL)
        f.t.clock.advance(301)
        return call(`/factors/${EMAIL_ID}/verify`, { stateToken })
      },
      401,
      'E0000011',
    ),
    row(
      'a cancelled state token',
      async (f) => {
        const stateToken = await start(f.t, CAROL)
        await f.t.app.inject(call('/cancel', { stateToken }))
        return call(`/factors/${EMAIL_ID}/verify`, { stateToken })
      },
      401,
      'E0000011',
    ),
    row(
      'a factor the user does not have',
      async (f) => call('/factors/ostnotafactor00000000/verify', { stateToken: await start(f.t, CAROL), passCode: '123456' }),
      404,
      'E0000007',
    ),
    row('a body that is not JSON', () => call(`/factors/${TOTP_ID}/verify`, '{"stateToken": "00unfinished'), 400, 'E0000003'),
    row(
      'change_password with a wrong old password',
      async (f) => call('/credentials/change_password', { stateToken: await start(f.t, DAVE), oldPassword: 'wrong-old-secret-canary', newPassword: 'Fresh-Passw0rd' }),
      403,
      'E0000014',
    ),
    row(
      'change_password with a new password the policy refuses',
      async (f) => call('/credentials/change_password', { stateToken: await start(f.t, DAVE), oldPassword: DAVE.password, newPassword: 'nodigitsHERE' }),
      403,
      'E0000080',
    ),
    row(
      'change_password without the new password',
      async (f) => call('/credentials/change_password', { stateToken: await start(f.t, DAVE), oldPassword: DAVE.password }),
      400,
      'E0000001',
    ),
    row(
      'change_password while MFA_REQUIRED',
      async (f) => call('/credentials/change_password', { stateToken: await start(f.t, CAROL), oldPassword: CAROL.password, newPassword: 'Fresh-Passw0rd' }),
      403,
      'E0000079',
    ),
    row('a factor verify while PASSWORD_EXPIRED', async (f) => call(`/factors/${TOTP_ID}/verify`, { stateToken: await start(f.t, DAVE), passCode: '123456' }), 403, 'E0000079'),
  ]
}
