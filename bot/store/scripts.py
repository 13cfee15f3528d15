"""Lua scripts that make several Redis steps one atomic step."""

from __future__ import annotations

# Compare-and-set: replace a value only if it is still the one we read; its TTL stays (a link
# awaiting confirmation still expires).
SWAP = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
SWAP += "redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') return 1 end return 0"
# Take (get and delete) a preview or a link state, but only while the taker can still use it:
# - before a deadline on Redis's own clock: a command whose answer the client gave up waiting for
#   may still sit in a socket buffer and run when a stalled Redis resumes, and a late take must
#   not consume what the user was told to try again with;
# - not while Redis refuses writes (maxmemory reached under `noeviction`): a delete is still
#   allowed then, but what follows a take (queueing the recognition, saving the link) is not. The
#   SET of the unchanged value is the script's first write, which Redis refuses when it is out of
#   memory, before anything changed.
TAKE = """
local now = redis.call('TIME')
if tonumber(now[1]) * 1000000 + tonumber(now[2]) > tonumber(ARGV[1]) then return {0} end
local value = redis.call('GET', KEYS[1])
if not value then return {1} end
redis.call('SET', KEYS[1], value, 'KEEPTTL')
redis.call('DEL', KEYS[1])
return {1, value}
"""
# Queue an intent and consume its draft together, or not at all (same deadline and memory rules
# as TAKE): KEYS draft, intent, watch, outbox; ARGV deadline, expected draft, intent, intent TTL,
# watch ms, intent id. Returns -1 late, 0 draft gone or changed, 1 queued.
QUEUE_DRAFT = """
local now = redis.call('TIME')
if tonumber(now[1]) * 1000000 + tonumber(now[2]) > tonumber(ARGV[1]) then return -1 end
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4])
redis.call('SET', KEYS[3], '1', 'PX', ARGV[5])
redis.call('XADD', KEYS[4], '*', 'intent', ARGV[6])
redis.call('DEL', KEYS[1])
return 1
"""
TAKE_WINDOW_US = 500_000  # must stay below the client's socket timeout (services.REDIS_TIMEOUT)
# Write a record of a workspace unless the app was uninstalled from it meanwhile (KEYS[1], the
# uninstall mark): work still in flight then re-creates nothing. KEYS mark, record[, news list];
# ARGV value, TTL[, news TTL]: with a news list, the value is pushed onto it too. 1 if written.
SET_UNLESS_UNINSTALLED = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
if KEYS[3] then
  redis.call('RPUSH', KEYS[3], ARGV[1])
  redis.call('EXPIRE', KEYS[3], ARGV[3])
end
return 1
"""
# The consumer: take an intent's delivery lock and read the intent in one step. KEYS lock,
# intent, takings; ARGV lock value, lock ms, takings TTL. Taken: {1, takings so far, intent};
# held by another: {0, its lock value, intent}.
TAKE_DELIVERY = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local takings = redis.call('INCR', KEYS[3])
  redis.call('EXPIRE', KEYS[3], ARGV[3])
  return {1, takings, redis.call('GET', KEYS[2])}
end
return {0, redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2])}
"""
# The hand-over between a Send request and the consumer (bot/store/intents.py).
# The consumer: save a final intent and hand it over, but only to a request still watching;
# nothing of it once the workspace's uninstall mark is there. Not handed over, it pushes
# ARGV[8] onto the taken list, so a wait sent with the script ends at once. Then the outbox
# entry is acknowledged and deleted and the delivery lock released, if still this holder's.
# Writes that need memory come first: refused, they change nothing. KEYS mark, watch, news,
# intent, taken, lock, outbox, recipients to forget...; ARGV watching, handed over, intent,
# intent TTL, lock value, group, entry id, unwatched. 1 if handed over.
FINISH = """
local handed = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[4], ARGV[3], 'EX', ARGV[4])
  if redis.call('GET', KEYS[2]) == ARGV[1] then
    redis.call('SET', KEYS[2], ARGV[2], 'KEEPTTL')
    redis.call('RPUSH', KEYS[3], ARGV[2])
    redis.call('PEXPIRE', KEYS[3], redis.call('PTTL', KEYS[2]))
    handed = 1
  end
  for i = 8, #KEYS do redis.call('DEL', KEYS[i]) end
end
if handed == 0 then
  redis.call('RPUSH', KEYS[5], ARGV[8])
  redis.call('PEXPIRE', KEYS[5], 60000)
end
redis.call('XACK', KEYS[7], ARGV[6], ARGV[7])
redis.call('XDEL', KEYS[7], ARGV[7])
if redis.call('GET', KEYS[6]) == ARGV[5] then redis.call('DEL', KEYS[6]) end
return handed
"""
# Queue an intent again (Retry), unless its workspace's uninstall mark is there. KEYS mark,
# intent, watch, news, taken, outbox; ARGV intent, intent TTL, watching, watch ms, intent id.
ENQUEUE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
redis.call('DEL', KEYS[4], KEYS[5])
redis.call('XADD', KEYS[6], '*', 'intent', ARGV[5])
return 1
"""
# The watching request: take a handed-over outcome (with the intent), else end the watch so it
# can no longer be handed over. Refused, changing nothing, when it reaches Redis past ARGV[1].
# Taken already (by the watching request, whose answer was read too late): the intent again.
END_WATCH = """
local now = redis.call('TIME')
if tonumber(now[1]) * 1000000 + tonumber(now[2]) > tonumber(ARGV[1]) then return {-1} end
local watch = redis.call('GET', KEYS[1])
if watch == ARGV[2] then
  redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
  redis.call('RPUSH', KEYS[3], ARGV[3])
  redis.call('PEXPIRE', KEYS[3], redis.call('PTTL', KEYS[1]))
end
if watch == ARGV[2] or watch == ARGV[3] then return {1, redis.call('GET', KEYS[2])} end
redis.call('DEL', KEYS[1])
return {0}
"""
