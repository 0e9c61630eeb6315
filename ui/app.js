// mockta dashboard (docs/dashboard.md): plain script, no framework, no external assets. Every call goes
// to the control API under /__mockta/ (or, for the demo client, the OAuth endpoints). Markup is built
// with DOM calls, never from strings, so no value from mockta can inject anything.

const API = '/__mockta'
const CALLBACK = `${location.origin + API}/ui/callback`

// --- helpers ---------------------------------------------------------------------------------

const $ = (id) => document.getElementById(id)

/** An element with attributes and children (strings become text). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v)
    else if (k === 'class') el.className = v
    else if (k === 'dataset') Object.assign(el.dataset, v)
    else el.setAttribute(k, v === true ? '' : String(v))
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c))
  return el
}

const clear = (el, ...children) => {
  el.replaceChildren(...children.flat().filter((c) => c !== undefined && c !== null && c !== false))
}

function say(message, isError = false) {
  const s = $('status')
  s.textContent = message
  s.classList.toggle('error', isError)
}

class ApiError extends Error {}

/** A control API call: writes are JSON with a body ({} when none), as the control API requires (docs/security.md). */
async function api(method, path, body) {
  const init = { method, headers: {} }
  if (method !== 'GET') {
    init.headers['content-type'] = 'application/json'
    init.body = JSON.stringify(body ?? {})
  }
  const res = await fetch(API + path, init)
  if (res.status === 401) {
    location.reload()
    throw new ApiError('the admin token is needed')
  }
  if (res.status === 204) return undefined
  const data = await res.json().catch(() => ({}))
  if (!res.ok) throw new ApiError(data.message || data.error_description || data.error || `HTTP ${res.status}`)
  return data
}

/** Runs an action from a button: its outcome goes to the status line. */
async function act(what, run) {
  try {
    const message = await run()
    say(message || `${what}: done`)
  } catch (err) {
    say(`${what}: ${err.message}`, true)
  }
}

/** 8 hex digits of SHA-256, as the journal shows fingerprints; a length when the page is not a secure context. */
async function fingerprint(value) {
  if (!crypto.subtle) return `(${value.length} characters)`
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))
  return [...new Uint8Array(digest)]
    .slice(0, 4)
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
}

async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text)
  } catch {
    const area = h('textarea', { class: 'sr-only', 'aria-hidden': 'true' })
    area.value = text
    document.body.append(area)
    area.select()
    document.execCommand('copy')
    area.remove()
  }
  say(`Copied ${what}`)
}

function decodeJwt(token) {
  const part = (p) => JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(p.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))))
  const [header, payload] = token.split('.')
  try {
    return { header: part(header), claims: part(payload) }
  } catch {
    return undefined
  }
}

// Focusable, so a long block can be scrolled by keyboard too.
const json = (value) => h('pre', { class: 'json', tabindex: '0' }, JSON.stringify(value, null, 2))
const time = (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—')
const shortTime = (iso) => (iso ? iso.slice(11, 19) : '—')
/** Month, day and time: enough in a table row; the full time is in the title. */
const when = (iso) => (iso ? h('span', { class: 'nowrap', title: time(iso) }, `${iso.slice(5, 10)} ${iso.slice(11, 19)}`) : '—')

// --- mockta's clock, for countdowns ------------------------------------------------------------

/** mockta's time minus this browser's, in ms (mockta's clock may be moved). */
let offsetMs = 0
const mocktaNow = () => Date.now() + offsetMs

async function loadClock() {
  const before = Date.now()
  const c = await api('GET', '/clock')
  offsetMs = c.nowMs - Math.round((before + Date.now()) / 2)
  renderClock()
  return c
}

function span(seconds) {
  const s = Math.abs(Math.round(seconds))
  const d = Math.floor(s / 86400),
    hh = Math.floor((s % 86400) / 3600),
    m = Math.floor((s % 3600) / 60),
    sec = s % 60
  const text = d > 0 ? `${d}d ${hh}h ${m}m` : hh > 0 ? `${hh}h ${m}m ${sec}s` : m > 0 ? `${m}m ${sec}s` : `${sec}s`
  return text
}

/** A deadline that counts down on mockta's clock (updated every second by `tick`). */
function countdown(iso, { never = 'never' } = {}) {
  if (!iso) return h('span', { class: 'muted' }, never)
  const el = h('span', { class: 'countdown', dataset: { deadline: String(Date.parse(iso)) }, title: time(iso) })
  paintCountdown(el)
  return el
}

function paintCountdown(el) {
  const left = (Number(el.dataset.deadline) - mocktaNow()) / 1000
  el.textContent = left > 0 ? `in ${span(left)}` : `${span(left)} ago`
  el.className = `countdown ${left > 0 ? (left < 60 ? 'warn' : 'ok') : 'bad'}`
}

function renderClock() {
  const now = new Date(mocktaNow()).toISOString()
  $('clock-summary').textContent = `mockta's time ${time(now)}${Math.abs(offsetMs) >= 1000 ? ` (${offsetMs > 0 ? '+' : '−'}${span(offsetMs / 1000)})` : ''}`
  $('clock-mockta').textContent = time(now)
  $('clock-machine').textContent = time(new Date().toISOString())
  $('clock-offset').textContent = Math.abs(offsetMs) < 1000 ? 'none: mockta runs on the machine time' : `${offsetMs > 0 ? 'ahead by' : 'behind by'} ${span(offsetMs / 1000)}`
}

function tick() {
  renderClock()
  for (const el of document.querySelectorAll('.countdown')) paintCountdown(el)
}

// --- shared data: clients, users, servers ------------------------------------------------------

const data = { clients: [], users: [], servers: [] }

async function loadData() {
  const [clients, users, servers] = await Promise.all([api('GET', '/clients'), api('GET', '/users'), api('GET', '/issuers')])
  Object.assign(data, { clients, users, servers })
  const fill = (select, items, keep, blank) => {
    const previous = select.value
    clear(
      select,
      blank && h('option', { value: '' }, blank),
      items.map(([value, label]) => h('option', { value }, label)),
    )
    if (keep && [...select.options].some((o) => o.value === previous)) select.value = previous
  }
  const clientOptions = clients.map((c) => [c.id, `${c.id}${c.name && c.name !== c.id ? ` (${c.name})` : ''}`])
  const userOptions = users.map((u) => [u.login, u.login])
  const serverOptions = servers.map((s) => [s.authServer, s.authServer === 'org' ? 'org (Okta org server)' : s.authServer])
  fill($('sessions-user'), userOptions, true)
  fill($('expire-client'), clientOptions, true)
  fill($('mint-server'), serverOptions, true)
  if (!$('mint-server').dataset.touched && servers.some((s) => s.authServer === 'default')) $('mint-server').value = 'default'
  fill($('mint-client'), clientOptions, true)
  fill($('mint-user'), userOptions, true, 'none (a client-credentials token)')
  fill(
    $('demo-client'),
    clients.filter((c) => c.grantTypes.includes('authorization_code')).map((c) => [c.id, c.id]),
    true,
  )
  fill($('demo-server'), serverOptions, true)
  if (!$('demo-server').dataset.touched && servers.some((s) => s.authServer === 'default')) $('demo-server').value = 'default'
  fill($('demo-user'), userOptions, true, 'nobody: show the sign-in page')
  clear(
    $('client-ids'),
    clients.map((c) => h('option', { value: c.id })),
  )
}

// --- panels ----------------------------------------------------------------------------------

const panels = {}
let current

function show(name) {
  if (!panels[name]) name = 'log'
  // The last action's outcome belongs to the panel it was taken on.
  if (current !== undefined && current !== name) say('')
  current = name
  for (const section of document.querySelectorAll('.panel')) section.hidden = section.id !== `panel-${name}`
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.panel === name) a.setAttribute('aria-current', 'page')
    else a.removeAttribute('aria-current')
  }
  void panels[name].load?.().catch((err) => say(err.message, true))
}

