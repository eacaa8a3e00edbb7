/**
 * The Lua scripts of the conversation state (SPEC §11, ConversationStore.updateState
 * and noteVisitorMessage), the merge rules of store/state.ts. The state lives in
 * the conversation's own hash (fields status, assignee, email, vread, aread,
 * unread), so it expires with the conversation and needs no TTL of its own.
 * A change of status writes conversation.closed / conversation.reopened to
 * the webhook outbox in the same script, when the community has webhooks
 * (the stream key after the conversation's keys, its bound the last ARGV).
 */
import { OUTBOX_ADD } from './outbox-scripts.js';

/** The outbox entry of a status change: `was` the status before, `now` after; `at` ms. */
export const STATUS_EVENT = `
local function status_event(n, was, now, at)
  if now == was then return end
  local kind = 'conversation.reopened'
  if now == 'closed' then kind = 'conversation.closed' end
  outbox_add(n, {'t', kind, 'c', redis.call('HGET', KEYS[1], 'id'), 's', redis.call('HGET', KEYS[1], 'seq'), 'a', at})
end
`;

/**
 * KEYS: conversation, messages[, outbox]. ARGV: the change as JSON (ConversationStateChange), now ms[, outbox bound].
 * Returns the record (HGETALL), or nil. `unread` is recounted from the kept
 * messages after the agents' new read position: cjson escapes every quote
 * inside a string, so `"author":"visitor"` only matches the field itself.
 */
export const UPDATE_STATE = `${OUTBOX_ADD}${STATUS_EVENT}
local conv = KEYS[1]
if redis.call('EXISTS', conv) == 0 then return false end
local change = cjson.decode(ARGV[1])
if type(change.status) == 'string' then
  local was = redis.call('HGET', conv, 'status') or 'open'
  redis.call('HSET', conv, 'status', change.status)
  status_event(2, was, change.status, ARGV[2])
end
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
 * KEYS: conversation[, outbox]. ARGV: the visitor message's seq, now ms[, outbox bound]. Reopens the
 * conversation and counts the message as unread past the agents' position.
 * Returns the record (HGETALL), or nil.
 */
export const NOTE_VISITOR_MESSAGE = `${OUTBOX_ADD}${STATUS_EVENT}
local conv = KEYS[1]
if redis.call('EXISTS', conv) == 0 then return false end
local was = redis.call('HGET', conv, 'status') or 'open'
redis.call('HSET', conv, 'status', 'open')
status_event(1, was, 'open', ARGV[2])
if tonumber(ARGV[1]) > tonumber(redis.call('HGET', conv, 'aread') or '0') then redis.call('HINCRBY', conv, 'unread', 1) end
return redis.call('HGETALL', conv)
`;
