/**
 * The installed package's root directory (where package.json, fixtures/ and schema/ are) and its
 * version. The root is found by
 * walking up from this module to the nearest package.json named mockta, because the module is not
 * always at the same depth: src/package-root.ts and dist/package-root.js sit one level below the root,
 * but the `mockta` command runs from one bundled file, dist/cli.bundle.js (scripts/bundle-cli.mjs, docs/bench.md).
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }
      if (manifest.name === 'mockta') return dir
    } catch {
      // No package.json here (or not JSON): keep walking up.
    }
    if (dirname(dir) === dir) throw new Error(`mockta cannot find its package.json above ${from}`)
  }
}

export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)))

/** package.json's version, as `mockta --version` prints it and the control API's OpenAPI document carries it. */
export const packageVersion = (): string => (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version
