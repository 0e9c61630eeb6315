/** Answer errors (src/errors/answer-error.ts) carry no stack frames, and leave the stack limit as it was. */
import t from 'tap'
import { OAuthError, OktaApiError, oktaError } from '../../src/errors/oauth-error.js'
import { IdxError } from '../../src/idx/idx-error.js'

t.test('OAuthError, OktaApiError and IdxError: errors with their message and name, and no frames', async (t) => {
  const before = Error.stackTraceLimit
  const errors = [oktaError('authorization_pending'), new OktaApiError(401, 'E0000004', 'Authentication failed'), new IdxError(400, [], 'bad')]
  for (const e of errors) {
    t.ok(e instanceof Error, e.name)
    t.equal(e.stack, `${e.name}: ${e.message}`, `${e.name}: the stack is its first line only`)
  }
  t.ok(errors[0] instanceof OAuthError)
  t.equal(errors[0]!.message, 'The device authorization is pending. Please try again later.')
  t.equal(Error.stackTraceLimit, before, 'the limit is restored')
  t.match(new Error('x').stack, /\n\s+at /, 'other errors keep their frames')
})
