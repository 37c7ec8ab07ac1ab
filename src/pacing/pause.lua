-- Pauses one bucket until ARGV[1] (microseconds since the epoch; a 429's Retry-After), at most
-- ARGV[2] microseconds from Redis's now. KEYS[1]: the bucket's hash (see reserve.lua).
local SECOND = 1000000
local time = redis.call('TIME')
local now = tonumber(time[1]) * SECOND + tonumber(time[2])
local target = math.min(tonumber(ARGV[1]), now + tonumber(ARGV[2]))
local paused_until = tonumber(redis.call('HGET', KEYS[1], 'paused_until')) or 0
if target > paused_until then
  redis.call('HSET', KEYS[1], 'paused_until', string.format('%.0f', target))
  local ttl = math.floor((target - now) / 1000) + 2000
  if redis.call('PTTL', KEYS[1]) < ttl then
    redis.call('PEXPIRE', KEYS[1], ttl)
  end
end
return {1, 0}
