#!/usr/bin/env node
/** Bench baseline: a bare Fastify hello-world, for start-up time and RSS at rest. */
import Fastify from 'fastify'
import { listenArgs } from './args.mjs'

const app = Fastify()
app.get('/', async () => ({ hello: 'world' }))
await app.listen(listenArgs())
