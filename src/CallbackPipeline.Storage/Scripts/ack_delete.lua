-- Acknowledges applied stream entries and deletes them, so the stream only holds what is not yet applied.
-- (XTRIM MAXLEN would also drop delivered-but-unacknowledged entries on Redis 7.0.)
-- KEYS[1] stream. ARGV[1] group, ARGV[2..] entry ids.
local ids = {}
for i = 2, #ARGV do ids[#ids + 1] = ARGV[i] end
redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
return redis.call('XDEL', KEYS[1], unpack(ids))
