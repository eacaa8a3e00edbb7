/**
 * The Redis engine's Lua scripts: each multi-key change is one script, so it
 * is atomic (SPEC §8). Every script touches only the keys of one
 * conversation (they share a `{conversation id}` hash tag) or one key, so
 * they run on Redis Cluster too. The exception is the webhook outbox
 * (SPEC §12): with webhooks, the create and the append also XADD to the
 * community's stream, a fifth key (standalone and Sentinel only).
 */
import { CHARGE } from './budget-scripts.js';
import { OUTBOX_ADD } from './outbox-scripts.js';
import { STATUS_EVENT } from './state-scripts.js';

/**
 * The server process' run_id (INFO server): it changes on every restart and
 * failover, which is when a log may have lost its tail. Read on every call:
 * a script keeps nothing between calls, and no cheaper command tells one
 * server process from the next (a key would be restored with the data, and
 * LASTSAVE moves on every save). Found by a plain search, not a pattern over
 * the whole section.
 */
const RUN_ID = `local server_info = redis.call('INFO', 'server')
local run = string.match(server_info, '^%w+', string.find(server_info, 'run_id:', 1, true) + 7)
`;

/**
 * Creates the conversation or records its newest identity. A conversation
 * nobody wrote in lives the short life (issue 16 HIGH 2); its first message
 * gives it the full one (APPEND_MESSAGE).
 * KEYS: conversation, messages, clientIds, clientId order.
 * ARGV: id, community, key, identity JSON, now, ttl ms, empty ttl ms, owner address or '', new epoch.
 * With webhooks, KEYS[5] is the outbox stream and the last ARGV its bound: a new conversation writes
 * conversation.created there.
 */
export const UPSERT_CONVERSATION = `${RUN_ID}${OUTBOX_ADD}
local conv = KEYS[1]
if redis.call('EXISTS', conv) == 0 then
  redis.call('HSET', conv, 'id', ARGV[1], 'community', ARGV[2], 'key', ARGV[3], 'identity', ARGV[4],
    'createdAt', ARGV[5], 'updatedAt', ARGV[5], 'seq', 0, 'owner', ARGV[8], 'epoch', ARGV[9], 'run', run)
  outbox_add(4, {'t', 'conversation.created', 'c', ARGV[1], 's', '0', 'a', ARGV[5]})
else
  redis.call('HSET', conv, 'identity', ARGV[4], 'updatedAt', ARGV[5])
end
local life = ARGV[6]
if tonumber(redis.call('HGET', conv, 'seq')) == 0 then life = ARGV[7] end
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], life) end
return redis.call('HGETALL', conv)
`;

/**
 * Appends a message with the next seq, unless this author already sent this
 * clientId (then the earlier message, or what is left of it when it aged out).
 * KEYS: conversation, messages, clientIds, clientId order; on one node (ARGV 14) the budget's live set
 * and bytes, the community's agent list (keys.recent) and, when ARGV 15 names an owner, that address's
 * set (budget-scripts.ts).
 * ARGV: author, clientId or '', body, createdAt, new message id, messages kept, clientIds kept, ttl ms,
 * new epoch (taken when the server is not the one that made the last write: issue 16 HIGH 6),
 * the agent as JSON or '' (SPEC §11: agent messages carry who wrote them), the conversation's bus
 * channel, the agents' bus channel, '1' when the conversation's channel is sharded (issue 21 item 4:
 * the append announces itself, so no crash can store a message nobody hears of), the message's
 * charge in bytes or '' (no budget here: on a Cluster the budget is another slot), the owner
 * address the caller believes the conversation has ('' none or not known).
 * A visitor message also reopens the conversation and counts as unread past the agents' read position
 * (ConversationStore.noteVisitorMessage), before anyone hears of it. With the budget, a new message is
 * charged in the same step (issue 22: a charge apart could be lost, and an active conversation then
 * looked idle to its address's quota); the charge comes before any write, so a failing one stores nothing.
 * The agent list gets the conversation at its new updatedAt in the same step too. The record keeps its
 * last message's time on the server's clock (`wrote`): an address's quota checks it before it takes the
 * conversation back (budget-scripts.ts TAKE_IF_IDLE), since on a Cluster the charge may have been lost.
 * Returns nil (no conversation), {1, message JSON, owner, key} (created: the owner address and the
 * conversation key, for the budget and the index), {0, message JSON} (a retry of a kept message),
 * {0, '', 'seq|id|createdAt'} (a retry of one that left the history) or, with the budget, {2, owner}
 * when the conversation's owner is not the one given (nothing done: call again with its set).
 * With webhooks, the key after these is the outbox stream and the last ARGV its bound: a new message
 * (not a retry) writes message.created there.
 */
