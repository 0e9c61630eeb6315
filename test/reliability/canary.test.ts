/** The canary scanner itself has teeth: every encoding of a planted value is found, look-alikes are not. */
import t from 'tap'
import { encodingsOf, findCanaries, isCanaryWorthy, issuedBy, loggedOnlyBy } from '../helpers/canary.js'

t.test('finds a planted canary raw, URL-encoded, form-encoded, base64 and base64url', async (t) => {
  const secret = 'some secure & non-standard secret/+='
  for (const form of encodingsOf(secret)) {
    const log = `{"level":30,"msg":"request","path":"/x"}\n{"level":20,"detail":"${form}"}\n`
    t.strictSame(findCanaries(log, [secret, 'unrelated-value-123']), [secret], `found as ${form.slice(0, 16)}…`)
  }
  t.strictSame(findCanaries('nothing to see here at all', [secret]), [])
  t.strictSame(findCanaries(secret.slice(0, -1), [secret]), [], 'a truncated copy is not a full hit')
})

t.test('short or low-entropy values are not canaries (they would match by chance)', async (t) => {
  t.notOk(isCanaryWorthy('x'))
  t.notOk(isCanaryWorthy('aaaaaaaaaaaaaaaa'))
  t.ok(isCanaryWorthy('web-app-secret'))
})

t.test('codes on redirects, cookie values, transaction ids and form_post inputs become canaries', async (t) => {
  const issued = issuedBy(
    {
      location: 'http://localhost:3000/login/callback?code=code-value-1234567890&state=state-123',
      'set-cookie': ['mockta_sid=session-value-1234567890; Path=/; HttpOnly', 'mockta_browser=browser-value-1234567890; Path=/'],
    },
    '<input type="hidden" name="tx" value="tx-value-1234567890">\n<input type="hidden" name="state" value="state-value-1234567890">',
  )
  t.strictSame(issued.sort(), ['browser-value-1234567890', 'code-value-1234567890', 'session-value-1234567890', 'tx-value-1234567890'])
  t.strictSame(issuedBy({ location: 'http://localhost:3000/cb#access_token=at-value-1234567890&token_type=Bearer' }, ''), ['at-value-1234567890'])
  t.strictSame(loggedOnlyBy({ cookie: 'mockta_sid=session-value-1234567890; other=1' }, { tx: 'tx-value-1234567890' }).sort(), [
    'mockta_sid=session-value-1234567890; other=1',
    'session-value-1234567890',
    'tx-value-1234567890',
  ])
})