// 1. Request log

const log = { entries: [], after: 0, open: new Set(), timer: undefined }

panels.log = {
  async load() {
    await pollLog()
    if (!log.timer)
      log.timer = setInterval(() => {
        if (current === 'log' && $('log-filters').elements.live.checked) void pollLog().catch(() => {})
      }, 1000)
  },
}

async function pollLog() {
  const fresh = await api('GET', `/journal/events?after=${log.after}&limit=500`)
  if (fresh.length > 0) {
    log.after = Math.max(log.after, ...fresh.map((e) => e.seq))
    log.entries = [...fresh, ...log.entries].slice(0, 500)
    renderLog()
  } else if (log.entries.length === 0) renderLog()
}

function logMatches(e, f) {
  if (f.endpoint.value && e.endpoint !== f.endpoint.value) return false
  if (f.client.value && !(e.clientId ?? '').includes(f.client.value)) return false
  if (f.user.value && !(e.username ?? '').toLowerCase().includes(f.user.value.toLowerCase())) return false
  if (f.grant.value && e.grantType !== f.grant.value) return false
  const failed = e.status >= 400 || e.faultId !== undefined
  if (f.outcome.value === 'ok' && failed) return false
  if (f.outcome.value === 'error' && !failed) return false
  return true
}

function renderLog() {
  const f = $('log-filters').elements
  const shown = log.entries.filter((e) => logMatches(e, f))
  const rows = []
  for (const e of shown) {
    const open = log.open.has(e.seq)
    const failed = e.status >= 400 || e.faultId !== undefined
    const toggle = h(
      'button',
      {
        type: 'button',
        class: 'small',
        'aria-expanded': String(open),
        'aria-controls': `log-detail-${e.seq}`,
        onclick: () => {
          open ? log.open.delete(e.seq) : log.open.add(e.seq)
          renderLog()
        },
      },
      open ? 'Hide' : 'Details',
      h('span', { class: 'sr-only' }, ` of request ${e.seq}`),
    )
    rows.push(
      h(
        'tr',
        { dataset: { seq: e.seq } },
        h('td', { class: 'mono nowrap', title: e.time }, shortTime(e.time)),
        h('td', {}, h('span', { class: `badge ${failed ? 'bad' : 'ok'}` }, String(e.status)), e.error ? h('span', { class: 'bad' }, ' ', e.error) : ''),
        h('td', { class: 'mono' }, `${e.method} ${e.path}`),
        h('td', { class: 'mono nowrap' }, e.eventType ?? h('span', { class: 'muted' }, '—')),
        h('td', {}, e.clientId ?? '—'),
        h('td', {}, e.grantType ?? '', e.username ? ` ${e.username}` : ''),
        h('td', {}, toggle),
      ),
    )
    if (open) {
      const request = {
        method: e.method,
        path: e.path,
        endpoint: e.endpoint,
        authServer: e.authServer,
        grantType: e.grantType,
        clientId: e.clientId,
        authMethod: e.authMethod,
        scopesRequested: e.scopesRequested,
        username: e.username,
        tokenFingerprint: e.tokenFingerprint,
      }
      const answer = {
        status: e.status,
        error: e.error,
        scope: e.scopesGranted?.join(' '),
        active: e.active,
        familyId: e.familyId,
        faultId: e.faultId,
        durationMs: e.durationMs,
        eventType: e.eventType,
      }
      const family = e.familyId && h('button', { type: 'button', class: 'small', onclick: () => openFamilyOf(e) }, `Show family ${e.familyId}`)
      rows.push(
        h(
          'tr',
          { class: 'detail', id: `log-detail-${e.seq}` },
          h(
            'td',
            { colspan: '7' },
            h('div', { class: 'two' }, h('div', {}, h('h3', {}, 'Request (redacted)'), json(request)), h('div', {}, h('h3', {}, 'Answer'), json(answer), family)),
          ),
        ),
      )
    }
  }
  clear($('log-rows'), rows)
  $('log-empty').hidden = shown.length > 0
  $('log-empty').textContent = log.entries.length === 0 ? 'No requests yet.' : 'No request matches the filters.'
}

