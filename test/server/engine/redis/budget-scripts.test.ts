/**
 * The Redis engine's bounds in Lua (issue 16 HIGH 2) on a real redis-server:
 * the community budget and the address quota a new conversation must fit in,
 * the charge of a message, giving back an address's idle conversation, and
 * the session cap per conversation. Time is the server's (TIME).
 */
import { describe, expect, it } from 'vitest';
import { ADMIT_CONVERSATION, CAP_SESSIONS, CHARGE_MESSAGE, RECLAIM_IDLE, TOUCH_SESSION_FIELD } from '../../../../src/server/engine/redis/budget-scripts.js';
import { luaScript } from '../../../../src/server/engine/redis/client.js';
import { useRealRedis } from './real-redis.js';

const redis = useRealRedis();
const run = {
  admit: luaScript(ADMIT_CONVERSATION),
  charge: luaScript(CHARGE_MESSAGE),
  reclaim: luaScript(RECLAIM_IDLE),
  cap: luaScript(CAP_SESSIONS),
  touch: luaScript(TOUCH_SESSION_FIELD),
};

const HOUR = 3_600_000;

/** A community's budget keys, and its bounds: conversations, bytes, per address. */
function budget(bounds = { conversations: 10, bytes: 100_000, perAddress: 2 }) {
  const { keys } = redis.fresh();
  const { live, bytes, owner } = keys.budget('acme');
  const list = [live, bytes, owner('1.2.3.4')];
  return {
    live,
    bytes,
    owner: list[2]!,
    admit: (id: string, size = 100, address = true) =>
      run.admit(redis.client, list, [id, size, HOUR, bounds.conversations, bounds.bytes, bounds.perAddress, address ? '1' : '0']),
    charge: (id: string, size: number, first: boolean, address = true) =>
      run.charge(redis.client, list, [id, size, HOUR, first ? '1' : '0', address ? '1' : '0']),
    reclaim: (idleMs: number) => run.reclaim(redis.client, list, [idleMs, HOUR]),
    total: async () => Number(await redis.client.hget(bytes, '#total')),
  };
}

