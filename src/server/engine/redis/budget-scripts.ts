/**
 * The Redis engine's bounds (issue 16 HIGH 2): a per-community budget of
 * conversations and estimated bytes, a per-address quota, and a session cap
 * per conversation, each kept by one script on one Cluster slot. Time is the
 * server's (TIME), so every instance agrees when an entry lapses.
 */

/** Drops budget entries past their time (at most 200 a call, to bound the script), keeping `#total` in step. */
const PRUNE = `
local function prune(live, bytes, now)
  local gone = redis.call('ZRANGEBYSCORE', live, '-inf', now, 'LIMIT', 0, 200)
  for _, id in ipairs(gone) do
    local size = tonumber(redis.call('HGET', bytes, id) or '0')
    redis.call('HDEL', bytes, id)
    redis.call('HINCRBY', bytes, '#total', -size)
    redis.call('ZREM', live, id)
  end
end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

/**
 * Admits a new conversation into its community's budget, or refuses.
 * KEYS: live, bytes, owner (the address's written conversations; any key of the slot when none).
 * ARGV: id, estimated bytes, life ms (a conversation nobody wrote in), max conversations, max bytes,
 * max per address, '1' when an address is given.
 * Returns 'ok', 'full' (the community's budget) or 'address' (the address's quota).
 */
export const ADMIT_CONVERSATION = `${PRUNE}
prune(KEYS[1], KEYS[2], now)
if ARGV[7] == '1' then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[6]) then return 'address' end
end
local size = tonumber(ARGV[2])
local total = tonumber(redis.call('HGET', KEYS[2], '#total') or '0')
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) or total + size > tonumber(ARGV[5]) then return 'full' end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], size)
redis.call('HINCRBY', KEYS[2], '#total', size)
return 'ok'
`;

/**
 * The charge of a new message, a Lua function the append script calls too
 * (on a single node it charges in the same step as the append: issue 22).
 * Charges `size` bytes to the conversation `id` and gives it `life` ms in
 * the community's live set from `at` (the server's clock, ms); `owner` (the
 * address's set, or nil) gets it on the first message and is kept in step after.
 */
export const CHARGE = `
local function charge(live, bytes, owner, id, size, life, first, at)
  redis.call('ZADD', live, at + life, id)
  redis.call('HINCRBY', bytes, id, size)
  redis.call('HINCRBY', bytes, '#total', size)
  if owner and (first or redis.call('ZSCORE', owner, id)) then
    redis.call('ZADD', owner, at + life, id)
    redis.call('PEXPIRE', owner, life)
  end
  redis.call('PEXPIRE', live, life)
  redis.call('PEXPIRE', bytes, life)
