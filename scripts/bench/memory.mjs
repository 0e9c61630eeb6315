/** Runs family-memory.mjs in a fresh process per size (see that file for the method). */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const script = join(dirname(fileURLToPath(import.meta.url)), 'family-memory.mjs')

export function measureFamilyMemory(sizes) {
  return sizes.map((families) => {
    const run = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=6144', script, String(families)], { encoding: 'utf8', timeout: 600_000 })
    if (run.status !== 0) throw new Error(`family-memory.mjs ${families} failed (status ${run.status}): ${run.stderr || run.error?.message}`)
    return JSON.parse(run.stdout.trim().split('\n').pop())
  })
}
