/**
 * The Lua of the Redis outbox (SPEC §12). The entries themselves are written
 * by the store's own scripts (scripts.ts: XADD in the same script as the
 * create or the append); these keep the delivery lease.
 */

/**
 * Takes or renews a community's delivery lease. Only its holder renews it, in
 * one step (a GET then a PEXPIRE from outside could renew a lease that had
 * just passed to another instance); anyone takes it once it lapsed.
 * KEYS: lease. ARGV: holder, ttl ms. Returns 1 when `holder` has it, else 0.
 */
export const TAKE_LEASE = `
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if current then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
return 1
`;

/**
 * The tail every store script appends when its community has webhooks: one
 * XADD on the outbox stream, the last key (KEYS[5]) after the conversation's
 * four, bounded by MAXLEN ~ (ARGV[#ARGV]). `entry` is the field list.
 */
export const OUTBOX_ADD = `
local function outbox_add(entry)
  if #KEYS < 5 then return end
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[#ARGV], '*', unpack(entry))
end
`;