end
`;

/**
 * Charges a new message to its community's budget and gives the conversation
 * its full life there; the first message also counts it against its address.
 * The store's own step on Redis Cluster, where the budget is another slot
 * than the conversation's (on one node the append script charges).
 * KEYS: live, bytes, owner (as above). ARGV: id, bytes, life ms, '1' first message, '1' address given.
 */
export const CHARGE_MESSAGE = `${CHARGE}
local owner = nil
if ARGV[5] == '1' then owner = KEYS[3] end
local clock = redis.call('TIME')
charge(KEYS[1], KEYS[2], owner, ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1', tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000))
return 1
`;

/**
 * The candidates an address at its quota may give back: its least recently
 * written conversations whose last charge is older than the idle time, oldest
 * first, at most ARGV 3 of them. Only candidates: on a Cluster the charge is
 * a step apart from the append and may have been lost, so an active
 * conversation can look idle here. Each is checked on its own slot
 * (TAKE_IF_IDLE) before it goes, and given back with RELEASE_IDLE.
 * KEYS: live, bytes, owner. ARGV: idle ms, full life ms, most candidates.
 */
export const IDLE_CANDIDATES = `${PRUNE}
-- Scored by when it lapses (last message + full life): idle when that message is older than the idle time.
return redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now + tonumber(ARGV[2]) - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[3]))
`;

/**
 * Deletes a conversation (its four keys, on its own slot) if it really is
 * idle: no message for the idle time by its own record's `wrote` (the
 * server's clock at its last append; `updatedAt` for a record written before
 * `wrote` existed). In the same step, so no append can land between the check
 * and the delete. KEYS: record, messages, clientIds, clientId order. ARGV: idle ms.
 * Returns {0} (gone already), {1, last message ms} (active: kept), or
 * {2, its index key or '', its session ids…} (deleted: the caller deletes those).
 */
export const TAKE_IF_IDLE = `
local record = redis.call('HMGET', KEYS[1], 'id', 'wrote', 'updatedAt', 'key')
if not record[1] then return {0} end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local last = tonumber(record[2] or record[3] or '0')
if now - last < tonumber(ARGV[1]) then return {1, last} end
local taken = {2, record[4] or ''}
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, 2) == 's:' then table.insert(taken, string.sub(field, 3)) end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return taken
`;

/**
 * Gives back what TAKE_IF_IDLE decided: the conversation it deleted (or found
 * gone) leaves the address's set and the community's budget; each one found
 * active gets its score back (its last message + full life, never lowered) in
 * the address's set and the live set, as its lost charge would have left it.
 * KEYS: live, bytes, owner. ARGV: full life ms, the id given back or '', then
 * pairs of an active id and its last message ms.
 */
export const RELEASE_IDLE = `${PRUNE}
local life = tonumber(ARGV[1])
local id = ARGV[2]
if id ~= '' then
  redis.call('ZREM', KEYS[3], id)
  redis.call('ZREM', KEYS[1], id)
  local size = tonumber(redis.call('HGET', KEYS[2], id) or '0')
  if redis.call('HDEL', KEYS[2], id) == 1 then redis.call('HINCRBY', KEYS[2], '#total', -size) end
end
for i = 3, #ARGV - 1, 2 do
  local score = tonumber(ARGV[i + 1]) + life
  redis.call('ZADD', KEYS[3], 'XX', 'GT', score, ARGV[i])
  redis.call('ZADD', KEYS[1], 'XX', 'GT', score, ARGV[i])
  if score > now then
    for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], score - now, 'GT') end
  end
end
return 1
`;

/**
 * Records a session of a conversation, as a field `s:<session id>` =
 * lastSeenAt of the conversation's own hash (no key of its own: it lives and
 * expires with the conversation), and ends the least recently seen others
 * past the cap. KEYS: the conversation record. ARGV: session id, lastSeenAt,
 * max sessions. Returns the ids of the sessions to end.
 */
export const CAP_SESSIONS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local field = 's:' .. ARGV[1]
if redis.call('HSET', KEYS[1], field, ARGV[2]) == 1 then redis.call('HINCRBY', KEYS[1], 'sessions', 1) end
local over = tonumber(redis.call('HGET', KEYS[1], 'sessions')) - tonumber(ARGV[3])
local ended = {}
if over <= 0 then return ended end
local all = redis.call('HGETALL', KEYS[1])
local others = {}
for i = 1, #all, 2 do
  if string.sub(all[i], 1, 2) == 's:' and all[i] ~= field then table.insert(others, {all[i], tonumber(all[i + 1])}) end
end
table.sort(others, function(a, b) return a[2] < b[2] end)
for i = 1, math.min(over, #others) do
  redis.call('HDEL', KEYS[1], others[i][1])
  redis.call('HINCRBY', KEYS[1], 'sessions', -1)
  table.insert(ended, string.sub(others[i][1], 3))
end
return ended
`;

/** Activity keeps a session in its conversation's cap. KEYS: the conversation record. ARGV: session id, lastSeenAt. */
export const TOUCH_SESSION_FIELD = `
local field = 's:' .. ARGV[1]
if redis.call('HEXISTS', KEYS[1], field) == 1 then redis.call('HSET', KEYS[1], field, ARGV[2]) end
return 1
`;