async function openFamilyOf(entry) {
  const user = entry.username ?? data.users[0]?.login
  location.hash = 'sessions'
  if (user) {
    $('sessions-user').value = user
    await loadSessions()
  }
}

// 2. Sessions and families

panels.sessions = { load: loadSessions }

async function loadSessions() {
  const user = $('sessions-user').value
  if (!user) return
  const [families, sessions] = await Promise.all([api('GET', `/users/${encodeURIComponent(user)}/families`), api('GET', `/users/${encodeURIComponent(user)}/sessions`)])
  families.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
  clear(
    $('family-rows'),
    families.map((f) => {
      const state = f.revokedAt ? h('span', { class: 'badge bad' }, 'revoked') : f.active ? h('span', { class: 'badge ok' }, 'live') : h('span', { class: 'badge warn' }, 'expired')
      const actions = f.active
        ? [
            h(
              'button',
              {
                type: 'button',
                class: 'small danger',
                onclick: () =>
                  act(`Revoke ${f.id}`, async () => {
                    await api('POST', `/families/${f.id}/revoke`)
                    await loadSessions()
                    return `Revoked family ${f.id}`
                  }),
              },
              'Revoke',
              h('span', { class: 'sr-only' }, ` family ${f.id}`),
            ),
            ' ',
            h(
              'button',
              {
                type: 'button',
                class: 'small',
                onclick: () =>
                  act(`Expire ${f.id}`, async () => {
                    await api('POST', `/families/${f.id}/expire`)
                    await loadSessions()
                    return `Expired family ${f.id}`
                  }),
              },
              'Expire',
              h('span', { class: 'sr-only' }, ` family ${f.id}`),
            ),
          ]
        : []
      return h(
        'tr',
        { dataset: { family: f.id } },
        h('td', { class: 'mono nowrap' }, f.id),
        h('td', {}, state),
        h('td', {}, f.clientId, h('br'), h('span', { class: 'muted' }, f.authServer)),
        h('td', { class: 'mono' }, when(f.createdAt)),
        h('td', { class: 'mono' }, when(f.lastUsedAt)),
        h('td', {}, String(f.generation)),
        h('td', {}, f.active ? countdown(f.idleDeadline, { never: 'no idle limit' }) : '—'),
        h('td', {}, f.active ? countdown(f.expiresAt, { never: 'unlimited' }) : when(f.revokedAt ?? f.expiresAt)),
        h(
          'td',
          {},
          f.graceUntil ? h('span', {}, 'previous token good ', countdown(f.graceUntil)) : h('span', { class: 'muted' }, f.active ? `${f.graceSeconds} s after a rotation` : '—'),
        ),
        h('td', {}, actions),
      )
    }),
  )
  $('family-empty').hidden = families.length > 0
  clear(
    $('session-rows'),
    sessions.map((s) =>
      h(
        'tr',
        { dataset: { session: s.id } },
        h('td', { class: 'mono nowrap' }, s.id),
        h('td', { class: 'mono' }, when(s.authTime)),
        h('td', {}, countdown(s.expiresAt)),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'small danger',
              onclick: () =>
                act('End session', async () => {
                  await api('DELETE', `/users/${encodeURIComponent(user)}/sessions/${s.id}`)
                  await loadSessions()
                  return `Ended browser session ${s.id}`
                }),
            },
            'End session',
            h('span', { class: 'sr-only' }, ` ${s.id}`),
          ),
        ),
      ),
    ),
  )
  $('session-empty').hidden = sessions.length > 0
  $('end-all-sessions').disabled = sessions.length === 0
}

async function expireAccessTokens(body, who) {
  const r = await api('POST', '/access-tokens/expire', body)
  await loadClock()
  return `Access tokens of ${who} issued before ${time(r.endedBefore)} are ended; refresh tokens still work`
}

// 3. Token inspector

/** The token last inspected or minted: "just past this token's expiry" uses it. */
let lastToken

panels.inspector = {}

