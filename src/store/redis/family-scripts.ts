/**
 * The Redis store's scripts for refresh families, each one atomic (see lua-library.ts for why Lua).
 * ARGV[1] is always the store namespace; the rest is listed above each script.
 */
import { LUA_LIBRARY, PRESSURE_SWEEP_BATCH, PRESSURE_SWEEP_INTERVAL_MS } from './lua-library.js'

/**
 * ARGV: id, rec, owner, idle, grace, exp, gen, last, used, rot, rev, user, created, maxFamilies.
 * Optional values are ''. Returns 1, or 0 when the store is full (MemoryStore.createFamily's rules).
 */
const createFamily = `
local id, now, max = ARGV[2], tonumber(ARGV[14]), tonumber(ARGV[15])
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
redis.call('HSET', k, 'rec', ARGV[3], 'owner', ARGV[4], 'idle', ARGV[5], 'grace', ARGV[6], 'created', ARGV[14])
if arg(13) then redis.call('HSET', k, 'user', ARGV[13]) end
local f = { id = id, owner = ARGV[4], idle = tonumber(ARGV[5]), grace = tonumber(ARGV[6]), exp = opt(arg(7)),
  gen = tonumber(ARGV[8]), last = tonumber(ARGV[9]), used = ARGV[10] == '1', rot = opt(arg(11)), rev = opt(arg(12)),
  user = arg(13), created = now }
save(f, now)
return 1
`

/**
 * ARGV: family id, generation, rotate ('1' or '0'), owner, now. Lookup, decision (store.ts decideRefresh)
 * and write in one step, as FamilyTable.redeem. Returns [kind, family hash] ([kind] for invalid).
 */
const redeem = `
local id, rotate, owner, now = ARGV[2], ARGV[4] == '1', ARGV[5], tonumber(ARGV[6])
local f = load(id)
if not f then return { 'invalid' } end
local position = position_of(f, tonumber(ARGV[3]))
if not position then return { 'invalid' } end
local kind = decide(f, position, owner, rotate, now)
if kind == 'invalid' then return { kind } end
if kind == 'reuse-detected' then
  f.rev = now
else
  if kind == 'rotated' then
    f.rot = now
    f.gen = f.gen + 1
    f.used = false
  elseif kind == 'kept' then
    f.used = true
  end
  -- The idle window restarts on each use (Okta KB "Refresh Token Idle Lifetime").
  f.last = now
end
return { kind, family_fields(f, save(f, now)) }
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

/**
 * ARGV: jti, family id ('' = none), cut-off scopes…. Store.accessTokenState in one round trip:
 * [revoked 0/1, family live 0/1, latest cut-off as text].
 */
const accessTokenState = `
local revoked = redis.call('EXISTS', rec_key('a', ARGV[2]))
local live = 1
if ARGV[3] ~= '' then
  local v = redis.call('HMGET', fkey(ARGV[3]), 'owner', 'rev')
  if (not v[1]) or v[2] then live = 0 end
end
local ended = 0
if #ARGV > 3 then
  for _, value in ipairs(redis.call('HMGET', P .. 'access-cutoffs', unpack(ARGV, 4))) do
    local n = tonumber(value)
    if n and n > ended then ended = n end
  end
end
return { revoked, live, num(ended) }
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

/** Returns the number of families: O(families), for tests, the soak and the bench only. */
const familyStats = `
local families = 0
for _, id in ipairs(redis.call('ZRANGE', FAMILIES, 0, -1)) do
  if redis.call('EXISTS', fkey(id)) == 1 then families = families + 1 end
end
return families
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

export const FAMILY_SCRIPTS = { createFamily, redeem, revokeFamily, expireFamily, accessTokenState, listByUser, familyStats, sweep }

export const withLibrary = (body: string): string => LUA_LIBRARY + body