/** The server's clock in ms. */
async function serverNow(): Promise<number> {
  const [seconds, micros] = await redis.client.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

describe('ADMIT_CONVERSATION', () => {
  it('admits a conversation into the budget: live until its short life ends, its bytes counted', async () => {
    const b = budget();
    const before = await serverNow();
    expect(await b.admit('c1', 700)).toBe('ok');
    expect(Number(await redis.client.zscore(b.live, 'c1'))).toBeGreaterThanOrEqual(before + HOUR);
    expect(await redis.client.hget(b.bytes, 'c1')).toBe('700');
    expect(await b.total()).toBe(700);
  });

  it('answers full at the community\'s conversation bound and at its byte bound', async () => {
    const byCount = budget({ conversations: 2, bytes: 100_000, perAddress: 99 });
    expect([await byCount.admit('c1'), await byCount.admit('c2'), await byCount.admit('c3')]).toEqual(['ok', 'ok', 'full']);
    const byBytes = budget({ conversations: 99, bytes: 1_000, perAddress: 99 });
    expect([await byBytes.admit('c1', 600), await byBytes.admit('c2', 401), await byBytes.admit('c3', 400)]).toEqual(['ok', 'full', 'ok']);
    expect(await byBytes.total()).toBe(1_000);
  });

  it('answers address when the address holds its quota of conversations someone wrote in, unless none is given', async () => {
    const b = budget({ conversations: 99, bytes: 100_000, perAddress: 1 });
    expect(await b.admit('c1')).toBe('ok');
    await b.charge('c1', 10, true);
    expect(await b.admit('c2')).toBe('address');
    expect(await b.admit('c2', 100, false)).toBe('ok');
  });

  it('drops lapsed entries first, giving their bytes back', async () => {
    const b = budget({ conversations: 1, bytes: 100_000, perAddress: 9 });
    await b.admit('old', 500);
    // Lapsed: its time is past (as an hour later).
    await redis.client.zadd(b.live, (await serverNow()) - 1, 'old');
    expect(await b.admit('new', 300)).toBe('ok');
    expect(await redis.client.zrange(b.live, '0', '-1')).toEqual(['new']);
    expect(await redis.client.hget(b.bytes, 'old')).toBeNull();
    expect(await b.total()).toBe(300);
  });
});

describe('CHARGE_MESSAGE', () => {
  it('adds a message\'s bytes, gives the conversation its full life, and the first message counts it for its address', async () => {
    const b = budget();
    await b.admit('c1', 100);
    await b.charge('c1', 50, true);
    await b.charge('c1', 25, false);
    expect(await redis.client.hget(b.bytes, 'c1')).toBe('175');
    expect(await b.total()).toBe(175);
    expect(await redis.client.zrange(b.owner, '0', '-1')).toEqual(['c1']);
    for (const key of [b.live, b.bytes, b.owner]) expect(await redis.client.pttl(key)).toBeGreaterThan(HOUR - 60_000);
  });

  it('does not count a conversation for its address from a later message, nor without an address', async () => {
    const b = budget();
    await b.charge('c1', 10, false);
    await b.charge('c2', 10, true, false);
    expect(await redis.client.exists(b.owner)).toBe(0);
  });
});

describe('RECLAIM_IDLE', () => {
  it('gives back the address\'s least recently written conversation once it has been idle long enough', async () => {
    const b = budget();
    await b.admit('c1', 100);
    await b.admit('c2', 100);
    await b.charge('c1', 10, true);
    await b.charge('c2', 10, true);
    // c1 was last written 20 minutes ago: its score is that moment plus its full life.
    await redis.client.zadd(b.owner, (await serverNow()) - 20 * 60_000 + HOUR, 'c1');
    expect(await b.reclaim(30 * 60_000)).toBeNull();
    expect(await b.reclaim(15 * 60_000)).toBe('c1');
    expect(await redis.client.zrange(b.owner, '0', '-1')).toEqual(['c2']);
    expect(await redis.client.zrange(b.live, '0', '-1')).toEqual(['c2']);
    expect(await b.total()).toBe(110);
  });

  it('gives back nothing when the address holds no conversation', async () => {
    expect(await budget().reclaim(0)).toBeNull();
  });
});

describe('CAP_SESSIONS and TOUCH_SESSION_FIELD', () => {
  async function record(): Promise<string> {
    const key = `${redis.fresh().prefix}conv`;
    await redis.client.hset(key, 'id', 'acme.c1');
    return key;
  }
  const cap = (key: string, session: string, seenAt: number, max = 2) => run.cap(redis.client, [key], [session, seenAt, max]);

  it('records sessions up to the cap, then ends the least recently seen others, never the one just seen', async () => {
    const key = await record();
    expect(await cap(key, 's1', 10)).toEqual([]);
    expect(await cap(key, 's2', 20)).toEqual([]);
    expect(await cap(key, 's1', 30)).toEqual([]);
    expect(await cap(key, 's3', 5)).toEqual(['s2']);
    expect(await redis.client.hget(key, 'sessions')).toBe('2');
    expect(Object.keys(await redis.client.hgetall(key)).filter((f) => f.startsWith('s:')).sort()).toEqual(['s:s1', 's:s3']);
  });

  it('keeps a session that activity touched, and records nothing for a conversation that is gone', async () => {
    const key = await record();
    await cap(key, 's1', 10);
    await cap(key, 's2', 20);
    await run.touch(redis.client, [key], ['s1', 30]);
    await run.touch(redis.client, [key], ['never-saved', 40]);
    expect(await redis.client.hexists(key, 's:never-saved')).toBe(0);
    expect(await cap(key, 's3', 35)).toEqual(['s2']);
    const gone = `${redis.fresh().prefix}conv`;
    expect(await cap(gone, 's1', 1)).toEqual([]);
    expect(await redis.client.exists(gone)).toBe(0);
  });
});
