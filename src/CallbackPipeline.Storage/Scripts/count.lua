-- Applies a batch of one provider's events exactly once, with their insights (docs/architecture.md, "The rules").
-- KEYS[1] gone marker, KEYS[2] dirty-days set, KEYS[3] "unflushed since" time, KEYS[4] trace of the last apply.
-- The gone marker does not exist while the provider does, which makes Redis Cluster refuse the script (TRYAGAIN) while
-- the provider's slot is being moved, so it never runs on half of the provider's keys (docs/reliability.md).
-- ARGV[1] now (unix ms), ARGV[2] dedup window (s), ARGV[3] traceparent of this apply ('' for none), ARGV[4] the
-- provider's key prefix (every key built from it shares the provider's hash tag, so its slot), ARGV[5] bucket bits
-- of a provider's first generation, ARGV[6] k, generations per window, ARGV[7] the length of a generation (s);
-- then 8 arguments per event i, from ARGV[8 + 8(i-1)] (CounterStore.ScriptArguments builds them):
--   record: the message's 4-byte bucket selector and the 16-byte fingerprint of the event's own record;
--   partner: the fingerprint of the record whose value this event needs ('' for none): a sent event's delivered
--     record (a time to deliver when delivered came first, and a country to move to), a delivered or failed event's
--     sent record (its time, its country);
--   second: a click's second record, the message's first click; a sent event's failed record (a country to move to);
--     '' for none;
--   time (unix s); day (yyyy-mm-dd, the reporting day); packed: counter + 8 × day offset + 32 × country;
--   code and description of a failure ('' for other events).
-- Returns {applied, duplicate, too_late, dropped, outcomes}: outcomes has a letter per event, a(pplied), d(uplicate), l(ate).
--
-- Dedup records (docs/architecture.md, "Dedup records"). A record is a field of a small hash, the bucket
-- '<prefix>m:<generation>:<bucket>': every record of one message is in the same bucket (chosen by the message), so one
-- HMGET finds an event's own record and its partners. The field is 12 bytes of the record's fingerprint; the value is
--   sent:   (offset × 256 + country) × 8              (country: index into Countries.cs, 0 unknown)
--   others: (offset × 4 + day offset) × 8 + counter   (day offset: reporting day - UTC date of the time + 1, 0..2)
-- where offset is the event time less (generation × length - window), and counter 0 sent, 1 delivered, 2 failed,
-- 3 clicked, 4 clicks, 5 replies, 6 delivered and 7 failed counted under no country while their message's sent
-- event was not counted yet (when it is, it moves them to its country and rewrites them as 1 and 2). k generations
-- are at least the window plus the time an event may be ahead of the clock that applies it
-- (CounterStore.GenerationLength). A record added in generation g is needed until its event
-- time plus the window, which falls in generation g + k at the latest, so an apply looks in its own generation, the k
-- before, and the next one if a worker whose clock is ahead has started it; a generation's keys expire an hour after
-- generation g + k ends. Each generation sizes its buckets from the record count of the one before
-- ('<prefix>h:<generation>': bits, n), so that a bucket holds about 64 records and stays a small listpack.
-- Generations of the layout before insights ('<prefix>g:' and '<prefix>d:', bucket chosen by the record) are still
-- read, for whether a record exists, until they expire.
--
-- Insights go into the day's counter hash with the counters, so they are cut, flushed and read with them:
-- 'f:<code>' failed by code (at most 100 codes a day, kept in the day's registry '<prefix>fc:<day>' with their first
-- non-empty description; later new codes count as 'other'), 'n:<country>:s|d|f' by country, 'l:<bucket>' times to deliver.
local per_bucket = 64
-- A delivered or failed record counted under no country: its counter code plus this (6, 7).
local pending_offset = 5
local max_codes = 100
local latency_bounds = {1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400, 259200}
local first, stride = 8, 8
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
local max_offset = length + window + 7200 - 1

