/**
 * `mockta --help` and `--version`: every documentation reference the help prints (a docs/ page and a
 * heading in it) must exist in the repository, so a newcomer following one never lands nowhere.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parseCliOptions, usage } from '../../src/config/cli-options.js'
import { packageVersion } from '../../src/package-root.js'
import { repoRoot } from '../helpers/cli-build.js'

/** Markdown ATX headings of a file, without the #s (and without a closing run of #s). */
const headings = (text: string): string[] => [...text.matchAll(/^#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/gm)].map((m) => m[1]!.trim())

t.test('every docs/ reference in --help names a file and a heading that exist', async (t) => {
  const references = [...usage.matchAll(/\b(docs\/[\w./-]+\.md)(?: "([^"]+)")?/g)].map((m) => ({ file: m[1]!, heading: m[2] }))
  t.ok(references.length >= 3, 'the help cites its documentation')
  for (const { file, heading } of references) {
    const path = join(repoRoot, file)
    t.ok(existsSync(path), `${file} exists`)
    if (!existsSync(path) || heading === undefined) continue
    t.ok(headings(readFileSync(path, 'utf8')).includes(heading), `${file} has the heading "${heading}"`)
  }
  t.notMatch(usage, /README "/, 'no README section names: the README is not where the reference lives')
})

t.test('--version and -v: the package version; --help wins over both', async (t) => {
  t.same(parseCliOptions(['--version'], {}), { version: true })
  t.same(parseCliOptions(['-v'], { PORT: 'not-a-port' }), { version: true }, 'nothing else is checked')
  t.same(parseCliOptions(['-v', '--help'], {}), { help: true })
  t.match(usage, /^ {2}-v, --version {5}/m, 'the help lists it')
  t.equal(packageVersion(), (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version)
})
