/**
 * The control API's OpenAPI document ships as schema/mockta.control.openapi.json, for tools that read
 * it without a running mockta. It must equal the served one; `MOCKTA_WRITE_OPENAPI=1 npx tap
 * test/control/openapi-file.test.ts` rewrites it after a change to the routes.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { openApiDocument } from '../../src/routes/control/openapi.js'
import { CONTROL_PREFIX } from '../../src/routes/control/routes.js'
import { repoRoot } from '../helpers/cli-build.js'

t.test('schema/mockta.control.openapi.json is the served document', async (t) => {
  const file = join(repoRoot, 'schema/mockta.control.openapi.json')
  const served = `${JSON.stringify(openApiDocument(CONTROL_PREFIX), null, 2)}\n`
  if (process.env['MOCKTA_WRITE_OPENAPI'] === '1') writeFileSync(file, served)
  t.equal(readFileSync(file, 'utf8'), served, 'regenerate with MOCKTA_WRITE_OPENAPI=1 (see this file)')
})
