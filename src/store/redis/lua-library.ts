/**
 * The Lua shared by the Redis store's scripts: key names, number formatting, the TTL rules and the
 * refresh decision. Every script starts with this text and takes the store namespace as ARGV[1].
 *
 * Why Lua rather than WATCH/MULTI: a script runs atomically in Redis, so the lookup, the decision and
 * the write of a rotation are one step for every replica sharing the Redis, in one round trip, with no
 * retry loop. WATCH is per connection, and ioredis multiplexes one connection across all of a
 * process's concurrent requests, so WATCH/MULTI would need a connection per transaction.
 */
import { IN_FLIGHT_MS, RETENTION_MS } from '../store.js'

/**
 * Added to every Redis TTL. Records are judged by mockta's clock (the `nowMs` of each call); a TTL only
 * gives the memory back, so it must never end a record that mockta still considers alive. The margin
 * absorbs small differences between replicas' clocks and the time a request takes.
 */
export const TTL_MARGIN_MS = 60_000

/** Families a sweep to make room drops at most (one script, so it stays short). */
export const PRESSURE_SWEEP_BATCH = 10_000

/** How often, at most, a full store sweeps to make room (as MemoryStore). */
export const PRESSURE_SWEEP_INTERVAL_MS = 1000

/** The Redis TTL of a record that mockta considers alive until `untilMs`, seen at `nowMs`. */
export const ttlMs = (untilMs: number, nowMs: number): number => Math.ceil(Math.max(untilMs - nowMs, 0)) + TTL_MARGIN_MS