export const APPEND_MESSAGE = `${RUN_ID}${OUTBOX_ADD}${STATUS_EVENT}${CHARGE}
local conv = KEYS[1]
local record = redis.call('HMGET', conv, 'id', 'seq', 'run', 'epoch', 'owner', 'key', 'status', 'aread')
local id = record[1]
if not id then return false end
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
local owner = record[5] or ''
local seq = tonumber(record[2] or '0') + 1
local clock = redis.call('TIME')
local at = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
-- n: the keys before the outbox's (the conversation's, then the budget's).
local n = 4
if ARGV[14] ~= '' then
  if owner ~= ARGV[15] then return {2, owner} end
  local owned = nil
  n = 7
  if owner ~= '' then
    owned = KEYS[8]
    n = 8
  end
  charge(KEYS[5], KEYS[6], owned, id, tonumber(ARGV[14]), tonumber(ARGV[8]), seq == 1, at)
  redis.call('ZADD', KEYS[7], ARGV[4], id)
end
-- wrote: the last message on the server's clock, what an address's quota checks before it gives this
-- conversation back (TAKE_IF_IDLE): on a Cluster the owner's set may have missed a charge.
local update = {'seq', seq, 'updatedAt', ARGV[4], 'wrote', at}
local epoch = record[4]
if record[3] ~= run then
  -- Another server process made the last write (a restart, a failover): the log may have lost its tail,
  -- and the seqs after what survived may already have been seen. A new epoch, so none is reused within one.
  epoch = ARGV[9]
  table.insert(update, 'epoch')
  table.insert(update, epoch)
  table.insert(update, 'run')
  table.insert(update, run)
end
if ARGV[1] == 'visitor' then
  table.insert(update, 'status')
  table.insert(update, 'open')
end
redis.call('HSET', conv, unpack(update))
local message = {id = ARGV[5], seq = seq, author = ARGV[1], body = ARGV[3], createdAt = tonumber(ARGV[4])}
if field ~= '' then message.clientId = ARGV[2] end
if ARGV[10] ~= nil and ARGV[10] ~= '' then message.agent = cjson.decode(ARGV[10]) end
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
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[8]) end
outbox_add(n, {'t', 'message.created', 'c', id, 's', tostring(seq), 'a', ARGV[4], 'u', ARGV[1]})
if ARGV[1] == 'visitor' then
  status_event(n, record[7] or 'open', 'open', ARGV[4])
  if seq > tonumber(record[8] or '0') then redis.call('HINCRBY', conv, 'unread', 1) end
end
local event = '{"type":"message","conversationId":' .. cjson.encode(id) .. ',"message":' .. json
if epoch then event = event .. ',"epoch":' .. cjson.encode(epoch) end
event = event .. '}'
if ARGV[13] == '1' then redis.call('SPUBLISH', ARGV[11], event) else redis.call('PUBLISH', ARGV[11], event) end
redis.call('PUBLISH', ARGV[12], event)
return {1, json, owner, record[6]}
`;

/**
 * Records the visitor's page. KEYS: conversation, messages, clientIds, clientId order.
 * ARGV: page JSON, now, ttl ms, empty ttl ms. Returns the record, or nil.
 */
export const SET_LAST_PAGE = `
local conv = KEYS[1]
if redis.call('EXISTS', conv) == 0 then return false end
redis.call('HSET', conv, 'lastPage', ARGV[1], 'updatedAt', ARGV[2])
local life = ARGV[3]
if tonumber(redis.call('HGET', conv, 'seq')) == 0 then life = ARGV[4] end
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], life) end
return redis.call('HGETALL', conv)
`;

/**
 * Records activity on a session without a lost update against a renewal.
 * KEYS: session. ARGV: lastSeenAt, retainUntil. Returns its conversation id, or 0.
 */
export const TOUCH_SESSION = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local record = cjson.decode(raw)
record.lastSeenAt = tonumber(ARGV[1])
if tonumber(ARGV[2]) > record.retainUntil then record.retainUntil = tonumber(ARGV[2]) end
redis.call('SET', KEYS[1], cjson.encode(record), 'PX', math.max(1000, math.floor(record.retainUntil - record.lastSeenAt)))
return record.conversationId
`;

/**
 * One token-bucket take, the memory engine's arithmetic exactly (so both
 * engines give the same answers), on Redis' own clock: every instance shares
 * one clock, so instances whose clocks disagree cannot refill a bucket by
 * taking turns (with the callers' clocks, 2 s of skew let 90 of 120
 * registrations through a 30/min limit, issue 16 MEDIUM 1). The bucket's time
 * never moves backwards either (a failover to a server whose clock is behind).
 * `allow-oom` (Redis ≥ 7): a bucket is a few bytes with a 2-minute life, and
 * rate limits must hold when Redis is full and refuses everything else.
 * KEYS: bucket. ARGV: perMinute. Returns 0 (allowed) or the seconds to wait.
 */
export const TAKE_TOKEN = `#!lua flags=allow-oom
local per = tonumber(ARGV[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bucket = redis.call('HMGET', KEYS[1], 't', 'a')
local tokens = per
if bucket[1] then
  tokens = tonumber(bucket[1])
  local at = tonumber(bucket[2])
  if at > now then now = at end
  tokens = math.min(per, tokens + (now - at) * per / 60000)
end
local rate = per / 60000
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) / rate / 1000))
end
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'a', string.format('%d', now))
redis.call('PEXPIRE', KEYS[1], 120000)
return wait
`;
