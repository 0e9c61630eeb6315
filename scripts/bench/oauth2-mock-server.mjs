#!/usr/bin/env node
/**
 * Bench peer: oauth2-mock-server (npm), signing with mockta's first fixture key so key size and
 * algorithm match. Its refresh grant accepts any refresh token and stores none (the bench says so).
 */
import { OAuth2Server } from 'oauth2-mock-server'
import { fixtureSigningJwk, listenArgs } from './args.mjs'

const { host, port } = listenArgs()
const server = new OAuth2Server()
await server.issuer.keys.add(await fixtureSigningJwk())
// The issuer must be the address the bench calls, not its default `localhost`.
server.issuer.url = `http://${host}:${port}`
await server.start(port, host)
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.stop().then(() => process.exit(0)))