export const LUA_LIBRARY = `
local P = ARGV[1]
local RETENTION = ${RETENTION_MS}
local MARGIN = ${TTL_MARGIN_MS}
local IN_FLIGHT = ${IN_FLIGHT_MS}
local FAMILIES = P .. 'families'
local PRESSURE = P .. 'pressure'
local function fkey(id) return P .. 'f:' .. id end
local function ukey(user) return P .. 'u:' .. user end
local function rec_key(kind, id) return P .. kind .. ':' .. id end
local function expiry_key(kind) return P .. 'expiry:' .. kind end

-- Numbers as text that reads back to the same double (Lua's tostring keeps only 14 digits).
local function num(n)
  if n == math.huge then return '+inf' end
  if n == -math.huge then return '-inf' end
  return string.format('%.17g', n)
end
local function opt(v) if v then return tonumber(v) end return false end

local function ttl_until(until_ms, now) return math.ceil(math.max(until_ms - now, 0)) + MARGIN end

-- A key that holds one record: its TTL is the record's (nil: none).
local function keep(key, ttl)
  if ttl then redis.call('PEXPIRE', key, num(ttl)) else redis.call('PERSIST', key) end
end

-- A key shared by several records (an index): lives as long as the longest-lived of them.
local function extend(key, ttl, existed)
  if not ttl then redis.call('PERSIST', key)
  elseif not existed then redis.call('PEXPIRE', key, num(ttl))
  else redis.call('PEXPIRE', key, num(ttl), 'GT') end
end

local function index_add(index, score, member, ttl)
  local existed = redis.call('EXISTS', index) == 1
  redis.call('ZADD', index, num(score), member)
  extend(index, ttl, existed)
end

-- A family's mutable state, as numbers; false for an absent value. \`rec\`, its fixed part, as stored.
local function load(id)
  local v = redis.call('HMGET', fkey(id), 'owner', 'idle', 'grace', 'exp', 'gen', 'last', 'used', 'rot', 'rev', 'user', 'created', 'rec')
  if not v[1] then return nil end
  return { id = id, owner = v[1], idle = tonumber(v[2]), grace = tonumber(v[3]), exp = opt(v[4]), gen = tonumber(v[5]),
    last = tonumber(v[6]), used = v[7] == '1', rot = opt(v[8]), rev = opt(v[9]), user = v[10], created = tonumber(v[11]), rec = v[12] }
end

-- The optional fields, in the hash only while they have a value.
local OPTIONAL = { 'exp', 'rot', 'rev' }

-- f's mutable state as the hash holds it: [field, value, ...] of what is set, and the optional
-- fields that are absent.
local function mutable_fields(f)
  local used = '0'
  if f.used then used = '1' end
  local set, absent = { 'gen', num(f.gen), 'last', num(f.last), 'used', used }, {}
  for _, field in ipairs(OPTIONAL) do
    if f[field] then
      set[#set + 1] = field
      set[#set + 1] = num(f[field])
    else
      absent[#absent + 1] = field
    end
  end
  return set, absent
end

-- What family-hash.ts familyFromHash reads, as [field, value, ...] in the hash's own text: a family
-- this script saved needs no HGETALL to be answered. \`set\` is what save wrote (its reply).
local function family_fields(f, set)
  return { 'rec', f.rec, unpack(set) }
end

-- store.ts positionOf: where a generation sits in the family (nil: one it never reached).
local function position_of(f, gen)
  if gen == f.gen then return 'current' end
  if gen > f.gen or gen < 0 then return nil end
  if gen == f.gen - 1 then return 'previous' end
  return 'retired'
end

-- store.ts familyDeadlineMs, isFamilyLive, isInGrace and decideRefresh, line for line; the
-- differential test (test/store/redis-store.model.test.ts) holds them to the TypeScript.
local function deadline(f)
  local d = math.huge
  if f.idle > 0 then d = f.last + f.idle * 1000 end
  if f.exp and f.exp < d then d = f.exp end
  return d
end
local function is_live(f, now) return (not f.rev) and now < deadline(f) end
local function in_grace(f, now)
  if f.used or not f.rot then return false end
  -- store.ts isInGrace: a reading up to IN_FLIGHT before the rotation was concurrent with it.
  local elapsed = now - f.rot
  return f.grace > 0 and elapsed >= -IN_FLIGHT and elapsed < f.grace * 1000
end
local function decide(f, position, owner, rotate, now)
  if f.owner ~= owner then return 'invalid' end
  if not is_live(f, now) then return 'invalid' end
  if position == 'current' then
    if not rotate then return 'kept' end
    return 'rotated'
  end
  if position == 'previous' and in_grace(f, now) then return 'reused-successor' end
  return 'reuse-detected'
end

-- When the family ended (or will end): revocation, else its deadline.
local function ended_at(f)
  if f.rev then return f.rev end
  return deadline(f)
end
-- Kept while it has not ended, then RETENTION more (MemoryStore's sweep): nil while it has no end.
local function family_ttl(f, now)
  local e = ended_at(f)
  if e == math.huge then return nil end
  return ttl_until(e + RETENTION, now)
end

-- Writes f's mutable state and everything that follows from it: TTLs and index scores. One HSET
-- and at most one HDEL, since every command a script calls costs Redis about a microsecond. Returns
-- the fields it set, so a reply need not format them again.
local function save(f, now)
  local k = fkey(f.id)
  local set, absent = mutable_fields(f)
  redis.call('HSET', k, unpack(set))
  if #absent > 0 then redis.call('HDEL', k, unpack(absent)) end
  local ttl = family_ttl(f, now)
  keep(k, ttl)
  index_add(FAMILIES, ended_at(f), f.id, ttl)
  if f.user then index_add(ukey(f.user), f.created, f.id, ttl) end
  return set
end

local function remove_family(id)
  local f = load(id)
  if f and f.user then redis.call('ZREM', ukey(f.user), id) end
  redis.call('DEL', fkey(id))
  redis.call('ZREM', FAMILIES, id)
end

-- Families that ended before \`bound\` (at or before it when inclusive), at most \`limit\`.
local function sweep_families(bound, inclusive, limit)
  local max = num(bound)
  if not inclusive then max = '(' .. max end
  local ids = redis.call('ZRANGEBYSCORE', FAMILIES, '-inf', max, 'LIMIT', 0, limit)
  for _, id in ipairs(ids) do remove_family(id) end
  return #ids
end

-- Records of one kind that expired at or before now, at most \`limit\`.
local function sweep_records(kind, now, limit)
  local index = expiry_key(kind)
  local ids = redis.call('ZRANGEBYSCORE', index, '-inf', num(now), 'LIMIT', 0, limit)
  for _, id in ipairs(ids) do
    redis.call('DEL', rec_key(kind, id))
    redis.call('ZREM', index, id)
  end
  return #ids
end

local function family_reply(id)
  return redis.call('HGETALL', fkey(id))
end
`
