/**
 * jose, loaded on first use: serving discovery, keys and the grants needs none of it, so start-up
 * does not pay for importing it (docs/bench.md). Verification and key generation await this.
 */
type Jose = typeof import('jose')

let loading: Promise<Jose> | undefined

export const loadJose = (): Promise<Jose> => (loading ??= import('jose'))
