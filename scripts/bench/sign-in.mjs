/**
 * Sign-in rows (mockta only, docs/bench.md "Sign-in rows"): each is a sequence of requests per
 * autocannon connection (autocannon keeps a context per connection and starts the sequence again
 * when a step cannot be built), and each completed sign-in is counted, so the bench can give server
 * CPU per sign-in, not per request. Also the device-code polling row with its pool of device codes.
 */
import { createHash, randomBytes } from 'node:crypto'
import { fetchJson } from './processes.mjs'
import { FORM } from './targets.mjs'

const USER = { username: 'alice@example.com', password: 'alice-password' }
/** The fixture SPA (public, PKCE) that okta-auth-js would use; its first redirect URI. */
const SPA = { id: 'spa-app', redirectUri: 'http://localhost:3000/login/callback' }
/** A copy of the SPA that signs alice in at once on /authorize: the plain code flow to compare with. */
const AUTO_SPA = { id: 'bench-auto-spa', redirectUri: 'http://localhost:3000/login/callback' }
const DEVICE_CLIENT = { id: 'bench-device' }
const SCOPE = 'openid profile offline_access'
/** The bench's device interval: the shortest the config allows, so a pool of codes can be small. */
export const DEVICE_INTERVAL_SECONDS = 1
/** Wait this much past the interval after a poll's answer before polling that code again. */
const DEVICE_MARGIN_MS = 25
const ION = 'application/ion+json; okta-version=1.0.0'
const IDX_HEADERS = { 'content-type': ION, accept: ION }

// One PKCE pair for every sign-in: the server keeps a challenge per code or interaction, it does not refuse a repeated one.
const VERIFIER = randomBytes(32).toString('base64url')
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url')

export const signInClients = () => [
  {
    id: AUTO_SPA.id,
    type: 'browser',
    authMethods: ['none'],
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: [AUTO_SPA.redirectUri],
    autoSignIn: USER.username,
  },
  { id: DEVICE_CLIENT.id, type: 'native', authMethods: ['none'], grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'], redirectUris: ['com.example.device:/cb'] },
]

const form = (params) => new URLSearchParams(params).toString()
let stateCounter = 0
const nextState = () => `s${(++stateCounter).toString(36)}`
const codeFromLocation = (headers) => {
  const location = headers?.location
  if (typeof location !== 'string') return undefined
  return new URL(location).searchParams.get('code') ?? undefined
}

/** The last step of every sign-in: tokens with an access and an ID token make one sign-in. */
function tokenStep(path, counters, body) {
  return {
    method: 'POST',
    path,
    headers: FORM,
    setupRequest(req, context) {
      const text = body(context)
      if (text === undefined) {
        counters.broken++
        return undefined
      }
      req.body = text
      return req
    },
    onResponse(status, text) {
      if (status !== 200) return
      if (text.includes('"access_token"') && text.includes('"id_token"')) counters.signIns++
      else counters.bad++
    },
  }
}

const authorizeQuery = (client, extra) =>
  form({
    client_id: client.id,
    response_type: 'code',
    scope: SCOPE,
    redirect_uri: client.redirectUri,
    state: nextState(),
    nonce: 'bench-nonce',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...extra,
  })

const codeGrant = (client) => (context) =>
  context.code === undefined
    ? undefined
    : form({ grant_type: 'authorization_code', client_id: client.id, code: context.code, code_verifier: VERIFIER, redirect_uri: client.redirectUri })

/** GET /authorize for a client with autoSignIn (302 with a code), then the code grant: 2 requests. */
export function prepareCodeFlow(env) {
  const counters = { bad: 0, broken: 0, signIns: 0 }
  const authorize = `${env.paths.token.replace(/\/token$/, '')}/authorize`
  return {
    counters,
    unit: { name: 'sign-in', counter: 'signIns', requests: 2 },
    requests: [
      {
        method: 'GET',
        path: authorize,
        setupRequest(req) {
          req.path = `${authorize}?${authorizeQuery(AUTO_SPA)}`
          return req
        },
        onResponse(_status, _body, context, headers) {
          context.code = codeFromLocation(headers)
        },
      },
      tokenStep(env.paths.token, counters, codeGrant(AUTO_SPA)),
    ],
  }
}

/** okta-auth-js's Interaction Code sign-in: interact, introspect, identify (one step), the interaction_code grant: 4 requests. */
export function prepareIdxSignIn(env) {
  const counters = { bad: 0, broken: 0, signIns: 0 }
  const base = env.paths.token.replace(/\/token$/, '')
  const stateHandleOf = (text) => /"stateHandle":"([^"]+)"/.exec(text)?.[1]
  return {
    counters,
    unit: { name: 'sign-in', counter: 'signIns', requests: 4 },
    requests: [
      {
        method: 'POST',
        path: `${base}/interact`,
        headers: FORM,
        setupRequest(req) {
          req.body = form({ client_id: SPA.id, scope: SCOPE, redirect_uri: SPA.redirectUri, state: nextState(), code_challenge: CHALLENGE, code_challenge_method: 'S256' })
          return req
        },
        onResponse(status, text, context) {
          context.handle = status === 200 ? /"interaction_handle":"([^"]+)"/.exec(text)?.[1] : undefined
        },
      },
      {
        method: 'POST',
        path: '/idp/idx/introspect',
        headers: IDX_HEADERS,
        setupRequest(req, context) {
          if (context.handle === undefined) return brokenStep(counters)
          req.body = JSON.stringify({ interactionHandle: context.handle })
          return req
        },
        onResponse(status, text, context) {
          context.stateHandle = status === 200 ? stateHandleOf(text) : undefined
        },
      },
      {
        method: 'POST',
        path: '/idp/idx/identify',
        headers: IDX_HEADERS,
        setupRequest(req, context) {
          if (context.stateHandle === undefined) return brokenStep(counters)
          req.body = JSON.stringify({ identifier: USER.username, credentials: { passcode: USER.password }, stateHandle: context.stateHandle })
          return req
        },
        onResponse(status, text, context) {
          context.code = undefined
          if (status !== 200) return
          try {
            const value = JSON.parse(text).successWithInteractionCode?.value ?? []
            context.code = value.find((v) => v.name === 'interaction_code')?.value
          } catch {
            counters.bad++
          }
        },
      },
      tokenStep(env.paths.token, counters, (context) =>
        context.code === undefined ? undefined : form({ grant_type: 'interaction_code', client_id: SPA.id, interaction_code: context.code, code_verifier: VERIFIER }),
      ),
    ],
  }
}

