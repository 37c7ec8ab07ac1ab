-- Reserves the next permit of one bucket, atomically: `Slots::reserve` of src/pacing.rs, in Redis.
-- KEYS[1]: the bucket's hash (fields due, second, count, paused_until; microseconds since the epoch).
-- ARGV: limit per wall-clock second, interval, tolerance, guard, lead (microseconds).
-- Returns {1, wait}: the permit starts in `wait` microseconds (at most `lead`); or {0, wait}: nothing
-- reserved, ask again in `wait` (the next permit is further away than `lead`).
-- Time is Redis's (TIME), never a caller's. Numbers are written with %.0f: Lua 5.1's tostring would
-- round microseconds since the epoch.
local SECOND = 1000000
local limit = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local guard = tonumber(ARGV[4])
local lead = tonumber(ARGV[5])
local time = redis.call('TIME')
local now = tonumber(time[1]) * SECOND + tonumber(time[2])
local state = redis.call('HMGET', KEYS[1], 'due', 'second', 'count', 'paused_until')
local due = tonumber(state[1]) or 0
local second = tonumber(state[2]) or 0
local count = tonumber(state[3]) or 0
local paused_until = tonumber(state[4]) or 0
-- The clock went back by more than a minute: forget.
if second > math.floor(now / SECOND) + 60 then
  due, second, count, paused_until = 0, 0, 0, 0
end
local start = math.max(now, due - tolerance, second * SECOND, paused_until)
while true do
  local s = math.floor(start / SECOND)
  if s ~= second then
    second = s
    count = 0
  end
  if count < limit and start - s * SECOND < SECOND - guard then
    break
  end
  start = (s + 1) * SECOND
end
if start - now > lead then
  return {0, start - now - lead}
end
count = count + 1
due = math.max(due, start) + interval
redis.call('HSET', KEYS[1], 'due', string.format('%.0f', due), 'second', string.format('%.0f', second),
  'count', string.format('%.0f', count), 'paused_until', string.format('%.0f', paused_until))
-- Kept while it matters, plus a margin; an idle workspace leaves nothing behind.
redis.call('PEXPIRE', KEYS[1], math.floor((math.max(due, paused_until) - now) / 1000) + 2000)
return {1, start - now}
