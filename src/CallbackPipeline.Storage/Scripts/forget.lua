-- Drops a deleted provider's counters and pending batch, and marks it gone so queued events count nothing.
-- KEYS[1] gone marker, KEYS[2] dirty-days set, KEYS[3] batch hash. ARGV[1] marker lifetime (s), ARGV[2] counter key prefix.
redis.call('SET', KEYS[1], 1, 'EX', ARGV[1])
for _, day in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('DEL', ARGV[2] .. day)
end
redis.call('DEL', KEYS[2], KEYS[3])
return 1
