/** mockta's public API: re-exports only. */
export { buildApp, buildMockta, type AppDeps, type MocktaApp } from './app.js'
export { ManualClock, SystemClock, type Clock } from './clock.js'
export { ConfigError, loadConfigFile, resolveConfig, defaultConfigPath, schemaPath } from './config/load.js'
export type * from './config/types.js'
export { startServer, type ListenOptions } from './server.js'
export { MemoryStore } from './store/memory-store.js'
export type { Store, FamilyRecord, RefreshOutcome } from './store/store.js'
