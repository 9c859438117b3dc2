-- Ends a worker's claim on a provider (flush_claim.lua), listing it again first when it still has deltas.
-- KEYS[1] the index, KEYS[2] the claims. ARGV[1] provider id, ARGV[2] the claim's deadline, ARGV[3] '1' when the
-- provider still holds deltas or a batch. A claim that ran out and was taken by another worker is left to that worker.
if ARGV[3] == '1' then redis.call('SADD', KEYS[1], ARGV[1]) end
if tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1])) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return 1
