-- Deletes the flush batch once PostgreSQL holds it, but only if it is still the batch with this id.
-- KEYS[1] batch hash. ARGV[1] batch id.
if redis.call('HGET', KEYS[1], '_id') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