async function inspect(token) {
  $('inspect-token').value = token
  location.hash = 'inspector'
  const r = await api('POST', '/tokens/inspect', { token })
  const box = $('inspect-result')
  const statusClass = r.status === 'active' ? 'ok' : r.status === 'expired' ? 'warn' : 'bad'
  if (r.kind === 'refresh_token') {
    clear(
      box,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Status'),
        h('dd', {}, h('span', { class: `badge ${statusClass}`, id: 'inspect-status' }, r.status)),
        h('dt', {}, 'Kind'),
        h('dd', {}, 'refresh token (opaque)'),
        h('dt', {}, 'Fingerprint'),
        h('dd', {}, r.fingerprint),
        h('dt', {}, 'Position'),
        h('dd', {}, r.position ?? '—'),
      ),
      r.family && h('div', {}, h('h3', {}, 'Family'), json(r.family)),
    )
    return
  }
  const keys = r.authServer && r.kid ? await api('GET', `/keys/${r.authServer}`).catch(() => undefined) : undefined
  lastToken = { exp: r.claims.exp, label: `the inspected ${r.kind.replace('_', ' ')}${r.claims.cid ? ` of ${r.claims.cid}` : ''}` }
  updateClockHint()
  clear(
    box,
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Status'),
      h('dd', {}, h('span', { class: `badge ${statusClass}`, id: 'inspect-status' }, r.status), ' ', r.secondsLeft !== undefined ? countdown(r.expiresAt) : ''),
      h('dt', {}, 'Kind'),
      h('dd', {}, r.kind.replace('_', ' ')),
      h('dt', {}, 'Server'),
      h('dd', {}, r.authServer ?? "not one of mockta's"),
      h('dt', {}, 'Signed by'),
      h('dd', {}, r.kid ?? '—', ' ', h('span', { class: r.signatureValid ? 'ok' : 'bad' }, r.signatureValid ? '(signature valid)' : '(signature not verified)')),
      keys && [h('dt', {}, 'That key'), h('dd', { id: 'inspect-key-role' }, keyRole(keys, r.kid))],
      r.familyId && [h('dt', {}, 'Family'), h('dd', {}, r.familyId)],
    ),
    h(
      'div',
      { class: 'actions' },
      r.kind === 'access_token' &&
        r.status === 'active' &&
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            onclick: () =>
              act('Revoke token', async () => {
                await api('POST', '/tokens/revoke', { token })
                await inspect(token)
                return 'Revoked the access token'
              }),
          },
          'Revoke this access token',
        ),
      r.claims.exp &&
        h(
          'button',
          {
            type: 'button',
            onclick: () =>
              act('Clock', async () => {
                await pastExpiry()
                await inspect(token)
                return "Moved the clock just past this token's expiry"
              }),
          },
          'Move the clock just past its expiry',
        ),
    ),
    h('div', { class: 'two' }, h('div', {}, h('h3', {}, 'Header'), json(r.header)), h('div', {}, h('h3', {}, 'Claims'), json(r.claims))),
  )
}

// 4. Mint

panels.mint = {}

/** A token shown for copying: JWTs in full, refresh tokens by fingerprint only. */
async function tokenBox(label, token, { secret = false } = {}) {
  const value = secret ? h('div', { class: 'token-value' }, `fingerprint ${await fingerprint(token)} (not shown)`) : h('div', { class: 'token-value' }, token)
  return h(
    'div',
    { class: 'token-box', dataset: { token: label } },
    h('h4', {}, label),
    value,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'small', onclick: () => copy(token, label) }, 'Copy', h('span', { class: 'sr-only' }, ` ${label}`)),
      h(
        'button',
        { type: 'button', class: 'small', onclick: () => act('Inspect', () => inspect(token).then(() => 'Inspected')) },
        'Inspect',
        h('span', { class: 'sr-only' }, ` ${label}`),
      ),
    ),
  )
}

async function mint(form) {
  const f = form.elements
  const body = { clientId: f.clientId.value, authServer: f.authServer.value, scopes: f.scopes.value.trim() }
  if (f.user.value) body.user = f.user.value
  const r = await api('POST', '/tokens', body)
  const server = data.servers.find((s) => s.authServer === body.authServer)
  const curl = `curl -s -H 'Authorization: Bearer ${r.access_token}' ${location.origin}${server ? new URL(server.issuer).pathname.replace(/\/$/, '') : ''}/v1/userinfo`
  const boxes = [await tokenBox('access token', r.access_token)]
  if (r.id_token) boxes.push(await tokenBox('ID token', r.id_token))
  if (r.refresh_token) boxes.push(await tokenBox('refresh token', r.refresh_token, { secret: true }))
  lastToken = { exp: decodeJwt(r.access_token)?.claims.exp, label: 'the minted access token' }
  updateClockHint()
  clear(
    $('mint-result'),
    h('p', {}, `${r.token_type} token, expires in ${r.expires_in} s, scope `, h('code', {}, r.scope)),
    boxes,
    h('h3', {}, 'Call /userinfo with it'),
    h('pre', { class: 'json', id: 'mint-curl', tabindex: '0' }, curl),
    h('button', { type: 'button', onclick: () => copy(curl, 'the curl command') }, 'Copy curl'),
  )
  return `Minted tokens for ${body.user ?? body.clientId}`
}

// 5. Clock

panels.clock = { load: loadClock }

