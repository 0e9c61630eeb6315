// The suite's TypeScript compiled once per run into a mirror of the checkout (.tap/js), so each of
// tap's test processes loads plain JavaScript with no loader (CONTRIBUTING.md, "How the suite runs
// TypeScript"). In the mirror, src/, test/ and examples/ are real directories holding each .ts file
// compiled beside a link to the file itself (tests read sources too); everything else is a link to
// the checkout's own, so paths a test builds from import.meta.url lead where they do in the checkout.
import { lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { build } from 'esbuild'

/** The trees whose TypeScript the tests import. */
const COMPILED = ['src', 'test', 'examples']
/** Checkout entries the mirror has no use for, or makes itself. */
const SKIPPED = new Set(['.git', '.tap', '.taprc', ...COMPILED])

/**
 * Builds the mirror of `root` at `mirror`, with a .taprc made from the checkout's (its text `taprc`).
 */
export async function compileTests(root, mirror, taprc) {
  rmSync(mirror, { recursive: true, force: true })
  mkdirSync(mirror, { recursive: true })
  // Screenshots and traces land in the checkout's test-output/, through the link.
  mkdirSync(join(root, 'test-output'), { recursive: true })
  for (const name of readdirSync(root)) {
    if (!SKIPPED.has(name)) symlinkSync(join(root, name), join(mirror, name))
  }
  const entryPoints = []
  for (const tree of COMPILED) {
    for (const file of filesUnder(root, tree)) {
      mkdirSync(join(mirror, file, '..'), { recursive: true })
      symlinkSync(join(root, file), join(mirror, file))
      if (file.endsWith('.ts') && !file.endsWith('.d.ts')) entryPoints.push(join(mirror, file))
    }
  }
  // As tsx compiles them (esbuild, names kept), from the links, with source maps so stacks and tap's
  // failure locations name the .ts file beside the compiled one, as the checkout has it.
  await build({
    entryPoints,
    outdir: mirror,
    outbase: mirror,
    preserveSymlinks: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    sourcesContent: false,
    keepNames: true,
    logLevel: 'error',
  })
  writeFileSync(join(mirror, '.taprc'), taprcForMirror(taprc))
}

/** Files (not directories, not links) under `tree`, relative to `root`. */
function filesUnder(root, tree) {
  return readdirSync(join(root, tree), { recursive: true, encoding: 'utf8' })
    .map((name) => join(tree, name))
    .filter((file) => !file.split(/[\\/]/).includes('node_modules') && lstatSync(join(root, file)).isFile())
}

/**
 * The checkout's .taprc for the compiled files: its plugins and limits, without its `node-arg` list
 * (the TypeScript loader), and its include globs for .js files.
 */
function taprcForMirror(taprc) {
  const lines = ["# Written by scripts/compile-tests.mjs from the checkout's .taprc, without its comments."]
  let skipping = false
  for (const line of taprc.split('\n')) {
    if (line.startsWith('#') || line === '') continue
    if (/^\S/.test(line)) skipping = line.startsWith('node-arg:')
    if (!skipping) lines.push(line.replace(/\.test\.ts"$/, '.test.js"'))
  }
  return lines.join('\n')
}

/** The mirror's path of a test file named as the checkout has it (`test/x.test.ts`), else the argument unchanged. */
export function mirrorArg(root, mirror, arg) {
  if (!arg.endsWith('.ts')) return arg
  const rel = relative(root, resolve(root, arg))
  return rel.startsWith('..') ? arg : join(mirror, rel.replace(/\.ts$/, '.js'))
}
