/** The part of autocannon's programmatic API the load test uses (the package ships no types). */
declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string
      method?: 'GET' | 'POST'
      headers?: Record<string, string>
      body?: string
      connections?: number
      duration?: number
    }
    interface Histogram {
      average: number
      total: number
      p50: number
      p97_5: number
      p99: number
      max: number
    }
    interface Result {
      requests: Histogram
      latency: Histogram
      errors: number
      timeouts: number
      non2xx: number
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>
  export default autocannon
}
