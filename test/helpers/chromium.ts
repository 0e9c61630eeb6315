/**
 * Debian's Chromium driven by playwright-core, as every browser test uses it: never a downloaded
 * browser, a fresh profile per test, and the flags without which Chromium stalls on this closed
 * network (it keeps trying to reach Google's hosts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import type { Test } from 'tap'

export const CHROMIUM = '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** In CI the browser must be there (.ci/run installs it): a missing one fails the test there instead of skipping it. */
export const skipWithoutChromium: string | false =
  !existsSync(CHROMIUM) && !process.env['CI']
    ? `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) to run the browser test; CI installs it and always runs it`
    : false

export interface BrowserOptions {
  /** Flags besides CHROMIUM_ARGS. */
  args?: string[]
  viewport?: { width: number; height: number }
  /** Per step; generous, since on a loaded 2-core CI machine Chromium itself can take seconds. */
  timeoutMs?: number
}

/** A browser with a fresh profile (playwright passes it as --user-data-dir), closed and removed at the test's end. */
export async function openBrowser(t: Test, options: BrowserOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const profile = mkdtempSync(join(tmpdir(), 'mockta-chromium-'))
  t.teardown(() => rmSync(profile, { recursive: true, force: true }))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    headless: true,
    ...(options.viewport && { viewport: options.viewport }),
  })
  t.teardown(() => context.close())
  // tsx compiles with esbuild's keepNames, which wraps named functions in a `__name(...)` call; a
  // function handed to page.evaluate runs in the page, where that helper does not exist.
  await context.addInitScript({ content: 'globalThis.__name = (target) => target' })
  const page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(options.timeoutMs ?? 30_000)
  return { context, page }
}

/**
 * The id of the element that has focus once the page has given it: Chromium runs `autofocus` at a
 * later rendering step than `load`, which a loaded machine can reach after `goto` returns. Waits up
 * to 5 s for focus to leave the body, then answers whatever has it.
 */
export async function focusedId(page: Page): Promise<string | undefined> {
  await page.waitForFunction('document.activeElement !== null && document.activeElement !== document.body', undefined, { timeout: 5000 }).catch(() => undefined)
  return page.evaluate<string | undefined>('document.activeElement?.id')
}
