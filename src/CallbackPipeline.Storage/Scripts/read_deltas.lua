-- Reads what a provider holds unflushed for a date range, in one consistent snapshot. Only days in the dirty set
-- can have counters, so a 90-day read touches the few days that have any.
-- KEYS[1] batch count, KEYS[2] batch hash, KEYS[3] dirty-days set, KEYS[4] the gone marker, which does not exist
-- while the provider does: Redis Cluster then refuses the script (TRYAGAIN) while the provider's slot is being moved,
-- instead of running it beside day keys that moved already. ARGV[1] counter key prefix, ARGV[2] from, ARGV[3] to
-- (yyyy-mm-dd, which compare as strings), ARGV[4] '1' for the insight tallies too (else the six counters only),
-- ARGV[5] failure-code registry key prefix.
-- Returns {batch count, batch fields, then per day: day, its fields (field, value, ...), its registry (code,
-- description, ...; empty without insights)}.
local counters = {'sent', 'delivered', 'failed', 'clicks', 'clicked', 'replies'}
local insights = ARGV[4] == '1'
local result = {redis.call('GET', KEYS[1]) or '0', redis.call('HGETALL', KEYS[2])}
for _, day in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if day >= ARGV[2] and day <= ARGV[3] then
    result[#result + 1] = day
    if insights then
      result[#result + 1] = redis.call('HGETALL', ARGV[1] .. day)
      result[#result + 1] = redis.call('HGETALL', ARGV[5] .. day)
    else
      local values = redis.call('HMGET', ARGV[1] .. day, unpack(counters))
      local fields = {}
      for i, name in ipairs(counters) do
        if values[i] then
          fields[#fields + 1] = name
          fields[#fields + 1] = values[i]
        end
      end
      result[#result + 1] = fields
      result[#result + 1] = {}
    end
  end
end
return result
