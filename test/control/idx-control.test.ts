/**
 * The control plane and the Identity Engine (docs/identity-engine.md, "Control plane"): the journal
 * records /interact and every IDX call with its remediation and outcome, never a password; fault
 * rules can target them; reset ends every interaction and every lock-out count.
 */
import t from 'tap'
import { ALICE, buildTestApp } from '../helpers/app.js'
import { control } from '../helpers/control.js'
import { idxCall, identifyWithPassword, messageKeys, startInteraction } from '../helpers/idx.js'

type Entry = Record<string, unknown>

t.test('the journal: endpoint, remediation and outcome of each call, without passwords', async (t) => {
  const { app } = await buildTestApp(t)
  const { stateHandle } = await startInteraction(app)
  await identifyWithPassword(app, stateHandle, 'secret-wrong-password')
  await identifyWithPassword(app, stateHandle)
  await idxCall(app, 'identify', { stateHandle: 'nope' })
  const entries = (await control(app, 'GET', '/journal')).json() as Entry[]
  t.match(entries, [
    { endpoint: 'interact', authServer: 'default', clientId: 'spa-app', authMethod: 'none', status: 200, path: '/oauth2/default/v1/interact' },
    { endpoint: 'idx', remediation: 'introspect', status: 200, path: '/idp/idx/introspect' },
    { endpoint: 'idx', remediation: 'identify', username: ALICE.username, status: 401, error: 'errors.E0000004' },
    { endpoint: 'idx', remediation: 'identify', status: 200, error: undefined },
    { endpoint: 'idx', remediation: 'identify', status: 401, error: 'idx.session.expired' },
  ])
  const text = JSON.stringify(entries)
  t.notMatch(text, 'secret-wrong-password')
  t.notMatch(text, ALICE.password)
  t.notMatch(text, stateHandle, 'nor the stateHandle')
  t.match((await control(app, 'GET', '/journal?endpoint=idx')).json(), [{}, {}, {}, {}], 'queryable by endpoint')
})

t.test('faults can target /interact and the IDX API', async (t) => {
  const { app } = await buildTestApp(t)
  const { stateHandle } = await startInteraction(app)
  t.equal(
    (await control(app, 'POST', '/faults', { match: { endpoint: 'idx' }, action: { type: 'error', status: 503, error: 'temporarily_unavailable' }, times: 1 })).statusCode,
    201,
  )
  t.equal((await identifyWithPassword(app, stateHandle)).statusCode, 503, 'the fault answers')
  t.equal((await identifyWithPassword(app, stateHandle)).statusCode, 200, 'then mockta again; the transaction was not touched')
  await control(app, 'POST', '/faults', { match: { endpoint: 'interact' }, action: { type: 'error', status: 500, error: 'server_error' }, times: 1 })
  const failed = await app.inject({
    method: 'POST',
    url: '/oauth2/default/v1/interact',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'client_id=spa-app',
  })
  t.equal(failed.statusCode, 500)
})

t.test('reset ends every interaction and lock-out', async (t) => {
  const { app } = await buildTestApp(t, { change: (c) => void (c.identityEngine.lockoutThreshold = 1) })
  const { handle, stateHandle } = await startInteraction(app)
  await identifyWithPassword(app, stateHandle, 'wrong')
  t.strictSame(messageKeys(await identifyWithPassword(app, stateHandle)), ['errors.E0000119'], 'locked out')
  t.equal((await control(app, 'POST', '/reset')).statusCode, 204)
  t.strictSame(messageKeys(await idxCall(app, 'introspect', { interactionHandle: handle })), ['idx.session.expired'], 'the interaction is gone')
  const again = await startInteraction(app)
  t.equal((await identifyWithPassword(app, again.stateHandle)).statusCode, 200, 'the lock-out is gone')
})
