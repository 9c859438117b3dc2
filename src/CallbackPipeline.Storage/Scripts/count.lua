-- Applies a batch of one provider's events exactly once (docs/architecture.md, "The rules").
-- KEYS[1] gone marker, KEYS[2] dirty-days set, KEYS[3] "unflushed since" time, KEYS[4] trace of the last apply.
-- ARGV[1] now (unix ms), ARGV[2] dedup window (s), ARGV[3] traceparent of this apply ('' for none), ARGV[4] the
-- provider's key prefix (every key built from it shares the provider's hash tag, so its slot), ARGV[5] bucket bits
-- of a provider's first generation, ARGV[6] k, generations per window, ARGV[7] the length of a generation (s);
-- then per event i, from ARGV[8 + 5(i-1)]: record, a click's second record ('' for none), value, event time, day.
-- Returns {applied, duplicate, too_late, dropped, outcomes}: outcomes has a letter per event, a(pplied), d(uplicate), l(ate).
--
-- Dedup records (docs/architecture.md, "Dedup records"): a record is a 16-byte fingerprint (DedupRecord.cs). Its first
-- 4 bytes choose a bucket, the small hash '<prefix>d:<generation>:<bucket>', and the other 12 are its field there; the
-- value holds the day the event counted on and its counter, for recounts. k generations are at least the window plus
-- the time an event may be ahead of the clock that applies it (CounterStore.GenerationLength). A record added in
-- generation g is needed until its event time plus the window, which falls in generation g + k at the latest, so an
-- apply looks in its own generation, the k before, and the next one if a worker whose clock is ahead has started it;
-- a generation's keys expire an hour after generation g + k ends. Each generation sizes its buckets from the record
-- count of the one before ('<prefix>g:<generation>': bits, n), so that a bucket holds about 64 records and stays a
-- small listpack.
local per_bucket = 64
local first, stride = 8, 5
local events = (#ARGV - first + 1) / stride
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, 0, 0, events, ''}
end
local now = math.floor(tonumber(ARGV[1]) / 1000)
local window = tonumber(ARGV[2])
local prefix = ARGV[4]
local k = tonumber(ARGV[6])
local length = tonumber(ARGV[7])
local gen = math.floor(now / length)
local expire_at = string.format('%d', (gen + k + 1) * length + 3600)

local function meta(g) return prefix .. 'g:' .. string.format('%d', g) end
-- The other generations that may hold a record, with their bucket counts: the k before this one, and the next one.
local others = {}
local previous_n
for j = -1, k do
  if j ~= 0 then
    local other = redis.call('HMGET', meta(gen - j), 'bits', 'n')
    local other_bits = tonumber(other[1])
    if other_bits then others[#others + 1] = {gen - j, 2 ^ other_bits} end
    if j == 1 then previous_n = other_bits and (tonumber(other[2]) or 0) end
  end
end
local bits = tonumber(redis.call('HGET', meta(gen), 'bits'))
if not bits then
  bits = tonumber(ARGV[5])
  if previous_n then
    bits = 0
    while bits < 32 and (2 ^ bits) * per_bucket < previous_n do bits = bits + 1 end
  end
  redis.call('HSET', meta(gen), 'bits', bits, 'n', 0)
  redis.call('EXPIREAT', meta(gen), expire_at)
end
local buckets = 2 ^ bits

local function bucket(g, record, count)
  local a, b, c, d = string.byte(record, 1, 4)
  return prefix .. 'd:' .. string.format('%d:%d', g, (((a * 256 + b) * 256 + c) * 256 + d) % count)
end

local touched = {}
local added = 0
-- Adds the record unless this generation or one of the others holds it; true when it was added.
local function add(record, value)
  local field = string.sub(record, 5)
  for _, other in ipairs(others) do
    if redis.call('HEXISTS', bucket(other[1], record, other[2]), field) == 1 then
      return false
    end
  end
  local key = bucket(gen, record, buckets)
  if redis.call('HSETNX', key, field, value) == 0 then
    return false
  end
  touched[key] = true
  added = added + 1
  return true
end

local counters = {[0] = 'sent', 'delivered', 'failed', 'clicked', 'clicks', 'replies'}
local counts = {}
local function bump(day, counter)
  local day_counts = counts[day]
  if not day_counts then
    day_counts = {}
    counts[day] = day_counts
  end
  day_counts[counter] = (day_counts[counter] or 0) + 1
end

local applied, duplicate, late = 0, 0, 0
local outcomes = {}
for i = 1, events do
  local a = first + stride * (i - 1)
  -- The value stays the text it came as: a Lua number passed to redis.call is formatted with printf, per call.
  local record, second, value, time, day = ARGV[a], ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3]), ARGV[a + 4]
  if time + window < now then
    -- Its dedup record may be gone: counting it could double it.
    late = late + 1
    outcomes[i] = 'l'
  elseif add(record, value) then
    applied = applied + 1
    outcomes[i] = 'a'
    bump(day, counters[tonumber(value) % 8])
    -- A click's second record is the message's: its first click makes it a clicked message.
    if second ~= '' and add(second, string.format('%d', tonumber(value) - 1)) then bump(day, 'clicked') end
  else
    duplicate = duplicate + 1
    outcomes[i] = 'd'
  end
end

for key in pairs(touched) do
  redis.call('EXPIREAT', key, expire_at, 'NX')
end
if added > 0 then
  redis.call('HINCRBY', meta(gen), 'n', added)
end
for day, day_counts in pairs(counts) do
  redis.call('SADD', KEYS[2], day)
  for counter, n in pairs(day_counts) do
    redis.call('HINCRBY', prefix .. 'c:' .. day, counter, n)
  end
end
if applied > 0 then
  -- When the oldest unflushed delta was made, in unix ms (the flusher's lag metric), and which apply made the
  -- latest (the flush span continues that trace).
  redis.call('SET', KEYS[3], ARGV[1], 'NX')
  if ARGV[3] ~= '' then redis.call('SET', KEYS[4], ARGV[3]) end
end
return {applied, duplicate, late, 0, table.concat(outcomes)}
