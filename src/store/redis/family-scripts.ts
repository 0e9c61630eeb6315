/**
 * The Redis store's scripts for refresh families, each one atomic (see lua-library.ts for why Lua).
 * ARGV[1] is always the store namespace; the rest is listed above each script.
 */
import { LUA_LIBRARY, PRESSURE_SWEEP_BATCH, PRESSURE_SWEEP_INTERVAL_MS } from './lua-library.js'

/**
 * ARGV: id, rec, owner, idle, grace, exp, cur, gen, last, used, prev, rot, rev, user, created, maxFamilies.
 * Optional values are ''. Returns 1, or 0 when the store is full (MemoryStore.createFamily's rules).
 */
const createFamily = `
local id, now, max = ARGV[2], tonumber(ARGV[16]), tonumber(ARGV[17])
if redis.call('ZCARD', FAMILIES) >= max then
  -- Under pressure, ended families go at once instead of after the retention window; throttled so a
  -- flood of refused grants does not turn into a flood of sweeps.
  local last = opt(redis.call('GET', PRESSURE)) or -math.huge
  if now - last < ${PRESSURE_SWEEP_INTERVAL_MS} then return 0 end
  redis.call('SET', PRESSURE, num(now), 'PX', MARGIN)
  sweep_families(now, true, ${PRESSURE_SWEEP_BATCH})
  sweep_records('a', now, ${PRESSURE_SWEEP_BATCH})
  if redis.call('ZCARD', FAMILIES) >= max then return 0 end
end
if redis.call('EXISTS', fkey(id)) == 1 then remove_family(id) end
local function arg(i) if ARGV[i] == '' then return false end return ARGV[i] end
local k = fkey(id)
redis.call('HSET', k, 'rec', ARGV[3], 'owner', ARGV[4], 'idle', ARGV[5], 'grace', ARGV[6], 'created', ARGV[16])
if arg(15) then redis.call('HSET', k, 'user', ARGV[15]) end
local f = { id = id, owner = ARGV[4], idle = tonumber(ARGV[5]), grace = tonumber(ARGV[6]), exp = opt(arg(7)), cur = ARGV[8],
  gen = tonumber(ARGV[9]), last = tonumber(ARGV[10]), used = ARGV[11] == '1', prev = arg(12), rot = opt(arg(13)), rev = opt(arg(14)),
  user = arg(15), created = now }
redis.call('SET', tkey(f.cur), id)
if f.prev then redis.call('SET', tkey(f.prev), id) end
save(f, now)
return 1
`

/** ARGV: hash. Returns [position, ...family hash] or nil. */
const findToken = `
local id = redis.call('GET', tkey(ARGV[2]))
if not id then return nil end
local f = load(id)
if not f then return nil end
local position = 'retired'
if ARGV[2] == f.cur then position = 'current' elseif ARGV[2] == f.prev then position = 'previous' end
return { position, family_reply(id) }
`

/**
 * ARGV: hash, successor ('' = none), owner, now. Lookup, decision (store.ts decideRefresh) and write in
 * one step, as FamilyTable.redeem. Returns [kind, family hash] ([kind] for invalid).
 */
const redeem = `
local hash, successor, owner, now = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local id = redis.call('GET', tkey(hash))
if not id then return { 'invalid' } end
local f = load(id)
if not f then return { 'invalid' } end
local position = 'retired'
if hash == f.cur then position = 'current' elseif hash == f.prev then position = 'previous' end
local kind = decide(f, position, owner, successor, now)
if kind == 'invalid' then return { kind } end
if kind == 'reuse-detected' then
  f.rev = now
else
  if kind == 'rotated' then
    add_token(f, successor)
    if f.prev then retire(f, f.prev) end
    f.prev = f.cur
    f.rot = now
    f.cur = successor
    f.gen = f.gen + 1
    f.used = false
  elseif kind == 'kept' then
    f.used = true
  end
  -- The idle window restarts on each use (Okta KB "Refresh Token Idle Lifetime").
  f.last = now
end
save(f, now)
return { kind, family_reply(id) }
`

/** ARGV: id, now. */
const revokeFamily = `
local f = load(ARGV[2])
if f and not f.rev then
  f.rev = tonumber(ARGV[3])
  save(f, f.rev)
end
return 0
`

/** ARGV: id, atMs, now. */
const expireFamily = `
local f, at = load(ARGV[2]), tonumber(ARGV[3])
if f and ((not f.exp) or f.exp > at) then
  f.exp = at
  save(f, tonumber(ARGV[4]))
end
return 0
`

/** ARGV: userId. Returns the family hashes of the user, oldest first. */
const listByUser = `
local out = {}
for _, id in ipairs(redis.call('ZRANGE', ukey(ARGV[2]), 0, -1)) do
  local h = family_reply(id)
  if #h > 0 then table.insert(out, h) end
end
return out
`

/** Returns [families, tokens]: O(families), for tests, the soak and the bench only. */
const familyStats = `
local families, tokens = 0, 0
for _, id in ipairs(redis.call('ZRANGE', FAMILIES, 0, -1)) do
  local f = load(id)
  if f then
    families = families + 1
    tokens = tokens + 1 + redis.call('LLEN', rkey(id))
    if f.prev then tokens = tokens + 1 end
  end
end
return { families, tokens }
`

/**
 * ARGV: now, retentionMs, batch. One batch of MemoryStore.sweep: families ended more than the retention
 * ago, and expired revoked access tokens, codes, sessions, transactions, session tokens and interactions. Returns [removed, more].
 */
const sweep = `
local now, retention, batch = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local removed, more = 0, 0
local n = sweep_families(now - retention, false, batch)
removed = removed + n
if n == batch then more = 1 end
for _, kind in ipairs({ 'a', 'c', 's', 'x', 'k', 'i' }) do
  n = sweep_records(kind, now, batch)
  removed = removed + n
  if n == batch then more = 1 end
end
return { removed, more }
`

export const FAMILY_SCRIPTS = { createFamily, findToken, redeem, revokeFamily, expireFamily, listByUser, familyStats, sweep }

export const withLibrary = (body: string): string => LUA_LIBRARY + body