local function meta(g) return prefix .. 'h:' .. string.format('%d', g) end
-- The other generations that may hold a record, with their bucket counts: the k before this one, and the next one;
-- and those of the earlier layout, which are only read.
local others, earlier = {}, {}
local previous_n
for j = -1, k do
  if j ~= 0 then
    local other = redis.call('HMGET', meta(gen - j), 'bits', 'n')
    local other_bits = tonumber(other[1])
    if other_bits then others[#others + 1] = {gen - j, 2 ^ other_bits} end
    if j == 1 then previous_n = other_bits and (tonumber(other[2]) or 0) end
  end
  local old_bits = tonumber(redis.call('HGET', prefix .. 'g:' .. string.format('%d', gen - j), 'bits'))
  if old_bits then earlier[#earlier + 1] = {gen - j, 2 ^ old_bits} end
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

local function bucket_of(layout, g, selector, count)
  local a, b, c, d = string.byte(selector, 1, 4)
  return prefix .. layout .. string.format('%d:%d', g, (((a * 256 + b) * 256 + c) * 256 + d) % count)
end

local function encode(g, time, counter, day_offset, country)
  local offset = time - (g * length - window)
  if offset < 0 then offset = 0 elseif offset > max_offset then offset = max_offset end
  if counter == 0 then return string.format('%d', (offset * 256 + country) * 8) end
  return string.format('%d', (offset * 4 + day_offset) * 8 + counter)
end

-- What a partner's record holds: its value and counter code, its event time, and its country (a sent record) or day
-- offset (the others); and where it is (key, field), for a move to rewrite it.
local function decode(g, value, key, field)
  local v = tonumber(value)
  local counter = v % 8
  local rest = (v - counter) / 8
  if counter == 0 then
    return {value = v, counter = 0, time = g * length - window + math.floor(rest / 256), country = rest % 256, key = key, field = field}
  end
  return {value = v, counter = counter, time = g * length - window + math.floor(rest / 4), day_offset = rest % 4, key = key, field = field}
end

local touched = {}
local added = 0
-- Looks up a record's field and its partners' (p1, p2: 12-byte fields, p2 maybe nil) in one bucket of generation g.
-- Returns whether the bucket holds the record, and the partners found (f1, f2: those given, plus any found here).
local function look(g, key, field, p1, p2, f1, f2)
  local values = p2 and redis.call('HMGET', key, field, p1, p2) or redis.call('HMGET', key, field, p1)
  if values[1] then return true end
  if values[2] and not f1 then f1 = decode(g, values[2], key, p1) end
  if values[3] and not f2 then f2 = decode(g, values[3], key, p2) end
  return false, f1, f2
end
-- Adds a record (selector: its message's bucket bytes, record: its 16-byte fingerprint) unless this generation or
-- one of the others holds it, with the counter code stored: pending instead of counter when given and the first
-- partner is not found. Returns whether it was added, and the partners' records (p1, p2) that were found.
local function add(selector, record, p1, p2, time, counter, day_offset, country, pending)
  local field = string.sub(record, 5)
  local held, f1, f2
  for _, other in ipairs(others) do
    local key = bucket_of('m:', other[1], selector, other[2])
    if p1 then
      held, f1, f2 = look(other[1], key, field, p1, p2, f1, f2)
      if held then return false end
    elseif redis.call('HEXISTS', key, field) == 1 then
      return false
    end
  end
  for _, old in ipairs(earlier) do
    if redis.call('HEXISTS', bucket_of('d:', old[1], record, old[2]), field) == 1 then return false end
  end
  local key = bucket_of('m:', gen, selector, buckets)
  if p1 then
    held, f1, f2 = look(gen, key, field, p1, p2, f1, f2)
    if held then return false end
    if pending and not f1 then counter = pending end
    redis.call('HSET', key, field, encode(gen, time, counter, day_offset, country))
  elseif redis.call('HSETNX', key, field, encode(gen, time, counter, day_offset, country)) == 0 then
    return false
  end
  touched[key] = true
  added = added + 1
  return true, f1, f2
end

local counts = {}
local function bump(day, field, n)
  local day_counts = counts[day]
  if not day_counts then
    day_counts = {}
    counts[day] = day_counts
  end
  day_counts[field] = (day_counts[field] or 0) + (n or 1)
end

-- Days since 1970-01-01 as yyyy-mm-dd (proleptic Gregorian).
local function day_text(days)
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400 + (m <= 2 and 1 or 0)
  return string.format('%04d-%02d-%02d', y, m, d)
end

local function latency_bucket(seconds)
  for i, bound in ipairs(latency_bounds) do
    if seconds <= bound then return i - 1 end
  end
  return #latency_bounds
end

-- The code a failure counts under on its day: its own while the day has room for it, else 'other'. The registry keeps
-- a code's first non-empty description. 'none' (a failure without a code) is not a code: it takes no room and no
-- description.
local registries = {}
local function failure_code(day, code, description)
  if code == 'none' then return code end
  local registry = prefix .. 'fc:' .. day
  local known = registries[day]
  if not known then
    known = {size = redis.call('HLEN', registry), codes = {}}
    registries[day] = known
  end
  local registered = known.codes[code]
  if registered == nil then registered = redis.call('HGET', registry, code) end
  if registered then
    if registered == '' and description ~= '' then
      redis.call('HSET', registry, code, description)
      registered = description
    end
    known.codes[code] = registered
    return code
  end
  if known.size >= max_codes then return 'other' end
  redis.call('HSET', registry, code, description)
  if known.size == 0 then
    redis.call('EXPIRE', registry, window + 3 * 86400)
    redis.call('SADD', prefix .. 'fcdays', day)
    redis.call('EXPIRE', prefix .. 'fcdays', window + 3 * 86400)
  end
  known.size = known.size + 1
  known.codes[code] = description
  return code
end

local counters = {[0] = 'sent', 'delivered', 'failed', 'clicked', 'clicks', 'replies'}
-- The reporting day a record other than a sent one holds.
local function day_of(found) return day_text(math.floor(found.time / 86400) + found.day_offset - 1) end
-- A delivery or failure counted under no country before its sent event: the sent event's country takes it, on its
-- own day.
local function move(found, country, suffix)
  if not found or found.counter <= pending_offset or country == 0 then return end
  local day = day_of(found)
  bump(day, 'n:0:' .. suffix, -1)
  bump(day, 'n:' .. country .. ':' .. suffix)
  redis.call('HSET', found.key, found.field, string.format('%d', found.value - pending_offset))
end

local applied, duplicate, late = 0, 0, 0
local outcomes = {}
for i = 1, events do
  local a = first + stride * (i - 1)
  local selector, record = string.sub(ARGV[a], 1, 4), string.sub(ARGV[a], 5)
  local partner, second = ARGV[a + 1], ARGV[a + 2]
  local time, day, packed = tonumber(ARGV[a + 3]), ARGV[a + 4], tonumber(ARGV[a + 5])
  local counter = packed % 8
  local day_offset = math.floor(packed / 8) % 4
  local country = math.floor(packed / 32)
  if time + window < now then
    -- Its dedup record may be gone: counting it could double it.
    late = late + 1
    outcomes[i] = 'l'
  else
    local p1 = partner ~= '' and string.sub(partner, 5) or nil
    local p2 = p1 and counter == 0 and second ~= '' and string.sub(second, 5) or nil
    local pending = country == 0 and (counter == 1 or counter == 2) and counter + pending_offset or nil
    local new, f1, f2 = add(selector, record, p1, p2, time, counter, day_offset, country, pending)
    if new then
      applied = applied + 1
      outcomes[i] = 'a'
      bump(day, counters[counter])
      if counter == 0 then
        bump(day, 'n:' .. country .. ':s')
        if f1 then
          -- Delivered came first: the time to deliver counts on the delivered event's day.
          bump(day_of(f1), 'l:' .. latency_bucket(math.max(0, f1.time - time)))
        end
        move(f1, country, 'd')
        move(f2, country, 'f')
      elseif counter == 1 or counter == 2 then
        local own = country ~= 0 and country or (f1 and f1.country) or 0
        bump(day, 'n:' .. own .. (counter == 1 and ':d' or ':f'))
        if counter == 1 and f1 then bump(day, 'l:' .. latency_bucket(math.max(0, time - f1.time))) end
        if counter == 2 then bump(day, 'f:' .. failure_code(day, ARGV[a + 6], ARGV[a + 7])) end
      end
      -- A click's second record is the message's: its first click makes it a clicked message.
      if counter == 4 and second ~= '' and add(selector, second, nil, nil, time, 3, day_offset, 0) then
        bump(day, 'clicked')
      end
    else
      duplicate = duplicate + 1
      outcomes[i] = 'd'
    end
  end
end

for key in pairs(touched) do
  redis.call('EXPIREAT', key, expire_at, 'NX')
end
-- Also when nothing was added (adding 0): the events may have been counted by a worker that stopped before its WAIT
-- (found as duplicates now, or too late by now), and a write here makes a WAIT after this call cover the writes that
-- counted them, whoever made them.
redis.call('HINCRBY', meta(gen), 'n', added)
for day, day_counts in pairs(counts) do
  redis.call('SADD', KEYS[2], day)
  for field, n in pairs(day_counts) do
    -- A delivery counted under unknown and moved in the same call nets to nothing there.
    if n ~= 0 then redis.call('HINCRBY', prefix .. 'c:' .. day, field, n) end
  end
end
if applied > 0 then
  -- When the oldest unflushed delta was made, in unix ms (the flusher's lag metric), and which apply made the
  -- latest (the flush span continues that trace).
  redis.call('SET', KEYS[3], ARGV[1], 'NX')
  if ARGV[3] ~= '' then redis.call('SET', KEYS[4], ARGV[3]) end
end
return {applied, duplicate, late, 0, table.concat(outcomes)}