/** Classic: POST /api/v1/authn, /authorize with its sessionToken and prompt=none (302 with a code), the code grant: 3 requests. */
export function prepareAuthnSignIn(env) {
  const counters = { bad: 0, broken: 0, signIns: 0 }
  const authorize = `${env.paths.token.replace(/\/token$/, '')}/authorize`
  const body = JSON.stringify(USER)
  return {
    counters,
    unit: { name: 'sign-in', counter: 'signIns', requests: 3 },
    requests: [
      {
        method: 'POST',
        path: '/api/v1/authn',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        onResponse(status, text, context) {
          context.sessionToken = status === 200 ? /"sessionToken":"([^"]+)"/.exec(text)?.[1] : undefined
        },
      },
      {
        method: 'GET',
        path: authorize,
        setupRequest(req, context) {
          if (context.sessionToken === undefined) return brokenStep(counters)
          req.path = `${authorize}?${authorizeQuery(SPA, { prompt: 'none', sessionToken: context.sessionToken })}`
          return req
        },
        onResponse(_status, _body, context, headers) {
          context.code = codeFromLocation(headers)
        },
      },
      tokenStep(env.paths.token, counters, codeGrant(SPA)),
    ],
  }
}

function brokenStep(counters) {
  counters.broken++
  return undefined
}

/**
 * Device-code polling: a pool of device codes, each polled at most once per interval (measured from
 * the previous poll's answer), so every poll should be answered `authorization_pending`. When no
 * code is due, the request carries an unknown code instead (counted as `starved`), never an early poll.
 */
export async function prepareDevicePoll(env, _target, poolSize) {
  const deviceAuthorize = `${env.baseUrl}${env.paths.token.replace(/\/token$/, '')}/device/authorize`
  const pool = []
  for (let i = 0; i < poolSize; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, poolSize - i) }, () =>
        fetchJson(deviceAuthorize, { method: 'POST', headers: FORM, body: form({ client_id: DEVICE_CLIENT.id, scope: 'openid' }) }),
      ),
    )
    for (const b of batch) {
      if (typeof b.device_code !== 'string' || b.interval !== DEVICE_INTERVAL_SECONDS)
        throw new Error(`no device code at a ${DEVICE_INTERVAL_SECONDS} s interval: ${JSON.stringify(b)}`)
      pool.push({ code: b.device_code, dueMs: 0 })
    }
  }
  const counters = { bad: 0, pending: 0, slowDown: 0, starved: 0 }
  let head = 0
  const unknown = randomBytes(32).toString('base64url')
  return {
    counters,
    unit: { name: 'pending poll', counter: 'pending', requests: 1 },
    request: {
      method: 'POST',
      path: env.paths.token,
      headers: FORM,
      setupRequest(req, context) {
        const next = pool[head]
        let code = unknown
        context.entry = undefined
        if (next !== undefined && next.dueMs <= Date.now()) {
          head++
          if (head > 4096 && head * 2 > pool.length) {
            pool.splice(0, head)
            head = 0
          }
          context.entry = next
          code = next.code
        } else counters.starved++
        req.body = `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=${DEVICE_CLIENT.id}&device_code=${code}`
        return req
      },
      onResponse(status, text, context) {
        const entry = context.entry
        if (entry === undefined) return
        if (status === 400 && text.includes('"authorization_pending"')) {
          counters.pending++
          entry.dueMs = Date.now() + DEVICE_INTERVAL_SECONDS * 1000 + DEVICE_MARGIN_MS
          pool.push(entry)
        } else if (text.includes('"slow_down"')) counters.slowDown++
        else counters.bad++
      },
    },
  }
}
