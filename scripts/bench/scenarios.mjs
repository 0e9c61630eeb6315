/**
 * What the bench measures: each scenario's `prepare` runs before the timed run and returns the
 * autocannon request plus counters of answers that were 2xx but wrong (`bad`).
 */
import { randomBytes } from 'node:crypto'
import { DPOP_CLIENT, PRIVATE_KEY_CLIENT, clientAssertion, dpopProof, dpopTokenRequest } from './dpop.mjs'
import { prepareAuthnSignIn, prepareCodeFlow, prepareDevicePoll, prepareIdxSignIn } from './sign-in.mjs'
import { FORM, basic } from './targets.mjs'

/** Device codes in the polling row's pool: at a 1 s interval, the most polls per second it can answer pending. */
const DEVICE_POOL = Number(process.env.BENCH_DEVICE_POOL || 15000)

/** The sign-in and polling rows' timed run at most (seconds): their ratios settle sooner than req/s does. */
const SIGN_IN_SECONDS = 5

export const scenarios = [
  {
    name: 'refresh_token',
    description: 'refresh grant, rotation + ID token (native-app, every request a live token)',
    prepare: prepareRefresh,
  },
  {
    name: 'introspect',
    description: 'introspect an access token (web-app, client_secret_basic)',
    async prepare(env, target) {
      const { token, client } = await target.introspection(env)
      const form = new URLSearchParams({ token, token_type_hint: 'access_token' }).toString()
      return expecting({ method: 'POST', path: env.paths.introspect, headers: { ...FORM, authorization: basic(client) }, body: form }, (text) => text.startsWith('{"active":true'))
    },
  },
  {
    name: 'client_credentials',
    description: 'client_credentials grant (service-app, scope api:read)',
    async prepare(env, target) {
      const c = target.serviceClient
      const form = new URLSearchParams({ grant_type: 'client_credentials', scope: c.scope }).toString()
      return expecting({ method: 'POST', path: env.paths.token, headers: { ...FORM, authorization: basic(c) }, body: form }, (text) => text.includes('"access_token"'))
    },
  },
  {
    name: 'dpop_refresh',
    description: 'refresh grant with a DPoP proof, rotation bound to the key (mockta only; a fresh proof per request)',
    prepare: prepareDpopRefresh,
  },
  {
    name: 'private_key_jwt',
    description: 'client_credentials with a private_key_jwt assertion (mockta only; a fresh assertion per request)',
    async prepare(env) {
      const aud = env.baseUrl + env.paths.token
      const counters = { bad: 0 }
      return {
        counters,
        request: {
          method: 'POST',
          path: env.paths.token,
          headers: FORM,
          setupRequest(req) {
            req.body = `grant_type=client_credentials&scope=${PRIVATE_KEY_CLIENT.scope}&client_assertion_type=${encodeURIComponent('urn:ietf:params:oauth:client-assertion-type:jwt-bearer')}&client_assertion=${clientAssertion(aud)}`
            return req
          },
          onResponse(status, body) {
            if (status >= 200 && status < 300 && !body.includes('"access_token"')) counters.bad++
          },
        },
      }
    },
  },
  {
    name: 'code_flow',
    maxSeconds: SIGN_IN_SECONDS,
    description: 'sign-in: /authorize for a client with autoSignIn (302 with a code), the code grant with PKCE (mockta only; 2 requests)',
    prepare: prepareCodeFlow,
  },
  {
    name: 'idx_sign_in',
    maxSeconds: SIGN_IN_SECONDS,
    description: 'sign-in as okta-auth-js does it: interact, introspect, identify, interaction_code grant (spa-app; mockta only; 4 requests)',
    prepare: prepareIdxSignIn,
  },
  {
    name: 'authn_sign_in',
    maxSeconds: SIGN_IN_SECONDS,
    description: 'classic sign-in: /api/v1/authn, /authorize with its sessionToken and prompt=none, the code grant (spa-app; mockta only; 3 requests)',
    prepare: prepareAuthnSignIn,
  },
  {
    name: 'device_poll',
    maxSeconds: SIGN_IN_SECONDS,
    description: 'device-code polls answered authorization_pending (a pool of codes at a 1 s interval, each polled once per interval; mockta only)',
    prepare: (env, target) => prepareDevicePoll(env, target, DEVICE_POOL),
  },
  {
    name: 'keys',
    description: 'GET the JWKS',
    async prepare(env) {
      return expecting({ method: 'GET', path: env.paths.keys }, (text) => text.startsWith('{"keys"'))
    },
  },
  {
    name: 'discovery',
    description: 'GET the OpenID discovery document',
    async prepare(env) {
      return expecting({ method: 'GET', path: env.paths.discovery }, (text) => text.includes('"issuer"'))
    },
  },
]

