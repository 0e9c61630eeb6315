/**
 * Replacing a file so that a reader, or the next start after a crash or power loss, sees either the
 * old content or the new one, never a mix: write a temporary file in the same directory (a rename is
 * atomic only within one file system), flush it to disk, rename it over the target, then flush the
 * directory so the rename itself is durable (rename(2), fsync(2)).
 */
import { randomBytes } from 'node:crypto'
import * as fsp from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** The file operations used, replaceable so tests can make one fail part-way. */
export interface AtomicWriteFs {
  open: typeof fsp.open
  rename: typeof fsp.rename
  rm: typeof fsp.rm
}

const nodeFs: AtomicWriteFs = { open: fsp.open, rename: fsp.rename, rm: fsp.rm }

/** Writes `text` to `path` atomically, readable and writable by the owner only (`mode`, default 0600). */
export async function writeFileAtomically(path: string, text: string, options: { mode?: number; fs?: AtomicWriteFs } = {}): Promise<void> {
  const fs = options.fs ?? nodeFs
  const mode = options.mode ?? 0o600
  // A name of its own per write, so two writers never share a temporary file; hidden beside the target.
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    // `wx`: never follow or reuse a file that is already there; the mode applies from creation on.
    const handle = await fs.open(temp, 'wx', mode)
    try {
      await handle.writeFile(text, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.rename(temp, path)
  } catch (err) {
    await fs.rm(temp, { force: true }).catch(() => {})
    throw err
  }
  await syncDirectory(fs, dirname(path))
}

/** Makes the rename durable. Not every platform can open a directory for fsync (Windows cannot): best effort. */
async function syncDirectory(fs: AtomicWriteFs, dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined
  try {
    handle = await fs.open(dir, 'r')
    await handle.sync()
  } catch {
    // The file is in place either way; only its durability across a power loss is less certain.
  } finally {
    await handle?.close().catch(() => {})
  }
}
