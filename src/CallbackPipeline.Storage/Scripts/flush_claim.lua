-- Claims providers to flush from the flush index, so that no two workers flush one provider at once.
-- KEYS[1] the index (set of provider ids with deltas), KEYS[2] the claims (sorted set: provider id → lease deadline,
-- unix ms of this Redis's clock, so hosts whose clocks differ agree on it). ARGV[1] how many, ARGV[2] lease (ms).
-- Takes claims whose lease ran out first (a worker stopped between claim and release), then pops ids from the index;
-- a popped id another worker holds goes back to the index, for whoever flushes after that worker.
-- Returns {deadline, the index's size before the claim, {claimed ids}}.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local deadline = now + tonumber(ARGV[2])
local want = tonumber(ARGV[1])
local size = redis.call('SCARD', KEYS[1])
local claimed, seen = {}, {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, want)) do
  claimed[#claimed + 1] = id
  seen[id] = true
end
if #claimed < want and size > 0 then
  local held = {}
  for _, id in ipairs(redis.call('SPOP', KEYS[1], want - #claimed)) do
    local lease = tonumber(redis.call('ZSCORE', KEYS[2], id))
    if lease and lease > now then
      held[#held + 1] = id
    elseif not seen[id] then
      claimed[#claimed + 1] = id
      seen[id] = true
    end
  end
  if #held > 0 then redis.call('SADD', KEYS[1], unpack(held)) end
end
for _, id in ipairs(claimed) do
  redis.call('ZADD', KEYS[2], deadline, id)
end
return {deadline, size, claimed}