/** A fixed request whose 2xx answers are checked by `ok(body)`. */
function expecting(request, ok) {
  const counters = { bad: 0 }
  return {
    counters,
    request: {
      ...request,
      onResponse(status, body) {
        if (status >= 200 && status < 300 && !ok(body)) counters.bad++
      },
    },
  }
}

/**
 * Each request takes a token from the pool and a 200 puts the rotated one back, so every request
 * presents a live token and no family is ever revoked for reuse. A failed request's token is dropped
 * rather than retried, since it may have been consumed.
 */
async function prepareRefresh(env, target, poolSize) {
  const client = target.publicClient
  const pool = await target.refreshTokens(env, poolSize)
  if (pool.length !== poolSize || pool.some((t) => typeof t !== 'string')) throw new Error(`${target.name}: could not seed ${poolSize} refresh tokens`)
  const counters = { bad: 0, poolExhausted: 0, rejected: 0 }
  // A moving head keeps take() O(1).
  let head = 0
  const take = () => {
    if (head >= pool.length) return undefined
    const token = pool[head++]
    if (head > 4096 && head * 2 > pool.length) {
      pool.splice(0, head)
      head = 0
    }
    return token
  }
  return {
    counters,
    poolSize: () => pool.length - head,
    request: {
      method: 'POST',
      path: env.paths.token,
      headers: FORM,
      setupRequest(req) {
        let token = take()
        if (token === undefined) {
          // autocannon stops if setupRequest returns nothing, so a dead token keeps the run going and
          // shows up as a 400 (non-2xx) plus this counter.
          counters.poolExhausted++
          token = randomBytes(32).toString('base64url')
        }
        req.body = `grant_type=refresh_token&client_id=${encodeURIComponent(client.id)}&refresh_token=${encodeURIComponent(token)}`
        return req
      },
      onResponse(status, body) {
        if (status !== 200) {
          counters.rejected++
          return
        }
        let parsed
        try {
          parsed = JSON.parse(body)
        } catch {
          counters.bad++
          return
        }
        if (typeof parsed.refresh_token !== 'string' || typeof parsed.id_token !== 'string' || typeof parsed.access_token !== 'string') {
          counters.bad++
          return
        }
        pool.push(parsed.refresh_token)
      },
    },
  }
}

/** As prepareRefresh, with DPoP: the pool is seeded through the nonce dance, every request carries a fresh proof. */
async function prepareDpopRefresh(env, _target, poolSize) {
  const tokenUrl = env.baseUrl + env.paths.token
  const state = {}
  const pool = []
  for (let i = 0; i < poolSize; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, poolSize - i) }, () =>
        dpopTokenRequest(
          tokenUrl,
          { grant_type: 'password', client_id: DPOP_CLIENT.id, username: 'alice@example.com', password: 'alice-password', scope: 'openid offline_access' },
          state,
        ),
      ),
    )
    for (const body of batch) {
      if (body.token_type !== 'DPoP' || typeof body.refresh_token !== 'string') throw new Error(`no DPoP-bound refresh token: ${JSON.stringify(body)}`)
      pool.push(body.refresh_token)
    }
  }
  const counters = { bad: 0, poolExhausted: 0, rejected: 0 }
  let head = 0
  return {
    counters,
    poolSize: () => pool.length - head,
    request: {
      method: 'POST',
      path: env.paths.token,
      headers: FORM,
      setupRequest(req) {
        let token = pool[head++]
        if (token === undefined) {
          counters.poolExhausted++
          head = pool.length
          token = randomBytes(32).toString('base64url')
        }
        req.headers = { ...FORM, dpop: dpopProof(tokenUrl, state.nonce) }
        req.body = `grant_type=refresh_token&client_id=${DPOP_CLIENT.id}&refresh_token=${encodeURIComponent(token)}`
        return req
      },
      onResponse(status, body) {
        if (status !== 200) {
          counters.rejected++
          return
        }
        try {
          const parsed = JSON.parse(body)
          if (parsed.token_type !== 'DPoP' || typeof parsed.refresh_token !== 'string') counters.bad++
          else pool.push(parsed.refresh_token)
        } catch {
          counters.bad++
        }
      },
    },
  }
}
