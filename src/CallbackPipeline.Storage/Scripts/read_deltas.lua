-- Reads what a provider holds unflushed, in one consistent snapshot.
-- KEYS[1] batch count, KEYS[2] batch hash, KEYS[3..] day counter hashes.
-- Returns {batch count, batch fields, counters of KEYS[3], counters of KEYS[4], ...}.
local result = {redis.call('GET', KEYS[1]) or '0', redis.call('HGETALL', KEYS[2])}
for i = 3, #KEYS do
  result[#result + 1] = redis.call('HGETALL', KEYS[i])
end
return result
