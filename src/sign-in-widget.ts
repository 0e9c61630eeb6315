/**
 * The installed Okta Sign-In Widget (`@okta/okta-signin-widget`, an optional peer dependency: about
 * 130 MB, so never installed with mockta). The hosted sign-in page serves its dist/ files
 * (docs/sign-in-widget.md § hosted). It is looked up from mockta's own location first, then from the
 * working directory, so a project that installs both finds it either way.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

export const SIGN_IN_WIDGET_PACKAGE = '@okta/okta-signin-widget'

export interface SignInWidgetPackage {
  version: string
  /** The package's dist/ directory: js/, css/, font/, img/, labels/. */
  dist: string
}

export function findSignInWidget(): SignInWidgetPackage | undefined {
  for (const from of [import.meta.url, pathToFileURL(join(process.cwd(), 'package.json')).href]) {
    try {
      const manifest = createRequire(from).resolve(`${SIGN_IN_WIDGET_PACKAGE}/package.json`)
      const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }
      // Major 7: the Identity Engine widget whose boot settings the hosted page uses.
      if (Number(version.split('.', 1)[0]) >= 7) return { version, dist: join(dirname(manifest), 'dist') }
    } catch {
      // Not installed there: try the next place.
    }
  }
  return undefined
}

export const SIGN_IN_WIDGET_MISSING =
  `the sign-in page "okta-widget" (signIn.page or a client's signInPage) needs the Okta Sign-In Widget 7.x, which is not installed: ` +
  `run npm install ${SIGN_IN_WIDGET_PACKAGE}@7 next to mockta (or build the Docker image with --build-arg SIGN_IN_WIDGET=true), or use the page "mockta"`
