/** The canary scanner itself has teeth: every encoding of a planted value is found, look-alikes are not. */
import t from 'tap'
import { encodingsOf, findCanaries, isCanaryWorthy } from '../helpers/canary.js'

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
