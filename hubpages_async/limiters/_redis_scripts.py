"""The Lua scripts :class:`RedisLimiter` runs on the Redis server (each one atomic step).

Times are microseconds on the Redis server's clock (``TIME``), so hosts whose clocks
disagree still agree; a caller only ever gets back a *duration* to sleep.

Keys (one namespace per token hash; every key expires, so Redis never grows):

- ``log``: a sorted set of admissions scored by their (possibly future) send time;
- ``pause``: the shared "paused until" time, with a TTL of the pause itself;
- ``seq``: the namespace's sequence counter, which names admissions uniquely; its absence
  means Redis is new to this token (first use, a restart or a day idle);
- ``probe``: present while the first request after such a cold start is out, so the
  others wait for its answer to tell what the server already counts;
- ``daily``: a hash of one account's count per day number (UTC), kept two days;
- ``window``: the widest window (HubSpot's plus a margin) a process asked for lately.
"""

from __future__ import annotations

from typing import Final

__all__ = ["ADMIT", "DAILY_USED", "PAUSE", "RECORD", "SYNC"]

#: KEYS: log, pause, seq, probe, daily, window.  ARGV: limit, window_us, max_ahead_us, ttl_ms,
#: daily_limit (0: not counted), probe_ms.
#: Returns {code, wait_us, extra}: code 0 admitted (sleep wait_us, then send; extra=1 when
#: this request is the cold-start probe), 1 ask again after wait_us (the slot would be too
#: far ahead, or a probe is out), 2 the daily budget is spent (extra: the limit).
ADMIT: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max_ahead = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local daily = tonumber(ARGV[5])
local probe_ms = tonumber(ARGV[6])
local probe = 0
if redis.call('EXISTS', KEYS[3]) == 0 then
  -- Redis knows nothing of this token: sends from before a restart are invisible here.
  -- Let one probe out; its answer's X-HubSpot-RateLimit-Remaining fills the gap.
  if redis.call('SET', KEYS[4], '1', 'NX', 'PX', probe_ms) then
    probe = 1
  else
    return {1, math.min(redis.call('PTTL', KEYS[4]), 100) * 1000, 0}
  end
elseif redis.call('EXISTS', KEYS[4]) == 1 then
  return {1, math.min(redis.call('PTTL', KEYS[4]), 100) * 1000, 0}
end
-- The widest window any process asked for lately (its round trips vary the most, or its
-- turns on the CPU come late): its late sends meet everyone's early ones, so all use it.
local widest = tonumber(redis.call('GET', KEYS[6]) or '0')
if window >= widest then
  redis.call('SET', KEYS[6], string.format('%d', window), 'PX', ttl)
else
  window = widest
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local at = now
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > at then at = paused end
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  -- Admissions are scored in non-decreasing order and each one lands at least a window
  -- after the one `limit` places before it, so no window ever holds more than `limit`.
  local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  local free = tonumber(oldest[2]) + window
  if free > at then at = free end
end
if count > 0 then
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if tonumber(last[2]) > at then at = tonumber(last[2]) end
end
if at - now > max_ahead then
  if probe == 1 then redis.call('DEL', KEYS[4]) end
  return {1, at - now - max_ahead, 0}
end
if daily > 0 then
  local day = math.floor(tonumber(t[1]) / 86400)
  local used = redis.call('HINCRBY', KEYS[5], day, 1)
  redis.call('HDEL', KEYS[5], day - 2)
  redis.call('PEXPIRE', KEYS[5], 172800000)
  if used > daily then
    redis.call('HINCRBY', KEYS[5], day, -1)
    if probe == 1 then redis.call('DEL', KEYS[4]) end
    return {2, 0, daily}
  end
end
local seq = redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], 86400000)
redis.call('ZADD', KEYS[1], at, seq)
redis.call('PEXPIRE', KEYS[1], ttl)
return {0, at - now, probe}
"""

#: KEYS: log, probe, seq.  ARGV: window_us, limit, server_remaining, ttl_ms,
#: probe (0/1), back_us. When the server has less room left than the log (its
#: admissions of the last window, future ones included), enter the difference as
#: admissions made back_us ago (so they age out with the server's window; at most a
#: whole window from now). After the probe's answer, also let the others go. Returns the
#: number of entries added.
SYNC: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[1])
local room = tonumber(ARGV[2])
room = room - redis.call('ZCOUNT', KEYS[1], string.format('(%d', now - window), '+inf')
local added = 0
while room - added > tonumber(ARGV[3]) do
  added = added + 1
  local seq = redis.call('INCR', KEYS[3])
  redis.call('ZADD', KEYS[1], now - tonumber(ARGV[6]), seq)
end
if added > 0 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4])) end
if tonumber(ARGV[5]) == 1 then
  if redis.call('EXISTS', KEYS[3]) == 0 then redis.call('SET', KEYS[3], '0') end
  redis.call('PEXPIRE', KEYS[3], 86400000)
  redis.call('DEL', KEYS[2])
end
return added
"""

#: KEYS: log, seq.  ARGV: ttl_ms, then ages_us... (how long ago each send was made).
#: A process coming back from its local fallback enters what it sent meanwhile.
RECORD: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
for i = 2, #ARGV do
  local seq = redis.call('INCR', KEYS[2])
  redis.call('ZADD', KEYS[1], now - tonumber(ARGV[i]), seq)
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
redis.call('PEXPIRE', KEYS[2], 86400000)
return #ARGV - 1
"""

#: KEYS: pause.  ARGV: pause_us.  Extend the shared pause (never shortens it).
PAUSE: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local deadline = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if deadline > current then
  local ms = math.max(1, math.ceil(tonumber(ARGV[1]) / 1000))
  redis.call('SET', KEYS[1], string.format('%d', deadline), 'PX', ms)
end
return 1
"""

#: KEYS: daily.  Returns today's count (UTC day on the Redis server's clock).
DAILY_USED: Final = """
local t = redis.call('TIME')
local day = math.floor(tonumber(t[1]) / 86400)
return tonumber(redis.call('HGET', KEYS[1], day) or '0')
"""
