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
 * What a store script runs when its community has webhooks: one XADD on the
 * outbox stream, the key after the script's `n` conversation keys, bounded
 * by MAXLEN ~ (the last ARGV). Without webhooks the script gets neither, and
 * this does nothing. `entry` is the field list (t type, c conversation,
 * s seq, a at, u author).
 */
export const OUTBOX_ADD = `
local function outbox_add(n, entry)
  if #KEYS <= n then return end
  redis.call('XADD', KEYS[n + 1], 'MAXLEN', '~', ARGV[#ARGV], '*', unpack(entry))
end
`;