function updateClockHint() {
  const hint = $('clock-token-hint')
  if (lastToken?.exp)
    clear(
      hint,
      `"Just past the token's expiry" moves to 1 s after ${time(new Date(lastToken.exp * 1000).toISOString())}: ${lastToken.label}, which expires `,
      countdown(new Date(lastToken.exp * 1000).toISOString()),
      '.',
    )
  else hint.textContent = '"Just past the token\'s expiry" uses the token last inspected or minted.'
  $('clock-past-expiry').disabled = !lastToken?.exp
}

async function pastExpiry() {
  if (!lastToken?.exp) throw new ApiError('inspect or mint a token first')
  await api('POST', '/clock/set', { time: (lastToken.exp + 1) * 1000 })
  await loadClock()
}

// 6. Faults

const PRESETS = {
  rate: { match: { endpoint: 'token' }, action: { type: 'rate_limit' }, times: 1 },
  outage: {
    match: { endpoint: 'token' },
    action: { type: 'error', status: 503, error: 'temporarily_unavailable', errorDescription: 'The service is temporarily unavailable.' },
    seconds: 30,
  },
  latency: { match: { endpoint: 'token' }, action: { type: 'latency', ms: 2000 } },
}

panels.faults = { load: loadFaults }

async function loadFaults() {
  const rules = await api('GET', '/faults')
  const describe = (a) => (a.type === 'error' ? `${a.status} ${a.error}` : a.type === 'rate_limit' ? '429 rate limit' : a.type === 'latency' ? `${a.ms} ms later` : a.type)
  clear(
    $('fault-rows'),
    rules.map((r) =>
      h(
        'tr',
        { dataset: { rule: r.id } },
        h('td', { class: 'mono' }, r.id),
        h(
          'td',
          {},
          Object.entries(r.match)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ') || 'every request',
        ),
        h('td', {}, describe(r.action), r.probability < 1 ? ` (p=${r.probability})` : ''),
        h('td', {}, r.remaining === null ? '∞' : String(r.remaining)),
        h('td', {}, String(r.fired)),
        h('td', {}, r.endsAt ? countdown(r.endsAt) : h('span', { class: 'muted' }, 'when cleared')),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              onclick: () =>
                act('Remove rule', async () => {
                  await api('DELETE', `/faults/${r.id}`)
                  await loadFaults()
                  return `Removed ${r.id}`
                }),
            },
            'Remove',
            h('span', { class: 'sr-only' }, ` ${r.id}`),
          ),
        ),
      ),
    ),
  )
  $('fault-empty').hidden = rules.length > 0
}

// 7. Keys

panels.keys = { load: loadKeys }

/** Kids this tab has seen each server publish: those no longer published are shown as retired. */
const seenKids = JSON.parse(sessionStorage.getItem('mockta.kids') ?? '{}')

/** A key's part at its server: signs, next, old (still published) or retired. */
function keyRole(k, kid) {
  if (kid === k.active) return 'current, signs new tokens'
  if (kid === k.next) return 'next, published ahead of use'
  if (k.published.includes(kid)) return 'old, still published'
  return 'retired: tokens it signed no longer verify'
}

async function loadKeys() {
  const states = await Promise.all(data.servers.map((s) => api('GET', `/keys/${s.authServer}`).catch(() => undefined)))
  for (const k of states.filter(Boolean)) seenKids[k.authServer] = [...new Set([...(seenKids[k.authServer] ?? []), ...k.published])]
  sessionStorage.setItem('mockta.kids', JSON.stringify(seenKids))
  clear(
    $('keys-list'),
    states.filter(Boolean).map((k) => {
      const older = k.published.filter((kid) => kid !== k.active && kid !== k.next)
      const retired = (seenKids[k.authServer] ?? []).filter((kid) => !k.published.includes(kid))
      const call = (what, path, body) =>
        act(what, async () => {
          await api('POST', `/keys/${k.authServer}/${path}`, body)
          await loadKeys()
          return `${what}: ${k.authServer}`
        })
      return h(
        'div',
        { class: 'card', dataset: { server: k.authServer } },
        h('h3', {}, k.authServer),
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Current (signs)'),
          h('dd', { class: 'mono' }, k.active),
          h('dt', {}, 'Next'),
          h('dd', { class: 'mono' }, k.next ?? '—'),
          h('dt', {}, 'Old, still published'),
          h('dd', { class: 'mono' }, older.join(', ') || '—'),
          h('dt', {}, 'Retired (seen by this page)'),
          h('dd', { class: 'mono' }, retired.join(', ') || '—'),
        ),
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { type: 'button', disabled: k.next !== null, onclick: () => call('Rotate (publish next key)', 'next') },
            'Rotate',
            h('span', { class: 'sr-only' }, ` ${k.authServer}`),
          ),
          h(
            'button',
            { type: 'button', disabled: k.next === null, onclick: () => call('Promote next key', 'promote') },
            'Promote',
            h('span', { class: 'sr-only' }, ` ${k.authServer}`),
          ),
          h(
            'button',
            { type: 'button', class: 'danger', disabled: older.length === 0, onclick: () => call('Retire old keys', 'retire') },
            'Retire old',
            h('span', { class: 'sr-only' }, ` ${k.authServer}`),
          ),
        ),
      )
    }),
  )
}

// 8. Configuration

panels.config = { load: loadConfig }

