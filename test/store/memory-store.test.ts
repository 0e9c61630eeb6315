import t from 'tap'
import { MemoryStore, RETENTION_MS } from '../../src/store/memory-store.js'
import { storeContract } from './store.contract.js'

storeContract(t, ({ maxFamilies }) => new MemoryStore(maxFamilies), { retentionMs: RETENTION_MS })
