/**
 * The app's side: calls an API with its access token and, when the API says 401, refreshes once and
 * tries again. A refresh that meets 429 waits until Okta's X-Rate-Limit-Reset; one that meets a 5xx
 * or `temporarily_unavailable` backs off exponentially; both are retried a bounded number of times.
 */
export interface TokenClientOptions {
  /** e.g. https://example.okta.com/oauth2/default */
  issuer: string
  clientId: string
  /** Refresh attempts in all, the first one included. Default 4. */
  maxAttempts?: number
  /** First back-off after a 5xx; doubles each time. Default 200 ms. */
  baseDelayMs?: number
  /** Longest wait for any retry. Default 10 s. */
  maxDelayMs?: number
  /** Injected so tests need not wait; default setTimeout. */
  sleep?: (ms: number) => Promise<void>
}

export interface Tokens {
  access_token: string
  refresh_token: string
  expires_in: number
  scope: string
}

export class RefreshFailed extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`refresh failed with ${status}`)
    this.name = 'RefreshFailed'
  }
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export class TokenClient {
  private tokens: Tokens | undefined
  private readonly sleep: (ms: number) => Promise<void>
  /** How many refreshes succeeded: what an app's metrics would count. */
  refreshes = 0

  constructor(private readonly options: TokenClientOptions) {
    this.sleep = options.sleep ?? wait
  }

  private async tokenRequest(params: Record<string, string>): Promise<Response> {
    return fetch(`${this.options.issuer}/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ ...params, client_id: this.options.clientId }),
    })
  }

  async signIn(username: string, password: string, scope = 'openid offline_access'): Promise<void> {
    const res = await this.tokenRequest({ grant_type: 'password', username, password, scope })
    if (!res.ok) throw new Error(`sign-in failed with ${res.status}`)
    this.tokens = (await res.json()) as Tokens
  }

  /** GET with the access token; after a 401, one refresh and one more try. */
  async get(url: string): Promise<Response> {
    const first = await this.authorizedGet(url)
    if (first.status !== 401) return first
    await this.refresh()
    return this.authorizedGet(url)
  }

  private authorizedGet(url: string): Promise<Response> {
    if (!this.tokens) throw new Error('not signed in')
    return fetch(url, { headers: { authorization: `Bearer ${this.tokens.access_token}` } })
  }

  async refresh(): Promise<void> {
    if (!this.tokens) throw new Error('not signed in')
    const { maxAttempts = 4, baseDelayMs = 200, maxDelayMs = 10_000 } = this.options
    for (let attempt = 1; ; attempt++) {
      const res = await this.tokenRequest({ grant_type: 'refresh_token', refresh_token: this.tokens.refresh_token })
      const text = await res.text()
      if (res.ok) {
        this.tokens = JSON.parse(text) as Tokens
        this.refreshes++
        return
      }
      if (attempt >= maxAttempts || !retryable(res.status, text)) throw new RefreshFailed(res.status, text)
      const delay = res.status === 429 ? untilReset(res.headers.get('x-rate-limit-reset')) : baseDelayMs * 2 ** (attempt - 1)
      await this.sleep(Math.min(maxDelayMs, delay))
    }
  }
}

/** 429, any 5xx, and Okta's 400 temporarily_unavailable are worth another try; other errors are final. */
function retryable(status: number, body: string): boolean {
  if (status === 429 || status >= 500) return true
  try {
    return (JSON.parse(body) as { error?: string }).error === 'temporarily_unavailable'
  } catch {
    return false
  }
}

/** Okta's X-Rate-Limit-Reset is the epoch second the window reopens. */
function untilReset(header: string | null): number {
  const reset = Number(header)
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : 1000
}
