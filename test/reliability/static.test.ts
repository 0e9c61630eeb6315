/**
 * Static checks over src/ (docs/reliability.md § F-7, SP-1), read with the TypeScript compiler's own parser:
 * - every regular expression is safe from catastrophic backtracking (safe-regex2, which Fastify's
 *   router already relies on), so no input can make validation slow;
 * - no secret, verifier or token is compared with `===`, `!==`, `localeCompare` or `startsWith`:
 *   those must go through the constant-time `safeEqual` (src/crypto/safe-equal.ts). Comparisons with
 *   `undefined`, `null`, a number or a type name, and of a `.length`, reveal nothing and are allowed.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import safeRegex from 'safe-regex2'
import t from 'tap'
import ts from 'typescript'
import { repoRoot } from '../helpers/cli-build.js'
import { record } from '../helpers/report.js'

const srcDir = join(repoRoot, 'src')
const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(srcDir, f))
const parsed = files.map((file) => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true))

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node)
  node.forEachChild((child) => walk(child, visit))
}
const where = (node: ts.Node) => {
  const sf = node.getSourceFile()
  return `${relative(repoRoot, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`
}

t.test('every regular expression in src/ is linear-time safe (safe-regex2)', async (t) => {
  const unsafe: string[] = []
  let count = 0
  for (const sf of parsed) {
    walk(sf, (node) => {
      let source: string | undefined
      let flags = ''
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = node.getText()
        const end = text.lastIndexOf('/')
        source = text.slice(1, end)
        flags = text.slice(end + 1)
      } else if (ts.isNewExpression(node) && node.expression.getText() === 'RegExp' && node.arguments?.[0] && ts.isStringLiteralLike(node.arguments[0])) {
        source = node.arguments[0].text
      }
      if (source === undefined) return
      count++
      if (!safeRegex(new RegExp(source, flags))) unsafe.push(`${where(node)} /${source}/`)
    })
  }
  record('limit', { kind: 'linear-time validation', summary: `${count} regular expressions in src/, unsafe ${unsafe.length}`, ok: unsafe.length === 0 })
  t.ok(count > 0, `found ${count} regular expressions`)
  t.notOk(safeRegex(/^(a+)+$/), 'the checker has teeth: a classic catastrophic pattern is flagged')
  t.strictSame(unsafe, [], 'no regular expression can be made slow')
})

const SENSITIVE = /secret|verifier|token/i
/** A token's type or type hint (`subject_token_type`, `ACCESS_TOKEN_TYPE`, `tokenType`) is a public name, never a secret. */
const TYPE_NAME = /_?type(_?hint)?$/i
/** Operands whose comparison reveals nothing about a secret value. */
function harmless(node: ts.Expression): boolean {
  if (node.kind === ts.SyntaxKind.NullKeyword || node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return true
  if (ts.isIdentifier(node) && node.text === 'undefined') return true
  if (ts.isNumericLiteral(node) || ts.isTypeOfExpression(node)) return true
  if (ts.isPropertyAccessExpression(node) && node.name.text === 'length') return true
  // A type or kind tag ('refresh_token', 'AT'): a string literal naming a category, not a secret.
  if (ts.isStringLiteral(node)) return true
  return false
}
const named = (node: ts.Expression): string | undefined =>
  ts.isIdentifier(node)
    ? node.text
    : ts.isPropertyAccessExpression(node)
      ? node.name.text
      : ts.isElementAccessExpression(node) && ts.isStringLiteral(node.argumentExpression)
        ? node.argumentExpression.text
        : undefined

/** Non-constant-time comparisons of sensitive values in one source file. */
function unsafeComparisons(sf: ts.SourceFile): string[] {
  const found: string[] = []
  walk(sf, (node) => {
    if (
      ts.isBinaryExpression(node) &&
      [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(
        node.operatorToken.kind,
      )
    ) {
      for (const [side, other] of [
        [node.left, node.right],
        [node.right, node.left],
      ] as const) {
        const name = named(side)
        if (name !== undefined && SENSITIVE.test(name) && !TYPE_NAME.test(name) && !harmless(other) && !harmless(side)) found.push(`${where(node)} ${node.getText()}`)
      }
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ['localeCompare', 'startsWith', 'endsWith'].includes(node.expression.name.text)) {
      const name = named(node.expression.expression)
      if (name !== undefined && SENSITIVE.test(name)) found.push(`${where(node)} ${node.getText()}`)
    }
  })
  return found
}

t.test('SP-1: no secret, verifier or token compared with ===, !==, localeCompare or startsWith', async (t) => {
  // The check has teeth: each of these is caught.
  const planted = ts.createSourceFile(
    'planted.ts',
    'if (client.secret === given) {}\nif (verifier !== x) {}\nrefreshToken.startsWith(p)\nform["client_secret"] == s',
    ts.ScriptTarget.ES2022,
    true,
  )
  t.equal(unsafeComparisons(planted).length, 4, 'planted comparisons are found')
  const found = parsed.flatMap(unsafeComparisons)
  record('limit', { kind: 'SP-1 static check', summary: `${parsed.length} files, non-constant-time comparisons of secrets ${found.length}`, ok: found.length === 0 })
  t.strictSame(found, [], 'secrets are compared only through safeEqual')
})
