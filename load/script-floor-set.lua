-- The floor of exact counting with the simplest record there is, for the drain figure of docs/performance.md (run by
-- load/measure.sh next to load/script-floor.lua): per event one new key (SET NX: records that break the memory target),
-- per call one HINCRBY. No expiry, no earlier generation, no per-day counters, no outcomes.
-- ARGV[1] a random number (redis-benchmark's __rand_int__: 12 digits), ARGV[2] events per call.
local added = 0
for i = 1, tonumber(ARGV[2]) do
  if redis.call('SET', 'floor-set:' .. ARGV[1] .. string.format('%04d', i), '1', 'NX') then added = added + 1 end
end
redis.call('HINCRBY', 'floor:count', 'delivered', added)
return added