async function loadConfig() {
  await loadData()
  clear(
    $('config-servers'),
    data.servers.map((s) =>
      h(
        'tr',
        {},
        h('td', {}, s.authServer, s.name && s.name !== s.authServer ? h('span', { class: 'muted' }, ` ${s.name}`) : ''),
        h('td', { class: 'mono' }, s.issuer),
        h('td', {}, h('a', { href: s.discovery, target: '_blank', rel: 'noopener' }, 'openid-configuration', h('span', { class: 'sr-only' }, ` of ${s.authServer}`))),
        h('td', {}, s.scopes.join(' ')),
      ),
    ),
  )
  clear(
    $('config-clients'),
    data.clients.map((c) =>
      h(
        'tr',
        {},
        h('td', {}, h('strong', {}, c.id), c.name ? h('div', { class: 'muted' }, c.name) : ''),
        h('td', {}, c.type, c.confidential ? ' (secret)' : ' (public)'),
        h('td', {}, c.grantTypes.join(', ')),
        h('td', {}, c.authMethods.join(', ')),
        h('td', { class: 'mono uris' }, c.redirectUris.length ? c.redirectUris.map((u) => h('div', {}, u)) : '—'),
      ),
    ),
  )
  clear(
    $('config-users'),
    data.users.map((u) =>
      h(
        'tr',
        {},
        h('td', {}, u.login),
        h('td', {}, u.profile?.name ?? ([u.profile?.firstName ?? u.profile?.given_name, u.profile?.lastName ?? u.profile?.family_name].filter(Boolean).join(' ') || '—')),
        h('td', { class: 'mono' }, u.id),
        h('td', {}, (u.groups ?? []).join(', ') || '—'),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              onclick: () => {
                $('demo-user').value = u.login
                location.hash = 'demo'
                say(`Demo client: sign in as ${u.login}`)
              },
            },
            'Sign in as',
            h('span', { class: 'sr-only' }, ` ${u.login}`),
          ),
        ),
      ),
    ),
  )
  // The outbox exists once an issue adds it to the control API; its description says so.
  const doc = await api('GET', '/openapi.json')
  const hasOutbox = Object.keys(doc.paths ?? {}).includes(`${API}/outbox`)
  $('config-outbox').hidden = !hasOutbox
  if (hasOutbox) $('config-outbox-items').textContent = JSON.stringify(await api('GET', '/outbox'), null, 2)
}

// 9. Demo client (authorization code + PKCE)

const DEMO_KEY = 'mockta.demo'
const demo = { get: () => JSON.parse(sessionStorage.getItem(DEMO_KEY) ?? 'null'), set: (v) => sessionStorage.setItem(DEMO_KEY, JSON.stringify(v)) }

panels.demo = { load: loadDemo }

const b64url = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
const random = (n) => b64url(crypto.getRandomValues(new Uint8Array(n)))

async function loadDemo() {
  $('demo-callback').textContent = CALLBACK
  await loadData()
  // Back from the callback: the form shows the flow under way.
  const d = demo.get()
  if (d && !$('demo-form').dataset.restored) {
    $('demo-form').dataset.restored = '1'
    $('demo-client').value = d.clientId
    $('demo-server').value = d.authServer
    if (d.scope) $('demo-scope').value = d.scope
    if (d.loginHint !== undefined) $('demo-user').value = d.loginHint
  }
  demoClientChanged()
  await renderDemo()
}

function demoClientChanged() {
  const client = data.clients.find((c) => c.id === $('demo-client').value)
  $('demo-allow').hidden = !client || client.redirectUris.includes(CALLBACK)
  $('demo-secret-label').hidden = !client?.confidential
}

function endpointsOf(authServer) {
  const server = data.servers.find((s) => s.authServer === authServer)
  // The page's own origin: the issuer's host may be another name for this same server.
  const path = server ? new URL(server.issuer).pathname.replace(/\/$/, '') : ''
  return { issuer: server?.issuer, base: `${location.origin}${path}/v1` }
}

async function startDemo(form) {
  const f = form.elements
  const client = data.clients.find((c) => c.id === f.clientId.value)
  if (!client) throw new ApiError('choose a client')
  if (!client.redirectUris.includes(CALLBACK)) throw new ApiError(`the client does not allow ${CALLBACK} yet: use "Allow this page's callback"`)
  const verifier = random(32)
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
  const state = random(12),
    nonce = random(12)
  const { base } = endpointsOf(f.authServer.value)
  const params = new URLSearchParams({
    client_id: client.id,
    response_type: 'code',
    scope: f.scope.value.trim(),
    redirect_uri: CALLBACK,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  if (f.loginHint.value) params.set('login_hint', f.loginHint.value)
  const url = `${base}/authorize?${params}`
  demo.set({
    clientId: client.id,
    confidential: client.confidential,
    authServer: f.authServer.value,
    scope: f.scope.value,
    loginHint: f.loginHint.value,
    verifier,
    state,
    authorizeUrl: url,
    steps: [],
  })
  if (client.confidential) sessionStorage.setItem('mockta.demo.secret', f.secret.value)
  await renderDemo()
  return 'Authorize URL ready: step 2 signs in'
}

/** A form request to an OAuth endpoint, shown with every secret reduced to a fingerprint. */
async function oauthPost(url, params, d) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' }
  const secret = sessionStorage.getItem('mockta.demo.secret')
  if (d.confidential) headers.authorization = `Basic ${btoa(`${encodeURIComponent(d.clientId)}:${encodeURIComponent(secret ?? '')}`)}`
  else params.client_id = d.clientId
  const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params) })
  const text = await res.text()
  let body
  try {
    body = JSON.parse(text)
  } catch {
    body = text
  }
  const shown = {}
  for (const [k, v] of Object.entries(params))
    shown[k] = ['code', 'code_verifier', 'refresh_token', 'token', 'client_secret'].includes(k) ? `fingerprint ${await fingerprint(v)}` : v
  return { request: { method: 'POST', url, authorization: d.confidential ? 'Basic (client id and secret, not shown)' : undefined, form: shown }, status: res.status, body }
}

