-- Applies a batch of one provider's events exactly once (design.md, "Counting rules").
-- KEYS[1] gone marker, KEYS[2] dirty-days set, KEYS[3] "unflushed since" time, KEYS[4] trace of the last apply;
-- then per event i: KEYS[3+2i] message record, KEYS[4+2i] day counters.
-- ARGV[1] now (unix s), ARGV[2] dedup window (s), ARGV[3] traceparent of this apply ('' for none);
-- then per event i, from ARGV[4+4(i-1)]: kind, distinct, event time, day.
-- Returns {applied, duplicate, too_late, dropped, outcomes}: outcomes has a letter per event, a(pplied), d(uplicate), l(ate).
-- Each dedup field holds the day it was counted on, so an operator's recount can rebuild the days from the records.
local events = (#KEYS - 4) / 2
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, 0, 0, events, ''}
end
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local applied, duplicate, late = 0, 0, 0
local days = {}
local outcomes = {}

for i = 1, events do
  local record = KEYS[3 + 2 * i]
  local counters = KEYS[4 + 2 * i]
  local a = 4 + 4 * (i - 1)
  local kind, distinct, time, day = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2]), ARGV[a + 3]
  if time + window < now then
    -- Its dedup record may be gone: counting it could double it.
    late = late + 1
    outcomes[i] = 'l'
  else
    local counted = false
    if kind == 'sent' or kind == 'delivered' or kind == 'failed' then
      counted = redis.call('HSETNX', record, kind, day) == 1
      if counted then redis.call('HINCRBY', counters, kind, 1) end
    elseif kind == 'clicked' then
      counted = redis.call('HSETNX', record, 'k:' .. distinct, day) == 1
      if counted then
        redis.call('HINCRBY', counters, 'clicks', 1)
        if redis.call('HSETNX', record, 'clicked', day) == 1 then redis.call('HINCRBY', counters, 'clicked', 1) end
      end
    elseif kind == 'replied' then
      counted = redis.call('HSETNX', record, 'r:' .. distinct, day) == 1
      if counted then redis.call('HINCRBY', counters, 'replies', 1) end
    end
    if counted then
      applied = applied + 1
      outcomes[i] = 'a'
      days[day] = true
      -- The record must outlive every retry of this event: until its event time plus the window.
      local keep = (time + window + 3600) * 1000
      if redis.call('PEXPIRETIME', record) < keep then redis.call('PEXPIREAT', record, keep) end
    else
      duplicate = duplicate + 1
      outcomes[i] = 'd'
    end
  end
end
for day in pairs(days) do
  redis.call('SADD', KEYS[2], day)
end
if applied > 0 then
  -- When the oldest unflushed delta was made (the flusher's lag metric), and which apply made the latest
  -- (the flush span continues that trace).
  redis.call('SET', KEYS[3], now, 'NX')
  if ARGV[3] ~= '' then redis.call('SET', KEYS[4], ARGV[3]) end
end
return {applied, duplicate, late, 0, table.concat(outcomes)}
