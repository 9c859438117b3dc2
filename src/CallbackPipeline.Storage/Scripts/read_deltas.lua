-- Reads what a provider holds unflushed for a date range, in one consistent snapshot. Only days in the dirty set
-- can have counters, so a 90-day read touches the few days that have any.
-- KEYS[1] batch count, KEYS[2] batch hash, KEYS[3] dirty-days set. ARGV[1] counter key prefix, ARGV[2] from, ARGV[3] to
-- (yyyy-mm-dd, which compare as strings).
-- Returns {batch count, batch fields, day, counters of that day, day, counters, ...}.
local result = {redis.call('GET', KEYS[1]) or '0', redis.call('HGETALL', KEYS[2])}
for _, day in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if day >= ARGV[2] and day <= ARGV[3] then
    result[#result + 1] = day
    result[#result + 1] = redis.call('HGETALL', ARGV[1] .. day)
  end
end
return result
