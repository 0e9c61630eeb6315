import { createServer } from 'node:http'
import t from 'tap'
import { startMockta } from '../helpers/listening-app.js'
import { freePort } from '../helpers/child-process.js'
import { record } from '../helpers/report.js'
import { openBrowser, skipWithoutChromium } from '../helpers/chromium.js'

const skip = skipWithoutChromium

/** The attacker's page: each attack resolves to what the page could see of it. */
const attackPage = (target: string): string => `<!doctype html>
<meta charset="utf-8"><title>not mockta</title>
<iframe name="sink"></iframe><iframe name="sink2"></iframe>
<form id="urlencoded" method="POST" target="sink" action="${target}/__mockta/clock/advance"><input name="seconds" value="3600"></form>
<form id="plain" method="POST" target="sink2" enctype="text/plain" action="${target}/__mockta/users"><input name='{"login":"mallory@example.com","password":"x","x":"' value='"}'></form>
<script>
  const loaded = (name) => new Promise((resolve) => document.querySelector('iframe[name=' + name + ']').addEventListener('load', () => resolve('loaded'), { once: true }))
  const outcome = (p) => p.then((r) => 'answer ' + r.type + ' ' + r.status, (e) => 'failed ' + e.name)
  window.attacks = {
    formUrlencoded: () => { const done = loaded('sink'); document.getElementById('urlencoded').submit(); return done },
    formTextPlain: () => { const done = loaded('sink2'); document.getElementById('plain').submit(); return done },
    noCorsJson: () => outcome(fetch('${target}/__mockta/clock/advance', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'application/json' }, body: '{"seconds":3600}' })),
    noCorsReset: () => outcome(fetch('${target}/__mockta/reset', { method: 'POST', mode: 'no-cors' })),
    noCorsMint: () => outcome(fetch('${target}/__mockta/tokens', { method: 'POST', mode: 'no-cors', body: new URLSearchParams({ clientId: 'native-app', user: 'alice@example.com' }) })),
    corsJson: () => outcome(fetch('${target}/__mockta/clock/advance', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seconds":3600}' })),
    corsPutUser: () => outcome(fetch('${target}/__mockta/users', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"login":"mallory@example.com","password":"x"}' })),
    corsRead: () => outcome(fetch('${target}/__mockta/users')),
  }
</script>`

t.test('a page on another origin changes nothing on the control plane, whatever it sends', { skip }, async (t) => {
  const { base } = await startMockta(t)
  const json = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${base}/__mockta${path}`, { method, ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) })
    return res.status === 204 ? undefined : res.json()
  }
  // Something a reset would remove: a fault rule on an endpoint nothing calls, and a journal entry.
  await json('POST', '/faults', { match: { endpoint: 'revoke' }, action: { type: 'latency', ms: 1 } })
  await fetch(`${base}/oauth2/default/v1/keys`)
  const state = async () => ({
    offset: ((await json('GET', '/clock')) as { offsetSeconds: number }).offsetSeconds,
    users: await json('GET', '/users'),
    faults: await json('GET', '/faults'),
    journal: ((await json('GET', '/journal')) as unknown[]).length,
  })
  const before = await state()

  const port = await freePort()
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(attackPage(base)))
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { page } = await openBrowser(t)
  // What mockta answered each request that reached it, as the browser saw it on the wire.
  const answered: string[] = []
  page.on('response', (res) => {
    const url = new URL(res.url())
    if (url.origin === base && url.pathname.startsWith('/__mockta/')) answered.push(`${res.request().method()} ${url.pathname} ${res.status()}`)
  })

  let attempts = 0
  // 127.0.0.1 on another port is another origin of the same site; localhost is another site.
  for (const attacker of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
    await page.goto(`${attacker}/`)
    // Evaluated in the page, as text: the test's own TypeScript has no DOM types.
    const names = await page.evaluate<string[]>('Object.keys(window.attacks)')
    for (const name of names) {
      attempts++
      const seen = await page.evaluate<string>(`window.attacks[${JSON.stringify(name)}]()`)
      if (name.startsWith('cors')) t.equal(seen, 'failed TypeError', `${attacker} ${name}: the page learns nothing (no CORS headers)`)
      else t.ok(seen === 'loaded' || seen.startsWith('answer opaque'), `${attacker} ${name}: ${seen}`)
    }
  }
  const after = await state()
  t.strictSame(after, before, 'clock offset, users, fault rules and journal are unchanged')
  const writes = answered.filter((a) => !a.startsWith('GET ') && !a.startsWith('OPTIONS '))
  t.ok(writes.length > 0, `the browser sent writes: ${writes.join(', ')}`)
  t.ok(
    writes.every((a) => / (403|415)$/.test(a)),
    `every write that reached mockta was refused: ${writes.join(', ')}`,
  )
  t.notOk(
    answered.some((a) => / 2\d\d$/.test(a) && !a.startsWith('GET ')),
    'no write succeeded',
  )
  record('surface', { kind: 'browser-cross-site', attempts, refused: JSON.stringify(after) === JSON.stringify(before) ? attempts : 0, answered })
})
