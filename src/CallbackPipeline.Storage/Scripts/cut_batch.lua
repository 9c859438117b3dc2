-- Moves a provider's unflushed day counters into one flush batch, atomically.
-- KEYS[1] dirty-days set, KEYS[2] batch hash, KEYS[3] batch count, KEYS[4] "unflushed since" time,
-- KEYS[5] trace of the last apply. When the script writes, the batch hash does not exist yet, which makes Redis
-- Cluster refuse it (TRYAGAIN) while the provider's slot is being moved (docs/reliability.md).
-- ARGV[1] new batch id, ARGV[2] counter key prefix, ARGV[3] failure-code registry key prefix.
-- A batch left by an earlier, interrupted flush is returned as it is, so it is retried with its own id.
-- Returns the batch as a flat field/value list (fields "<day>:<counter or tally>", "<day>:e:<code>" with a failure
-- code's description from the day's registry, "_id", "_since", "_trace"), or an empty list.
if redis.call('EXISTS', KEYS[2]) == 1 then
  return redis.call('HGETALL', KEYS[2])
end
local days = redis.call('SMEMBERS', KEYS[1])
if #days == 0 then
  return {}
end
for _, day in ipairs(days) do
  local counters = ARGV[2] .. day
  local fields = redis.call('HGETALL', counters)
  for j = 1, #fields, 2 do
    local field = fields[j]
    redis.call('HINCRBY', KEYS[2], day .. ':' .. field, fields[j + 1])
    if string.sub(field, 1, 2) == 'f:' then
      local description = redis.call('HGET', ARGV[3] .. day, string.sub(field, 3))
      if description and description ~= '' then redis.call('HSET', KEYS[2], day .. ':e:' .. string.sub(field, 3), description) end
    end
  end
  redis.call('DEL', counters)
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[2], '_id', ARGV[1], '_since', redis.call('GET', KEYS[4]) or '0', '_trace', redis.call('GET', KEYS[5]) or '')
redis.call('DEL', KEYS[4], KEYS[5])
redis.call('INCR', KEYS[3])
return redis.call('HGETALL', KEYS[2])
