-- The floor of exact counting in one Redis, for the drain figure of docs/performance.md (run by load/measure.sh with
-- redis-benchmark): per event one new record in a small hash (HSETNX, a 16-byte field, 16,384 hashes), per call one
-- HINCRBY. Nothing else the counting script does: no expiry, no earlier generation, no per-day counters, no outcomes.
-- ARGV[1] a random number (redis-benchmark's __rand_int__: 12 digits), ARGV[2] events per call.
local base = tonumber(ARGV[1])
local added = 0
for i = 1, tonumber(ARGV[2]) do
  local field = ARGV[1] .. string.format('%04d', i)
  added = added + redis.call('HSETNX', 'floor:' .. string.format('%d', (base + i * 7919) % 16384), field, '1')
end
redis.call('HINCRBY', 'floor:count', 'delivered', added)
return added