async function redactResponse(body) {
  if (typeof body !== 'object' || body === null) return body
  const out = { ...body }
  if (out.refresh_token) out.refresh_token = `fingerprint ${await fingerprint(out.refresh_token)}`
  // JWTs are long: shortened here, decoded below (and in full in the inspector).
  for (const name of ['access_token', 'id_token']) if (typeof out[name] === 'string') out[name] = `${out[name].slice(0, 16)}… (${out[name].length} characters, decoded below)`
  return out
}

async function finishCallback() {
  const query = new URLSearchParams(location.search)
  const d = demo.get()
  history.replaceState(null, '', `${API}/#demo`)
  if (!d) return say('Demo client: a callback arrived, but no flow was started in this tab', true)
  const step = { title: '2. Callback', at: new Date().toISOString() }
  if (query.get('error')) step.result = { error: query.get('error'), error_description: query.get('error_description') }
  else step.result = { code: `fingerprint ${await fingerprint(query.get('code') ?? '')}`, state: query.get('state') === d.state ? 'matches the one sent' : 'DOES NOT MATCH' }
  d.code = query.get('state') === d.state ? query.get('code') : undefined
  d.steps = [step]
  demo.set(d)
}

async function exchange() {
  const d = demo.get()
  const r = await oauthPost(`${endpointsOf(d.authServer).base}/token`, { grant_type: 'authorization_code', code: d.code, redirect_uri: CALLBACK, code_verifier: d.verifier }, d)
  d.code = undefined
  if (r.status === 200) d.tokens = r.body
  d.steps.push({ title: '3. Token request', result: { request: r.request, status: r.status, response: await redactResponse(r.body) }, decode: r.status === 200 })
  demo.set(d)
  await renderDemo()
  return r.status === 200 ? 'Exchanged the code for tokens' : `The token request failed (${r.status})`
}

async function refresh() {
  const d = demo.get()
  const r = await oauthPost(`${endpointsOf(d.authServer).base}/token`, { grant_type: 'refresh_token', refresh_token: d.tokens.refresh_token, scope: d.tokens.scope }, d)
  if (r.status === 200) d.tokens = r.body
  d.steps.push({ title: `${d.steps.length + 2}. Refresh`, result: { request: r.request, status: r.status, response: await redactResponse(r.body) }, decode: r.status === 200 })
  demo.set(d)
  await renderDemo()
  return r.status === 200 ? 'Refreshed: new tokens' : `The refresh failed (${r.status})`
}

async function revoke() {
  const d = demo.get()
  const r = await oauthPost(`${endpointsOf(d.authServer).base}/revoke`, { token: d.tokens.refresh_token, token_type_hint: 'refresh_token' }, d)
  d.steps.push({ title: `${d.steps.length + 2}. Revoke the refresh token`, result: { request: r.request, status: r.status, response: r.body || '(empty: revoked)' } })
  demo.set(d)
  await renderDemo()
  return r.status === 200 ? 'Revoked the refresh token (and its family)' : `Revocation failed (${r.status})`
}

async function renderDemo() {
  const d = demo.get()
  const items = []
  if (d) {
    items.push(
      h(
        'li',
        {},
        h('h3', {}, '1. Authorize URL'),
        h('pre', { class: 'json', id: 'demo-authorize-url', tabindex: '0' }, d.authorizeUrl),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'primary', id: 'demo-go', onclick: () => location.assign(d.authorizeUrl) }, '2. Sign in (go to the authorize URL)'),
          h('button', { type: 'button', onclick: () => copy(d.authorizeUrl, 'the authorize URL') }, 'Copy URL'),
        ),
      ),
    )
    for (const [i, s] of d.steps.entries()) {
      const children = [h('h3', {}, s.title), json(s.result)]
      if (s.decode && s.result.response) {
        for (const name of ['access_token', 'id_token']) {
          const token = i === d.steps.length - 1 && d.tokens ? d.tokens[name] : undefined
          const decoded = token && decodeJwt(token)
          const label = name === 'id_token' ? 'ID token' : 'access token'
          if (decoded)
            children.push(
              h('h4', {}, `Decoded ${label}`),
              json(decoded.claims),
              h('button', { type: 'button', class: 'small', onclick: () => act('Inspect', () => inspect(token).then(() => 'Inspected')) }, `Inspect the ${label}`),
            )
        }
      }
      items.push(h('li', { dataset: { step: s.title } }, children))
    }
    const next = h(
      'div',
      { class: 'actions' },
      d.code && h('button', { type: 'button', class: 'primary', id: 'demo-exchange', onclick: () => act('Token request', exchange) }, '3. Exchange the code for tokens'),
      d.tokens?.refresh_token && h('button', { type: 'button', id: 'demo-refresh', onclick: () => act('Refresh', refresh) }, 'Refresh'),
      d.tokens?.refresh_token && h('button', { type: 'button', class: 'danger', id: 'demo-revoke', onclick: () => act('Revoke', revoke) }, 'Revoke the refresh token'),
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            sessionStorage.removeItem(DEMO_KEY)
            void renderDemo()
          },
        },
        'Start over',
      ),
    )
    items.push(h('li', { class: 'next' }, h('h3', {}, 'Next'), next))
  }
  clear($('demo-steps'), items)
}

