-- The floor of exact counting in one Redis, for the drain figure of docs/performance.md (run by load/measure.sh with
-- redis-benchmark): per event one new record, per call one HINCRBY. Nothing else the counting script does: no expiry,
-- no earlier generation, no per-day counters, no outcomes.
-- ARGV[1] a random number (redis-benchmark's __rand_int__: 12 digits), ARGV[2] events per call, ARGV[3] the record:
-- 'hash' (the default) for a 16-byte field in one of 16,384 small hashes (HSETNX), as the counting script keeps them;
-- 'key' for a plain key a record (SET NX), whose records break the memory target.
local base = tonumber(ARGV[1])
local by_key = ARGV[3] == 'key'
local added = 0
for i = 1, tonumber(ARGV[2]) do
  local field = ARGV[1] .. string.format('%04d', i)
  if by_key then
    if redis.call('SET', 'floor-key:' .. field, '1', 'NX') then added = added + 1 end
  else
    added = added + redis.call('HSETNX', 'floor:' .. string.format('%d', (base + i * 7919) % 16384), field, '1')
  end
end
redis.call('HINCRBY', 'floor:count', 'delivered', added)
return added
