/**
 * The Redis store's scripts for device authorizations and pushed authorization requests
 * (store/grant-records.ts): each use is one script, so one poll or one /authorize wins across replicas.
 * The decisions are grant-records.ts `decidePoll`, `decideDevice` and `decidePushedUse`, line for
 * line; the store contract tests hold both stores to the same answers.
 *
 *   dv:<deviceCodeHash>  hash   rec (the fixed part, JSON), client, server ('' = org), exp, interval, last ('' = never), status, user, auth, uc
 *   uc:<userCodeHash>    string the device-code hash a user code names
 *   p:<requestUriHash>   hash   rec (JSON), client, server, exp
 *   expiry:<dv|p>        zset   their ids by expiry (mockta's clock): what sweep() and the caps walk
 */
import { POLL_TOLERANCE_MS, SLOW_DOWN_STEP_SECONDS } from '../grant-records.js'

/** ARGV: deviceHash, userHash, rec, client, server, exp, interval, ttl, cap. Returns 0 when the user code is taken. */
const putDevice = `
local dh, uh = ARGV[2], ARGV[3]
local holder = redis.call('GET', rec_key('uc', uh))
if holder and redis.call('EXISTS', rec_key('dv', holder)) == 1 then return 0 end
local k = rec_key('dv', dh)
redis.call('DEL', k)
redis.call('HSET', k, 'rec', ARGV[4], 'client', ARGV[5], 'server', ARGV[6], 'exp', ARGV[7], 'interval', ARGV[8], 'last', '', 'status', 'pending', 'user', '', 'auth', '', 'uc', uh)
redis.call('PEXPIRE', k, ARGV[9])
redis.call('SET', rec_key('uc', uh), dh, 'PX', ARGV[9])
index_add(expiry_key('dv'), tonumber(ARGV[7]), dh, tonumber(ARGV[9]))
local cap = tonumber(ARGV[10])
if redis.call('ZCARD', expiry_key('dv')) > cap then
  local oldest = redis.call('ZPOPMIN', expiry_key('dv'))
  local ok = rec_key('dv', oldest[1])
  local ouc = redis.call('HGET', ok, 'uc')
  redis.call('DEL', ok)
  if ouc and redis.call('GET', rec_key('uc', ouc)) == oldest[1] then redis.call('DEL', rec_key('uc', ouc)) end
end
return 1
`

const DEVICE_FIELDS = `'rec', 'client', 'server', 'exp', 'interval', 'last', 'status', 'user', 'auth'`

/** ARGV: userHash. The device authorization's fields (as DEVICE_FIELDS), or nil. */
const findDevice = `
local dh = redis.call('GET', rec_key('uc', ARGV[2]))
if not dh then return nil end
local v = redis.call('HMGET', rec_key('dv', dh), ${DEVICE_FIELDS})
if not v[1] then return nil end
return v
`

/** ARGV: userHash, approve ('1' or '0'), user, auth, now. Returns [kind, ...fields after the decision]. */
const decideDevice = `
local dh = redis.call('GET', rec_key('uc', ARGV[2]))
if not dh then return { 'unknown' } end
local k = rec_key('dv', dh)
local v = redis.call('HMGET', k, ${DEVICE_FIELDS})
if not v[1] or tonumber(ARGV[6]) >= tonumber(v[4]) then return { 'unknown' } end
if v[7] ~= 'pending' then return { 'already_decided', unpack(v) } end
if ARGV[3] == '1' then
  redis.call('HSET', k, 'status', 'approved', 'user', ARGV[4], 'auth', ARGV[5])
  v[7], v[8], v[9] = 'approved', ARGV[4], ARGV[5]
else
  redis.call('HSET', k, 'status', 'denied')
  v[7] = 'denied'
end
return { 'decided', unpack(v) }
`

/** ARGV: deviceHash, client, server, now. Returns [kind] or ['approved', ...fields]. */
const pollDevice = `
local k = rec_key('dv', ARGV[2])
local v = redis.call('HMGET', k, ${DEVICE_FIELDS})
if not v[1] then return { 'unknown' } end
if v[2] ~= ARGV[3] then return { 'foreign_client' } end
if v[3] ~= ARGV[4] then return { 'foreign_server' } end
if v[7] == 'redeemed' then return { 'redeemed' } end
local now = tonumber(ARGV[5])
if now >= tonumber(v[4]) then return { 'expired' } end
local interval = tonumber(v[5])
if v[6] ~= '' and now - tonumber(v[6]) < interval * 1000 - ${POLL_TOLERANCE_MS} then
  redis.call('HSET', k, 'last', ARGV[5], 'interval', num(interval + ${SLOW_DOWN_STEP_SECONDS}))
  return { 'slow_down' }
end
redis.call('HSET', k, 'last', ARGV[5])
if v[7] == 'approved' then
  redis.call('HSET', k, 'status', 'redeemed')
  v[6], v[7] = ARGV[5], 'redeemed'
  return { 'approved', unpack(v) }
end
if v[7] == 'denied' then return { 'denied' } end
return { 'pending' }
`

/** ARGV: uriHash, rec, client, server, exp, ttl, cap. */
const putPushed = `
local k = rec_key('p', ARGV[2])
redis.call('DEL', k)
redis.call('HSET', k, 'rec', ARGV[3], 'client', ARGV[4], 'server', ARGV[5], 'exp', ARGV[6])
redis.call('PEXPIRE', k, ARGV[7])
index_add(expiry_key('p'), tonumber(ARGV[6]), ARGV[2], tonumber(ARGV[7]))
if redis.call('ZCARD', expiry_key('p')) > tonumber(ARGV[8]) then
  local oldest = redis.call('ZPOPMIN', expiry_key('p'))
  redis.call('DEL', rec_key('p', oldest[1]))
end
return 0
`

/** ARGV: uriHash, client, server, now. Returns [kind] or ['taken', rec]; only 'taken' and expiry remove it. */
const takePushed = `
local k = rec_key('p', ARGV[2])
local v = redis.call('HMGET', k, 'rec', 'client', 'server', 'exp')
if not v[1] then return { 'unknown' } end
if tonumber(ARGV[5]) >= tonumber(v[4]) then
  redis.call('DEL', k)
  redis.call('ZREM', expiry_key('p'), ARGV[2])
  return { 'unknown' }
end
if v[3] ~= ARGV[4] then return { 'foreign_server' } end
if v[2] ~= ARGV[3] then return { 'foreign_client' } end
redis.call('DEL', k)
redis.call('ZREM', expiry_key('p'), ARGV[2])
return { 'taken', v[1] }
`

/** ARGV: now, batch. One batch of MemoryGrantRecords.sweep. Returns [removed, more]. */
const sweepGrantRecords = `
local now, batch = tonumber(ARGV[2]), tonumber(ARGV[3])
local removed, more = 0, 0
for _, kind in ipairs({ 'dv', 'p' }) do
  local n = sweep_records(kind, now, batch)
  removed = removed + n
  if n == batch then more = 1 end
end
return { removed, more }
`

export const GRANT_RECORD_SCRIPTS = { putDevice, findDevice, decideDevice, pollDevice, putPushed, takePushed, sweepGrantRecords }
