-- Drops a deleted provider's counters, pending batch and failure-code registries, and marks it gone so queued events
-- count nothing. KEYS[1] gone marker, KEYS[2] dirty-days set, KEYS[3] batch hash, KEYS[4] the days with a registry.
-- ARGV[1] marker lifetime (s), ARGV[2] counter key prefix, ARGV[3] registry key prefix.
redis.call('SET', KEYS[1], 1, 'EX', ARGV[1])
for _, day in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('DEL', ARGV[2] .. day)
end
for _, day in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  redis.call('DEL', ARGV[3] .. day)
end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
return 1
