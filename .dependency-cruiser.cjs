/**
 * Import floors for src/ (docs/architecture.md, "Floors"): a module imports only from its own floor
 * or the floors below it, and nothing imports in a circle. `npm run lint:deps` checks this; `npm test`
 * runs it as one counted step.
 */
const FLOORS = {
  ground: ['^src/(clock|ids|package-root|sign-in-widget|free-port|json-schema)[.]ts$', '^src/(errors|crypto)/'],
  config: ['^src/config/'],
  store: ['^src/store/'],
  domain: ['^src/(registry|keys|oauth|context[.]ts$|outbox|grants|browser-sign-in|idx|authn|control)'],
  http: ['^src/(http|tls)/'],
  routes: ['^src/routes/'],
  app: ['^src/(app|server|cli|start-mockta|startup-summary|index)[.]ts$'],
}
const ORDER = Object.keys(FLOORS)

/** One rule per floor: nothing on it imports from a floor above it. */
const floorRules = ORDER.slice(0, -1).map((floor, i) => ({
  name: `floor-${floor}`,
  comment: `${floor} imports only from ${ORDER.slice(0, i + 1)
    .reverse()
    .join(', ')}`,
  severity: 'error',
  from: { path: FLOORS[floor] },
  to: { path: ORDER.slice(i + 1).flatMap((above) => FLOORS[above]) },
}))

/**
 * Inside the domain floor, the same idea one step finer: registry, keys and oauth know nothing of the
 * app's context; the context sits under the outbox (outbox/: "sending" an email), which sits under grants; browser sign-in builds on grants; the Identity
 * Engine's sign-in (idx/) and the Authentication API's (authn/) sit beside it, above grants; the
 * control plane sits on top of them all.
 */
const DOMAIN_STEPS = [
  ['domain-core', '^src/(registry|keys|oauth)/'],
  ['domain-context', '^src/context[.]ts$'],
  ['domain-outbox', '^src/outbox/'],
  ['domain-grants', '^src/grants/'],
  ['domain-browser-sign-in', '^src/browser-sign-in/'],
  ['domain-idx', '^src/idx/'],
  ['domain-authn', '^src/authn/'],
  ['domain-control', '^src/control/'],
]
const domainRules = DOMAIN_STEPS.slice(0, -1).map(([name, path], i) => ({
  name,
  comment: `${path} imports nothing from ${DOMAIN_STEPS.slice(i + 1)
    .map(([, p]) => p)
    .join(', ')}`,
  severity: 'error',
  from: { path },
  to: { path: DOMAIN_STEPS.slice(i + 1).map(([, p]) => p) },
}))

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle means two modules are one concept or a floor points up',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'every-module-on-a-floor',
      comment: 'A src/ module outside every floor: add its folder to FLOORS',
      severity: 'error',
      from: { path: '^src/', pathNot: Object.values(FLOORS).flat() },
      to: {},
    },
    ...floorRules,
    ...domainRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type is a dependency on its owner's floor too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '[.]d[.]ts$' },
  },
}
