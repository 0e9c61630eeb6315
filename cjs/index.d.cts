/**
 * Types of the CommonJS entry (index.cjs): the ES module's async functions, `load()` for the rest, and
 * every type. Classes (ManualClock, ControlError, …) are types here; their values come from `load()`.
 */
import type * as Mockta from '../dist/index.js'

export type * from '../dist/index.js'
export declare const startMockta: typeof Mockta.startMockta
export declare const buildApp: typeof Mockta.buildApp
export declare const buildMockta: typeof Mockta.buildMockta
export declare const startServer: typeof Mockta.startServer
/** The whole ES module, as `import('mockta')` gives it. */
export declare function load(): Promise<typeof Mockta>
