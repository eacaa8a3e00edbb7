/**
 * The Redis engine's bounds in Lua (issue 16 HIGH 2) on a real redis-server:
 * the community budget and the address quota a new conversation must fit in,
 * the charge of a message, giving back an address's idle conversation, and
 * the session cap per conversation. Time is the server's (TIME).
 */
import { describe, expect, it } from 'vitest';
import { ADMIT_CONVERSATION, CAP_SESSIONS, CHARGE_MESSAGE, IDLE_CANDIDATES, RELEASE_IDLE, TAKE_IF_IDLE, TOUCH_SESSION_FIELD } from '../../../../src/server/engine/redis/budget-scripts.js';
import { luaScript } from '../../../../src/server/engine/redis/client.js';
import { useRealRedis } from './real-redis.js';

const redis = useRealRedis();
const run = {
  admit: luaScript(ADMIT_CONVERSATION),
  charge: luaScript(CHARGE_MESSAGE),
  candidates: luaScript(IDLE_CANDIDATES),
  take: luaScript(TAKE_IF_IDLE),
  release: luaScript(RELEASE_IDLE),
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
    candidates: (idleMs: number, most = 4) => run.candidates(redis.client, list, [idleMs, HOUR, most]),
    /** Gives back `id` ('' none) and puts each [id, last message ms] of `active` back at its score. */
    release: (id: string, active: [string, number][] = []) => run.release(redis.client, list, [HOUR, id, ...active.flat()]),
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

describe('IDLE_CANDIDATES and RELEASE_IDLE', () => {
  it('names the address\'s least recently written conversations idle long enough, oldest first, at most the bound asked', async () => {
    const b = budget({ conversations: 10, bytes: 100_000, perAddress: 9 });
    for (const id of ['c1', 'c2', 'c3', 'c4']) {
      await b.admit(id, 100);
      await b.charge(id, 10, true);
    }
    const now = await serverNow();
    // Last written 40, 30 and 20 minutes ago (a score is that moment plus the full life); c4 just now.
    for (const [id, minutes] of [['c1', 40], ['c2', 30], ['c3', 20]] as const) await redis.client.zadd(b.owner, now - minutes * 60_000 + HOUR, id);
    expect(await b.candidates(45 * 60_000)).toEqual([]);
    expect(await b.candidates(25 * 60_000)).toEqual(['c1', 'c2']);
    expect(await b.candidates(15 * 60_000, 2)).toEqual(['c1', 'c2']);
    expect(await b.candidates(15 * 60_000)).toEqual(['c1', 'c2', 'c3']);
    // Only names them: nothing is given back yet.
    expect(await redis.client.zcard(b.owner)).toBe(4);
  });

  it('gives a conversation back from the address\'s set and the community\'s budget, once', async () => {
    const b = budget();
    await b.admit('c1', 100);
    await b.admit('c2', 100);
    await b.charge('c1', 10, true);
    await b.charge('c2', 10, true);
    await b.release('c1');
    await b.release('c1');
    expect(await redis.client.zrange(b.owner, '0', '-1')).toEqual(['c2']);
    expect(await redis.client.zrange(b.live, '0', '-1')).toEqual(['c2']);
    expect(await b.total()).toBe(110);
  });

  it('puts a conversation found active back at its last message plus the full life, never lower, and keeps the keys that long', async () => {
    const b = budget();
    await b.admit('c1', 100);
    await b.charge('c1', 10, true);
    const now = await serverNow();
    // A lost charge: the set still says 40 minutes ago.
    await redis.client.zadd(b.owner, now - 40 * 60_000 + HOUR, 'c1');
    await redis.client.zadd(b.live, now - 40 * 60_000 + HOUR, 'c1');
    await b.release('', [['c1', now - 1_000], ['never-counted', now]]);
    for (const key of [b.owner, b.live]) expect(Number(await redis.client.zscore(key, 'c1'))).toBe(now - 1_000 + HOUR);
    expect(await redis.client.zscore(b.owner, 'never-counted')).toBeNull();
    expect(await b.candidates(15 * 60_000)).toEqual([]);
    await b.release('', [['c1', now - 50 * 60_000]]);
    expect(Number(await redis.client.zscore(b.owner, 'c1'))).toBe(now - 1_000 + HOUR);
    for (const key of [b.live, b.bytes, b.owner]) expect(await redis.client.pttl(key)).toBeGreaterThan(HOUR - 60_000);
  });
});

describe('TAKE_IF_IDLE', () => {
  const take = (keys: string[], idleMs: number) => run.take(redis.client, keys, [idleMs]) as Promise<[number, (string | number)?, ...string[]]>;
  async function conversation(fields: Record<string, string | number>): Promise<string[]> {
    const all = redis.fresh().keys.conversation('acme', 'acme.c1').all;
    await redis.client.hset(all[0]!, { id: 'acme.c1', key: 'browser:k1', ...fields });
    await redis.client.zadd(all[1]!, 1, '{"seq":1}');
    return all;
  }

  it('keeps a conversation whose record was written within the idle time, answering its last message', async () => {
    const last = (await serverNow()) - 1_000;
    const all = await conversation({ wrote: last, updatedAt: 1 });
    expect(await take(all, 60_000)).toEqual([1, last]);
    expect(await redis.client.exists(...all)).toBe(2);
  });

  it('deletes an idle conversation\'s keys in one step, answering its index key and sessions', async () => {
    const all = await conversation({ wrote: (await serverNow()) - 120_000, 's:acme.s1': 5, 's:acme.s2': 6, sessions: 2 });
    const [taken, key, ...sessions] = await take(all, 60_000);
    expect([taken, key, sessions.sort()]).toEqual([2, 'browser:k1', ['acme.s1', 'acme.s2']]);
    expect(await redis.client.exists(...all)).toBe(0);
  });

  it('judges a record written before `wrote` existed by its updatedAt, and answers a conversation that is gone', async () => {
    const recent = (await serverNow()) - 1_000;
    expect(await take(await conversation({ updatedAt: recent }), 60_000)).toEqual([1, recent]);
    expect((await take(await conversation({ updatedAt: 1_000 }), 60_000))[0]).toBe(2);
    expect(await take(redis.fresh().keys.conversation('acme', 'acme.gone').all, 60_000)).toEqual([0]);
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
