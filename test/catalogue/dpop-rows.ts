/**
 * The bad-input catalogue's DPoP and client-assertion rows (docs/dpop.md; docs/reliability.md § #61):
 * the variants of test/helpers/dpop-bad-input.ts, each expecting Okta's catalogue error for its code,
 * run through every G rule by inject.test.ts on the `dpop` configuration.
 */
import { dpopBadInputs } from '../helpers/dpop-bad-input.js'
import { oktaWire } from '../helpers/okta-catalogue.js'
import type { Row } from './rows.js'

const nowOf = (ms: number): number => Math.floor(ms / 1000)

export function dpopRows(): Row[] {
  return dpopBadInputs().map((bad) => {
    const wire = oktaWire(bad.code, ...(bad.args ?? []))
    const after = bad.after
    return {
      case: bad.case,
      variant: bad.variant,
      config: 'dpop',
      request: (f) => bad.make(f.t.app, nowOf(f.t.clock.nowMs())),
      expect: { status: wire.status, error: wire.body.error },
      ...(after && { after: (f) => after(f.t.app, nowOf(f.t.clock.nowMs())) }),
    } satisfies Row
  })
}
