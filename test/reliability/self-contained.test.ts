/**
 * The repository stands on its own and its references lead somewhere (CONTRIBUTING.md, "Citations"):
 * - nothing reads or links a folder beside the checkout: Okta's data is vendored in vendor/okta/,
 *   byte for byte as its README states;
 * - no code, test or document points at a tracker's numbers; comments cite a page of docs/;
 * - every citation `docs/<page>.md § <ids>` names a page that exists and ids that have an anchor there,
 *   and no reference in an older form remains; a comment that uses a rule or case id cites
 *   docs/reliability.md, and every id it uses has an anchor there;
 * - every relative link in the Markdown documents points at a file (and heading) that exists.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import t from 'tap'
import ts from 'typescript'
import { repoRoot } from '../helpers/cli-build.js'

const CODE_TREES = ['src', 'test', 'scripts', 'examples', 'cjs']
const CODE_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/
const OTHER_TEXT = ['.ci/run', 'Dockerfile', 'package.json']

function filesUnder(dir: string, keep: (f: string) => boolean): string[] {
  const root = join(repoRoot, dir)
  if (!existsSync(root)) return []
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.split(/[\\/]/).includes('node_modules'))
    .map((f) => join(root, f))
    .filter((f) => statSync(f).isFile() && keep(f))
}

const codeFiles = CODE_TREES.flatMap((d) => filesUnder(d, (f) => CODE_FILE.test(f)))
const configFiles = [...filesUnder('examples', (f) => /\.(ya?ml|cfg|conf|json)$/.test(f)), ...OTHER_TEXT.map((f) => join(repoRoot, f)).filter(existsSync)]
const markdownFiles = [
  ...['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md'].map((f) => join(repoRoot, f)).filter(existsSync),
  ...filesUnder('docs', (f) => f.endsWith('.md')),
  ...filesUnder('examples', (f) => f.endsWith('.md')),
  ...filesUnder('vendor', (f) => f.endsWith('.md')),
]
const rel = (file: string) => relative(repoRoot, file)
const text = new Map([...codeFiles, ...configFiles, ...markdownFiles].map((f) => [f, readFileSync(f, 'utf8')]))
const lineOf = (file: string, index: number) => text.get(file)!.slice(0, index).split('\n').length

// Built from pieces, so this file does not contain what it looks for.
const SIBLING = new RegExp(['\\.\\./', 'shared(?![\\w-])', '|', 'shared/', '(okta|docs)\\b'].join(''))
const TRACKER_NUMBER = new RegExp(['\\bissue', 's?\\s+#?\\d'].join(''), 'i')
const OLD_STYLE = new RegExp(['wire', ' spec|reliability', ' bar|\\bbar', " (#|§|'s)|\\bthe bar\\b"].join(''), 'i')

// --- anchors of the docs pages -------------------------------------------------------------------

/** GitHub's heading ids: lower case, tags and punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  for (const m of markdown.matchAll(/<a id="([^"]+)"><\/a>/g)) anchors.add(m[1]!)
  const seen = new Map<string, number>()
  let fenced = false
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced
    const heading = !fenced && /^#{1,6} (.*)$/.exec(line)
    if (!heading) continue
    const base = heading[1]!
      .replace(/<[^>]+>/g, '')
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    anchors.add(n === 0 ? base : `${base}-${n}`)
  }
  return anchors
}

const pageAnchors = new Map<string, Set<string>>()
function anchorsOfFile(file: string): Set<string> | undefined {
  if (!existsSync(file) || !file.endsWith('.md')) return undefined
  if (!pageAnchors.has(file)) pageAnchors.set(file, anchorsOf(readFileSync(file, 'utf8')))
  return pageAnchors.get(file)
}

// --- the citation format -------------------------------------------------------------------------

/** A rule, case or section id as cited (docs/reliability.md § #71, G3, I4, C-4, F-5, SP-2, 1A; F-3b is a part of F-3; docs/okta-behaviour.md § 2.4). */
const ID = String.raw`(?:#\d+|G[1-9]|I[1-8]|C-\d+|F-\d+[a-z]?|SP-\d+|\d+(?:\.\d+)*[A-H]?)`
const CITATION = new RegExp(String.raw`docs/([\w-]+\.md) § (${ID}(?:(?:–| to |, | and |/)${ID})*)`, 'g')
/** The ids of docs/reliability.md as they appear bare in a comment. */
const RULE_ID = /(?<![\w#&§/.-])(#\d+|G[1-9]|I[1-8]|C-\d+|F-\d+[a-z]?|SP-\d+)(?![\w-])/g

function anchorOf(id: string): string {
  if (id.startsWith('#')) return `case-${id.slice(1)}`
  if (/^\d/.test(id)) return `s${id.toLowerCase()}`
  return id.toLowerCase().replace(/^(f-\d+)[a-z]$/, '$1')
}

/** Every id a citation list names, ranges of cases expanded. */
function idsOf(list: string): string[] {
  const ids: string[] = []
  const parts = list.split(/(–| to )/)
  for (let i = 0; i < parts.length; i += 2) {
    for (const id of parts[i]!.split(/, | and |\//)) ids.push(id)
    const [from, to] = [parts[i]!.split(/, | and |\//).at(-1)!, parts[i + 2]?.split(/, | and |\//)[0]]
    if (to && from.startsWith('#') && to.startsWith('#')) for (let n = Number(from.slice(1)) + 1; n < Number(to.slice(1)); n++) ids.push(`#${n}`)
  }
  return ids
}

function checkCitations(source: string, file: string, index: number, problems: string[]): void {
  for (const m of source.matchAll(CITATION)) {
    const page = join(repoRoot, 'docs', m[1]!)
    const anchors = anchorsOfFile(page)
    if (!anchors) {
      problems.push(`${rel(file)}:${lineOf(file, index)}: docs/${m[1]} does not exist`)
      continue
    }
    for (const id of idsOf(m[2]!)) if (!anchors.has(anchorOf(id))) problems.push(`${rel(file)}:${lineOf(file, index)}: docs/${m[1]} has no anchor for ${id}`)
  }
  if (file.endsWith('.md')) return // Markdown names pages through links, which the link test checks.
  for (const m of source.matchAll(/\bdocs\/([\w-]+\.md)/g)) {
    if (!existsSync(join(repoRoot, 'docs', m[1]!))) problems.push(`${rel(file)}:${lineOf(file, index)}: docs/${m[1]} does not exist`)
  }
}

// --- comments and strings of the code ------------------------------------------------------------

interface Piece {
  kind: 'comment' | 'string'
  text: string
  pos: number
}

/** Comments (contiguous line comments joined into one) and string literals of a source file. */
function piecesOf(file: string): Piece[] {
  const source = text.get(file)!
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, /\.(ts|mts|cts)$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS)
  const comments = new Map<number, ts.CommentRange>()
  const strings: Piece[] = []
  const visit = (node: ts.Node) => {
    for (const r of [...(ts.getLeadingCommentRanges(source, node.getFullStart()) ?? []), ...(ts.getTrailingCommentRanges(source, node.getEnd()) ?? [])]) comments.set(r.pos, r)
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      strings.push({ kind: 'string', text: node.getText(), pos: node.getStart() })
    }
    for (const child of node.getChildren()) visit(child)
  }
  visit(sf)
  const ranges = [...comments.values()].sort((a, b) => a.pos - b.pos)
  const joined: Piece[] = []
  for (const r of ranges) {
    const body = source.slice(r.pos, r.end)
    const last = joined.at(-1)
    const adjacent =
      last && r.kind === ts.SyntaxKind.SingleLineCommentTrivia && last.text.startsWith('//') && /^[ \t]*\r?\n[ \t]*$/.test(source.slice(last.pos + last.text.length, r.pos))
    if (adjacent) last.text += `\n${body}`
    else joined.push({ kind: 'comment', text: body, pos: r.pos })
  }
  return [...joined, ...strings]
}

const pieces = new Map(codeFiles.map((f) => [f, piecesOf(f)]))
const reliabilityAnchors = anchorsOfFile(join(repoRoot, 'docs', 'reliability.md')) ?? new Set<string>()

// --- the tests -----------------------------------------------------------------------------------

t.test('nothing reads or links a folder beside the checkout', async (t) => {
  const found: string[] = []
  for (const [file, content] of text) {
    content.split('\n').forEach((line, i) => {
      if (SIBLING.test(line)) found.push(`${rel(file)}:${i + 1}: ${line.trim().slice(0, 120)}`)
    })
  }
  t.same(found, [], 'no path to a sibling folder in src, test, scripts, examples, docs or the top-level documents')
})

t.test("Okta's data is vendored unchanged, as vendor/okta/README.md states", async (t) => {
  const readme = readFileSync(join(repoRoot, 'vendor/okta/README.md'), 'utf8')
  for (const name of ['oauth2-error-codes.json', 'oauth-openapi.yaml']) {
    const bytes = readFileSync(join(repoRoot, 'vendor/okta', name))
    const section = readme.slice(readme.indexOf(`## \`${name}\``))
    const hash = createHash('sha256').update(bytes).digest('hex')
    t.match(section, hash, `${name}: its sha256 is the one its README gives`)
    t.match(section, bytes.length.toLocaleString('en-US'), `${name}: and its size`)
  }
  t.match(readFileSync(join(repoRoot, 'NOTICE'), 'utf8'), 'vendor/okta/', 'NOTICE names the vendored data')
})

t.test('no code, test or document refers to tracker numbers', async (t) => {
  const found: string[] = []
  for (const [file, content] of text) {
    content.split('\n').forEach((line, i) => {
      if (TRACKER_NUMBER.test(line)) found.push(`${rel(file)}:${i + 1}: ${line.trim().slice(0, 120)}`)
    })
  }
  t.same(found, [], 'cite the docs page of the feature instead')
})

t.test('every citation names a docs page and ids that have an anchor there', async (t) => {
  const problems: string[] = []
  let citations = 0
  for (const [file, list] of pieces) {
    for (const piece of list) {
      citations += [...piece.text.matchAll(CITATION)].length
      checkCitations(piece.text, file, piece.pos, problems)
    }
  }
  for (const file of markdownFiles) checkCitations(text.get(file)!, file, 0, problems)
  t.ok(citations > 150, `${citations} citations in the code`)
  t.same(problems, [])
})

t.test('no reference in an older form remains', async (t) => {
  const found: string[] = []
  for (const [file, list] of pieces) {
    for (const piece of list)
      if (OLD_STYLE.test(piece.text))
        found.push(
          `${rel(file)}:${lineOf(file, piece.pos)}: ${piece.text
            .split('\n')
            .find((l) => OLD_STYLE.test(l))!
            .trim()
            .slice(0, 120)}`,
        )
  }
  for (const file of [...configFiles, ...markdownFiles]) {
    text
      .get(file)!
      .split('\n')
      .forEach((line, i) => {
        if (OLD_STYLE.test(line)) found.push(`${rel(file)}:${i + 1}: ${line.trim().slice(0, 120)}`)
      })
  }
  t.same(found, [], 'cite docs/okta-behaviour.md § <section> or docs/reliability.md § <id>')
})

t.test('a comment that uses a rule or case id cites docs/reliability.md, and every id it uses is there', async (t) => {
  const problems: string[] = []
  for (const [file, list] of pieces) {
    for (const piece of list) {
      if (piece.kind !== 'comment') continue
      const ids = [...piece.text.matchAll(RULE_ID)].map((m) => m[1]!)
      if (ids.length === 0) continue
      if (!piece.text.includes('docs/reliability.md')) problems.push(`${rel(file)}:${lineOf(file, piece.pos)}: ${ids.join(' ')} without docs/reliability.md`)
      for (const id of ids) if (!reliabilityAnchors.has(anchorOf(id))) problems.push(`${rel(file)}:${lineOf(file, piece.pos)}: ${id} is not in docs/reliability.md`)
    }
  }
  t.same(problems, [])
})

t.test('every relative link in the Markdown documents leads to a file and heading that exist', async (t) => {
  const broken: string[] = []
  for (const file of markdownFiles) {
    const content = text.get(file)!.replace(/^```[\s\S]*?^```/gm, (block) => block.replace(/[^\n]/g, ' '))
    for (const m of content.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!
      if (/^[a-z]+:/i.test(target)) continue
      const [path, anchor] = target.split('#') as [string, string | undefined]
      const resolved = path === '' ? file : resolve(dirname(file), path)
      if (!existsSync(resolved)) {
        broken.push(`${rel(file)}:${lineOf(file, m.index!)}: ${target} (no such file)`)
        continue
      }
      if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOfFile(resolved)!.has(anchor))
        broken.push(`${rel(file)}:${lineOf(file, m.index!)}: ${target} (no such heading)`)
    }
  }
  t.same(broken, [])
})