// --- wiring ----------------------------------------------------------------------------------

function wire() {
  window.addEventListener('hashchange', () => show(location.hash.slice(1)))
  $('log-filters').addEventListener('input', renderLog)
  $('log-filters').addEventListener('submit', (e) => e.preventDefault())
  $('log-clear').addEventListener('click', () =>
    act('Clear journal', async () => {
      await api('DELETE', '/journal')
      log.entries = []
      renderLog()
      return 'Cleared the journal'
    }),
  )
  $('sessions-form').addEventListener('submit', (e) => {
    e.preventDefault()
    void act('Sessions', async () => {
      await loadSessions()
      return `Showing ${$('sessions-user').value}`
    })
  })
  $('sessions-user').addEventListener('change', () => void loadSessions().catch((err) => say(err.message, true)))
  $('expire-user').addEventListener('click', () =>
    act('Expire access tokens', async () => {
      const u = $('sessions-user').value
      const m = await expireAccessTokens({ user: u }, u)
      await loadSessions()
      return m
    }),
  )
  $('expire-client-go').addEventListener('click', () => act('Expire access tokens', () => expireAccessTokens({ clientId: $('expire-client').value }, $('expire-client').value)))
  $('expire-all').addEventListener('click', () => act('Expire access tokens', () => expireAccessTokens({}, 'everyone')))
  $('end-all-sessions').addEventListener('click', () =>
    act('End sessions', async () => {
      const u = $('sessions-user').value
      const ended = await api('DELETE', `/users/${encodeURIComponent(u)}/sessions`)
      await loadSessions()
      return `Ended ${ended.length} browser session(s) of ${u}`
    }),
  )
  $('inspect-form').addEventListener('submit', (e) => {
    e.preventDefault()
    void act('Inspect', async () => {
      await inspect($('inspect-token').value.trim())
      return 'Inspected'
    })
  })
  $('mint-form').addEventListener('submit', (e) => {
    e.preventDefault()
    void act('Mint', () => mint(e.target))
  })
  $('mint-server').addEventListener('change', (e) => {
    e.target.dataset.touched = '1'
  })
  $('demo-server').addEventListener('change', (e) => {
    e.target.dataset.touched = '1'
  })
  for (const b of document.querySelectorAll('[data-advance]'))
    b.addEventListener('click', () =>
      act('Clock', async () => {
        await api('POST', '/clock/advance', { seconds: Number(b.dataset.advance) })
        await loadClock()
        return `Moved the clock ${b.textContent}`
      }),
    )
  $('clock-past-expiry').addEventListener('click', () =>
    act('Clock', async () => {
      await pastExpiry()
      return "Moved the clock just past the token's expiry"
    }),
  )
  $('clock-reset').addEventListener('click', () =>
    act('Clock', async () => {
      await api('POST', '/clock/reset')
      await loadClock()
      return 'The clock is back on the machine time'
    }),
  )
  for (const b of document.querySelectorAll('[data-preset]'))
    b.addEventListener('click', () =>
      act('Fault', async () => {
        const r = await api('POST', '/faults', PRESETS[b.dataset.preset])
        await loadFaults()
        return `Added ${r.id}: ${b.textContent}`
      }),
    )
  $('faults-clear').addEventListener('click', () =>
    act('Faults', async () => {
      await api('DELETE', '/faults')
      await loadFaults()
      return 'Cleared every fault rule'
    }),
  )
  $('demo-client').addEventListener('change', demoClientChanged)
  $('demo-allow').addEventListener('click', () =>
    act('Allow callback', async () => {
      const client = data.clients.find((c) => c.id === $('demo-client').value)
      // A listed client written back keeps its secret (PUT /clients/{id}); only the redirect URI is added.
      const { confidential: _, ...rest } = client
      await api('PUT', `/clients/${encodeURIComponent(client.id)}`, { ...rest, redirectUris: [...client.redirectUris, CALLBACK] })
      await loadData()
      demoClientChanged()
      return `${client.id} now allows ${CALLBACK}`
    }),
  )
  $('demo-form').addEventListener('submit', (e) => {
    e.preventDefault()
    void act('Demo client', () => startDemo(e.target))
  })
  $('sign-out').addEventListener('click', () =>
    act('Sign out', async () => {
      await api('DELETE', '/ui/session')
      location.reload()
    }),
  )
}

async function main() {
  wire()
  updateClockHint()
  setInterval(tick, 1000)
  try {
    await Promise.all([loadClock(), loadData()])
  } catch (err) {
    say(err.message, true)
  }
  if (location.pathname === `${API}/ui/callback`) await finishCallback()
  // The cookie is HttpOnly: the server says whether there is a token to forget.
  void api('GET', '/ui/session').then(
    (s) => {
      $('sign-out').hidden = !s.adminToken
    },
    () => {},
  )
  show(location.hash.slice(1) || 'log')
}

void main()
