'use strict'
/**
 * mockta from CommonJS: `const { startMockta } = require('mockta')`.
 *
 * mockta is an ES module (so are jose and nanoid under it), so this entry loads it with import() and hands
 * on its async functions; `load()` resolves to the whole ES module for everything else (classes such as
 * ManualClock and ControlError, the config helpers). The same shape on every Node version and under every
 * test runner: no export that exists on one and is missing on another.
 *
 * Jest's CommonJS mode runs test files in a vm context whose import() needs --experimental-vm-modules
 * (and its require() loads ES modules only from Node 24.9). There the module is imported through Node's own
 * loader instead (vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER, Node 20.12+; Node prints one
 * ExperimentalWarning for it): the server then lives outside Jest's module registry and fake timers, as it
 * would in its own process. Everywhere else it is a plain import(), the module instance `import('mockta')` gets.
 */
const { join } = require('node:path')
const { pathToFileURL } = require('node:url')
const vm = require('node:vm')

const entry = pathToFileURL(join(__dirname, '../dist/index.js')).href

async function importEsm() {
  try {
    return await import(entry)
  } catch (err) {
    const sandboxed = /^ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING/.test(String(err?.code))
    if (!sandboxed || !vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER) throw err
    const mainContextImport = new vm.Script('(specifier) => import(specifier)', {
      filename: __filename,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }).runInThisContext()
    return mainContextImport(entry)
  }
}

let loaded
/** The whole ES module, loaded once. */
function load() {
  loaded ??= importEsm()
  return loaded
}

module.exports = {
  startMockta: async (...args) => (await load()).startMockta(...args),
  buildApp: async (...args) => (await load()).buildApp(...args),
  buildMockta: async (...args) => (await load()).buildMockta(...args),
  startServer: async (...args) => (await load()).startServer(...args),
  load,
}
