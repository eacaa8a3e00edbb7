/**
 * The Redis engine's Lua scripts: each multi-key change is one script, so it
 * is atomic (SPEC §8). Every script touches only the keys of one
 * conversation (they share a `{conversation id}` hash tag) or one key, so
 * they run on Redis Cluster too.
 */

/**
 * Creates the conversation or records its newest identity.
 * KEYS: conversation, messages, clientIds, clientId order.
 * ARGV: id, community, key, identity JSON, now, ttl ms.
 */
export const UPSERT_CONVERSATION = `
local conv = KEYS[1]
if redis.call('EXISTS', conv) == 0 then
  redis.call('HSET', conv, 'id', ARGV[1], 'community', ARGV[2], 'key', ARGV[3], 'identity', ARGV[4],
    'createdAt', ARGV[5], 'updatedAt', ARGV[5], 'seq', 0)
else
  redis.call('HSET', conv, 'identity', ARGV[4], 'updatedAt', ARGV[5])
end
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[6]) end
return redis.call('HGETALL', conv)
`;

/**
 * Appends a message with the next seq, unless this author already sent this
 * clientId (then the earlier message, or what is left of it when it aged out).
 * KEYS: conversation, messages, clientIds, clientId order.
 * ARGV: author, clientId or '', body, createdAt, new message id, messages kept, clientIds kept, ttl ms,
 * the agent as JSON or '' (SPEC §11: agent messages carry who wrote them).
 * Returns nil (no conversation), {1, message JSON} (created), {0, message JSON} (a retry of a kept
 * message) or {0, '', 'seq|id|createdAt'} (a retry of one that left the history).
 */
export const APPEND_MESSAGE = `
local conv = KEYS[1]
if redis.call('EXISTS', conv) == 0 then return false end
local field = ''
if ARGV[2] ~= '' then
  field = ARGV[1] .. ':' .. ARGV[2]
  local found = redis.call('HGET', KEYS[3], field)
  if found then
    local old = tonumber(string.match(found, '^(%d+)|'))
    local kept = redis.call('ZRANGEBYSCORE', KEYS[2], old, old)
    if kept[1] then return {0, kept[1]} end
    return {0, '', found}
  end
end
local seq = redis.call('HINCRBY', conv, 'seq', 1)
local message = {id = ARGV[5], seq = seq, author = ARGV[1], body = ARGV[3], createdAt = tonumber(ARGV[4])}
if field ~= '' then message.clientId = ARGV[2] end
if ARGV[9] ~= nil and ARGV[9] ~= '' then message.agent = cjson.decode(ARGV[9]) end
local json = cjson.encode(message)
redis.call('ZADD', KEYS[2], seq, json)
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[6])
if over > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1) end
if field ~= '' then
  redis.call('HSET', KEYS[3], field, seq .. '|' .. ARGV[5] .. '|' .. ARGV[4])
  redis.call('ZADD', KEYS[4], seq, field)
  local extra = redis.call('ZCARD', KEYS[4]) - tonumber(ARGV[7])
  if extra > 0 then
    local gone = redis.call('ZPOPMIN', KEYS[4], extra)
    for i = 1, #gone, 2 do redis.call('HDEL', KEYS[3], gone[i]) end
  end
end
redis.call('HSET', conv, 'updatedAt', ARGV[4])
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[8]) end
return {1, json}
`;

/**
 * Records the visitor's page. KEYS: conversation, messages, clientIds, clientId order.
 * ARGV: page JSON, now, ttl ms. Returns the record, or nil.
 */
export const SET_LAST_PAGE = `
local conv = KEYS[1]
if redis.call('EXISTS', conv) == 0 then return false end
redis.call('HSET', conv, 'lastPage', ARGV[1], 'updatedAt', ARGV[2])
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return redis.call('HGETALL', conv)
`;

/**
 * Records activity on a session without a lost update against a renewal.
 * KEYS: session. ARGV: lastSeenAt, retainUntil.
 */
export const TOUCH_SESSION = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local record = cjson.decode(raw)
record.lastSeenAt = tonumber(ARGV[1])
if tonumber(ARGV[2]) > record.retainUntil then record.retainUntil = tonumber(ARGV[2]) end
redis.call('SET', KEYS[1], cjson.encode(record), 'PX', math.max(1000, math.floor(record.retainUntil - record.lastSeenAt)))
return 1
`;

/**
 * One token-bucket take, the memory engine's arithmetic exactly (so both
 * engines give the same answers). KEYS: bucket. ARGV: perMinute, now (ms).
 * Returns 0 (allowed) or the seconds to wait.
 */
export const TAKE_TOKEN = `
local per = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local bucket = redis.call('HMGET', KEYS[1], 't', 'a')
local tokens = per
local at = now
if bucket[1] then
  tokens = tonumber(bucket[1])
  at = tonumber(bucket[2])
end
local rate = per / 60000
local elapsed = now - at
if elapsed < 0 then elapsed = 0 end
tokens = math.min(per, tokens + elapsed * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) / rate / 1000))
end
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'a', ARGV[2])
redis.call('PEXPIRE', KEYS[1], 120000)
return wait
`;
