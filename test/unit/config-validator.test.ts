/** The validator `npm run build` precompiles (scripts/build-config-validator.mjs) reports what Ajv reports. */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Ajv, type ValidateFunction } from 'ajv'
import t from 'tap'
import { defaultConfigPath, schemaPath } from '../../src/config/load.js'
import { AJV_OPTIONS } from '../../src/json-schema.js'
import { repoRoot } from '../helpers/cli-build.js'

const schemaText = readFileSync(schemaPath, 'utf8')
const require = createRequire(import.meta.url)

t.test('precompiled and Ajv-compiled validators agree, errors included', async (t) => {
  // Inside the checkout, so the generated module resolves ajv's runtime helpers as dist/ does.
  const cache = join(repoRoot, 'node_modules/.cache')
  mkdirSync(cache, { recursive: true })
  const dir = mkdtempSync(join(cache, 'mockta-validator-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  execFileSync(process.execPath, [join(repoRoot, 'scripts/build-config-validator.mjs'), dir])
  const precompiled = require(join(dir, 'config-validator.cjs')) as ValidateFunction & { schemaSha256: string }
  const compiled = new Ajv(AJV_OPTIONS).compile(JSON.parse(schemaText) as object)
  t.match(precompiled.schemaSha256, /^[0-9a-f]{64}$/)

  const valid = JSON.parse(readFileSync(defaultConfigPath, 'utf8')) as Record<string, unknown>
  const inputs: unknown[] = [
    valid,
    {},
    [],
    'text',
    { unknown: 1, logLevel: 'loud', store: { maxFamilies: 0 } },
    { authorizationServers: [{ id: 'v1' }, { name: 'no id' }], clients: [{ id: 'x', type: 'robot', grantTypes: [] }] },
    { users: [{ login: 'a', password: 'p', id: 'nope', profile: { email_verified: 'yes' }, groups: ['a', 'a'] }] },
    { authorizationServers: [{ id: 'default', claims: [{ name: 'c' }, { name: 'd', value: 1, userAttribute: 'x' }] }] },
  ]
  for (const input of inputs) {
    const a = precompiled(input)
    const b = compiled(input)
    t.equal(a, b, `verdict for ${JSON.stringify(input).slice(0, 60)}`)
    t.strictSame(precompiled.errors ?? null, compiled.errors ?? null, 'same errors')
  }
})
