/**
 * The Redis store's scripts for Identity Engine interactions (interaction-store.ts). An interaction is
 * a JSON string under `i:<handleHash>`, indexed by expiry like the other records, with two pointer
 * keys: `ih:<stateHandleHash>` and, once it succeeded, `ic:<codeHash>`. The compare-and-set of a step
 * and the redemption of a code each read and write in one script, so across replicas one caller wins.
 */

/** Writes record `rec` (JSON `json`) of id `id` with its pointers, after dropping the pointers of `old`. */
const PUT_INTERACTION = `
local function unindex(old)
  redis.call('DEL', rec_key('ih', old.stateHandleHash))
  if type(old.codeHash) == 'string' then redis.call('DEL', rec_key('ic', old.codeHash)) end
end
local function put_interaction(id, json, exp, ttl)
  local rec = cjson.decode(json)
  redis.call('SET', rec_key('i', id), json, 'PX', ttl)
  redis.call('SET', rec_key('ih', rec.stateHandleHash), id, 'PX', ttl)
  if type(rec.codeHash) == 'string' then redis.call('SET', rec_key('ic', rec.codeHash), id, 'PX', ttl) end
  index_add(expiry_key('i'), tonumber(exp), id, tonumber(ttl))
end
`

/** ARGV: handleHash, record JSON, expiresAtMs, ttl, cap. */
const putInteraction = `${PUT_INTERACTION}
local id = ARGV[2]
local old = redis.call('GET', rec_key('i', id))
if old then unindex(cjson.decode(old)) end
put_interaction(id, ARGV[3], ARGV[4], ARGV[5])
local cap = tonumber(ARGV[6])
if redis.call('ZCARD', expiry_key('i')) > cap then
  -- Beyond the cap the interaction that expires first is forgotten, with its pointers.
  local oldest = redis.call('ZPOPMIN', expiry_key('i'))
  local v = redis.call('GET', rec_key('i', oldest[1]))
  if v then unindex(cjson.decode(v)) end
  redis.call('DEL', rec_key('i', oldest[1]))
end
return 0
`

/** ARGV: handleHash, expectedVersion, record JSON, expiresAtMs, ttl. Returns 1 when it advanced, 0 on a conflict. */
const advanceInteraction = `${PUT_INTERACTION}
local id = ARGV[2]
local old = redis.call('GET', rec_key('i', id))
if not old then return 0 end
local o = cjson.decode(old)
if o.version ~= tonumber(ARGV[3]) then return 0 end
unindex(o)
put_interaction(id, ARGV[4], ARGV[5], ARGV[6])
return 1
`

/** ARGV: codeHash, now. Removes and returns the interaction whose unexpired code this is (nil otherwise). */
const takeInteractionByCode = `
local id = redis.call('GET', rec_key('ic', ARGV[2]))
if not id then return false end
local v = redis.call('GET', rec_key('i', id))
if not v then return false end
local o = cjson.decode(v)
if o.codeHash ~= ARGV[2] or type(o.codeExpiresAtMs) ~= 'number' or tonumber(ARGV[3]) >= o.codeExpiresAtMs then return false end
redis.call('DEL', rec_key('i', id), rec_key('ih', o.stateHandleHash), rec_key('ic', ARGV[2]))
redis.call('ZREM', expiry_key('i'), id)
return v
`

/**
 * ARGV: stateTokenHash, expectedVersion, next JSON ('' ends the transaction), ttl. An Authentication API
 * transaction (`at:<hash>`) is replaced or deleted only if it still has the expected version: of
 * concurrent steps one wins. Returns 1 when it advanced, 0 on a conflict.
 */
const advanceAuthnTransaction = `
local key = rec_key('at', ARGV[2])
local old = redis.call('GET', key)
if not old then return 0 end
if cjson.decode(old).version ~= tonumber(ARGV[3]) then return 0 end
if ARGV[4] == '' then redis.call('DEL', key) else redis.call('SET', key, ARGV[4], 'PX', ARGV[5]) end
return 1
`

export const INTERACTION_SCRIPTS = { putInteraction, advanceInteraction, takeInteractionByCode, advanceAuthnTransaction }
