#!/usr/bin/env node
/**
 * Last step of `npm run build`: replaces the compiled dist/cli.js (the `mockta` command) with one ES
 * module bundling it and every dist/ module it imports. npm packages stay external (imported from
 * node_modules, dynamic imports still lazy). Loading one file instead of about 80 spares roughly
 * 30 ms of start-up (docs/bench.md, with the figures). The library
 * entry, dist/index.js, stays unbundled. tsc's source maps are chained into dist/cli.js.map.
 *
 * Usage: node scripts/bundle-cli.mjs [distDir]   (default dist)
 */
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const distDir = resolve(process.argv[2] ?? join(root, 'dist'))
const cli = join(distDir, 'cli.js')

await build({
  entryPoints: [cli],
  outfile: cli,
  allowOverwrite: true,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  // package.json's engines: >=20.
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // package.json's exports keep `types`/`default` after `import`/`require` on purpose, for tools that
  // know neither condition; esbuild warns that it never reaches them.
  logOverride: { 'package.json': 'silent' },
})
