/**
 * The Redis store's scripts for records that simply expire: revoked access tokens, authorization codes,
 * sessions and sign-in transactions. Each record is indexed by its expiry (mockta's clock) so `sweep`
 * and the transaction cap can find it; its Redis TTL only gives the memory back.
 */

/** ARGV: kind, id, value, expiresAtMs, ttl, cap (0 = none). A string record, replacing any other. */
const putRecord = `
local kind, id = ARGV[2], ARGV[3]
redis.call('SET', rec_key(kind, id), ARGV[4], 'PX', ARGV[6])
index_add(expiry_key(kind), tonumber(ARGV[5]), id, tonumber(ARGV[6]))
local cap = tonumber(ARGV[7])
if cap > 0 and redis.call('ZCARD', expiry_key(kind)) > cap then
  -- Beyond the cap the record that expires first (the oldest: they share one lifetime) is forgotten.
  local oldest = redis.call('ZPOPMIN', expiry_key(kind))
  redis.call('DEL', rec_key(kind, oldest[1]))
end
return 0
`

/** ARGV: kind, id. Removes a record and returns its value (nil if none): one taker wins. */
const takeRecord = `
local kind, id = ARGV[2], ARGV[3]
local value = redis.call('GET', rec_key(kind, id))
redis.call('DEL', rec_key(kind, id))
redis.call('ZREM', expiry_key(kind), id)
return value
`

/** ARGV: hash, record JSON, expiresAtMs, ttl. */
const putCode = `
local k = rec_key('c', ARGV[2])
redis.call('DEL', k)
redis.call('HSET', k, 'rec', ARGV[3], 'exp', ARGV[4])
redis.call('PEXPIRE', k, ARGV[5])
index_add(expiry_key('c'), tonumber(ARGV[4]), ARGV[2], tonumber(ARGV[5]))
return 0
`

/**
 * ARGV: hash, now. Marks the code used: only one caller ever gets 'redeemed'; later ones are told what
 * the first issued (recorded by recordCodeGrant), to revoke it (RFC 6749 §4.1.2).
 */
const consumeCode = `
local k = rec_key('c', ARGV[2])
local v = redis.call('HMGET', k, 'rec', 'exp', 'redeemed', 'issued')
if not v[1] or tonumber(ARGV[3]) >= tonumber(v[2]) then return { 'invalid' } end
if v[3] == '1' then
  redis.call('HSET', k, 'replayed', '1')
  return { 'replayed', v[1], v[4] or '' }
end
redis.call('HSET', k, 'redeemed', '1')
return { 'redeemed', v[1] }
`

/** ARGV: hash, issued JSON. Returns 1, or 0 when the code is unknown or was replayed meanwhile. */
const recordCodeGrant = `
local k = rec_key('c', ARGV[2])
if redis.call('EXISTS', k) == 0 then return 0 end
redis.call('HSET', k, 'issued', ARGV[3])
if redis.call('HGET', k, 'replayed') == '1' then return 0 end
return 1
`

export const RECORD_SCRIPTS = { putRecord, takeRecord, putCode, consumeCode, recordCodeGrant }
