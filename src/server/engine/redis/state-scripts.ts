/**
 * The Lua scripts of the conversation state (SPEC §11, ConversationStore.updateState
 * and noteVisitorMessage), the merge rules of store/state.ts. The state lives in
 * the conversation's own hash (fields status, assignee, email, vread, aread,
 * unread), so it expires with the conversation and needs no TTL of its own.
 */

/**
 * KEYS: conversation, messages. ARGV: the change as JSON (ConversationStateChange).
 * Returns the record (HGETALL), or nil. `unread` is recounted from the kept
 * messages after the agents' new read position: cjson escapes every quote
 * inside a string, so `"author":"visitor"` only matches the field itself.
 */
export const UPDATE_STATE = `
local conv = KEYS[1]
if redis.call('EXISTS', conv) == 0 then return false end
local change = cjson.decode(ARGV[1])
if type(change.status) == 'string' then redis.call('HSET', conv, 'status', change.status) end
if change.assignee == cjson.null then redis.call('HDEL', conv, 'assignee')
elseif type(change.assignee) == 'string' then redis.call('HSET', conv, 'assignee', change.assignee) end
if type(change.email) == 'string' then redis.call('HSET', conv, 'email', change.email) end
local last = tonumber(redis.call('HGET', conv, 'seq') or '0')
local function forward(field, asked)
  local stored = tonumber(redis.call('HGET', conv, field) or '0')
  local value = math.max(stored, math.min(math.floor(asked), last))
  redis.call('HSET', conv, field, value)
  return value
end
if type(change.visitorReadSeq) == 'number' then forward('vread', change.visitorReadSeq) end
if type(change.agentReadSeq) == 'number' then
  local read = forward('aread', change.agentReadSeq)
  local unread = 0
  for _, json in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. read, '+inf')) do
    if string.find(json, '"author":"visitor"', 1, true) then unread = unread + 1 end
  end
  redis.call('HSET', conv, 'unread', unread)
end
return redis.call('HGETALL', conv)
`;

/**
 * KEYS: conversation. ARGV: the visitor message's seq. Reopens the
 * conversation and counts the message as unread past the agents' position.
 * Returns the record (HGETALL), or nil.
 */
export const NOTE_VISITOR_MESSAGE = `
local conv = KEYS[1]
if redis.call('EXISTS', conv) == 0 then return false end
redis.call('HSET', conv, 'status', 'open')
if tonumber(ARGV[1]) > tonumber(redis.call('HGET', conv, 'aread') or '0') then redis.call('HINCRBY', conv, 'unread', 1) end
return redis.call('HGETALL', conv)
`;
