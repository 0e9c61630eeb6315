/**
 * The G-rules for the sign-in flows have teeth (helpers/g-rules.ts): error pages, redirects, form_post
 * pages and Bearer challenges that break a rule are caught; well-formed ones pass.
 */
import t from 'tap'
import { page } from '../../src/http/html.js'
import { answerError, checkAnswer, type Answer } from '../helpers/g-rules.js'

const HTML = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache, no-store' }
const errorPage = (error: string, description: string): Answer => ({
  status: 400,
  headers: HTML,
  body: page('Error', `<h1>Sign-in error</h1>\n<div class="alert" role="alert">\n<p><strong>${error}</strong></p>\n<p>${description}</p>\n</div>`),
})
const redirect = (location: string): Answer => ({ status: 302, headers: { location }, body: '' })
const TARGETS = ['http://localhost:3000/login/callback']
const rules = (endpoint: 'authorize' | 'userinfo', answer: Answer, options = {}) => checkAnswer(endpoint, answer, { redirectTargets: TARGETS, ...options }).map((v) => v.rule)

t.test('error pages: registered errors, no rejected redirect URI, never cached', async (t) => {
  t.strictSame(rules('authorize', errorPage('invalid_request', 'The redirect_uri parameter must be a Login redirect URI.'), { rejected: ['https://attacker.example/steal'] }), [])
  t.same(answerError(errorPage('invalid_request', 'x')), { error: 'invalid_request', description: 'x' })
  t.ok(
    rules('authorize', errorPage('invalid_request', 'Not allowed: https://attacker.example/steal'), { rejected: ['https://attacker.example/steal'] }).includes('G3'),
    'an echoed redirect URI',
  )
  t.ok(rules('authorize', errorPage('made_up_error', 'x')).includes('G2'), 'an unregistered error')
  t.ok(rules('authorize', { ...errorPage('invalid_request', 'x'), headers: { 'content-type': 'text/html' } }).includes('G4'), 'a cacheable page')
  t.ok(rules('authorize', { ...errorPage('invalid_request', 'x'), status: 500 }).includes('G1'))
})

t.test('redirects: only to registered URIs, error parameters well formed, nothing presented on them', async (t) => {
  t.strictSame(rules('authorize', redirect('http://localhost:3000/login/callback?error=invalid_request&error_description=The+state+is+missing.&state=s')), [])
  t.strictSame(rules('authorize', redirect('http://localhost:3000/login/callback?code=abc&state=s')), [])
  t.ok(rules('authorize', redirect('https://attacker.example/cb?error=invalid_request')).includes('G2'), 'an unregistered target')
  t.ok(rules('authorize', redirect('http://localhost:3000/login/callback?error=invalid_request&error_description=line%0Abreak')).includes('G2'), 'CR/LF in the description')
  t.ok(rules('authorize', redirect('http://localhost:3000/login/callback#error=made_up')).includes('G2'), 'an unregistered error in the fragment')
  const verifier = 'verifier-verifier-verifier-verifier-1234567'
  t.ok(
    rules('authorize', redirect(`http://localhost:3000/login/callback?error=invalid_request&error_description=bad+${verifier}`), { presented: [verifier] }).includes('G3'),
    'a presented value echoed',
  )
})

t.test('form_post pages carry the error in hidden inputs', async (t) => {
  const body = page('Signing in', '<form method="post" action="http://localhost:3000/login/callback">\n<input type="hidden" name="error" value="made_up">\n</form>')
  t.ok(rules('authorize', { status: 200, headers: HTML, body }).includes('G2'))
  t.same(answerError({ status: 200, headers: HTML, body }), { error: 'made_up', description: undefined })
})

t.test('/userinfo: an empty body and a Bearer challenge', async (t) => {
  const challenge = 'Bearer authorization_uri="http://x/v1/authorize", realm="http://x", scope="openid", error="invalid_token", error_description="The access token is invalid."'
  const ok: Answer = { status: 401, headers: { 'www-authenticate': challenge, 'cache-control': 'no-cache, no-store', pragma: 'no-cache' }, body: '' }
  t.strictSame(rules('userinfo', ok), [])
  t.same(answerError(ok), { error: 'invalid_token', description: 'The access token is invalid.' })
  t.ok(rules('userinfo', { ...ok, headers: { ...ok.headers, 'www-authenticate': 'Basic realm="x"' } }).includes('G4'), 'a 401 without a Bearer challenge')
  t.ok(rules('userinfo', { ...ok, headers: { ...ok.headers, 'www-authenticate': challenge.replace('invalid_token', 'made_up') } }).includes('G2'))
  const token = 'eyJhbGciOiJSUzI1NiJ9.payload-payload.signature'
  t.ok(rules('userinfo', { ...ok, headers: { ...ok.headers, 'www-authenticate': `${challenge}, token="${token}"` } }, { presented: [token] }).includes('G3'))
})
