/**
 * Issue 16 HIGH 2 on a real redis-server with `maxmemory`: one community
 * flooded with anonymous sign-ins (each with a message, from rotating
 * addresses) meets its own budget and gets 503 ERR_CAPACITY for new
 * conversations before Redis fills, while another community's new visitors,
 * every existing conversation and the policy keep working. Before, the flood
 * ran until Redis itself refused writes, and then every route of every
 * community answered 503, the policy included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisEngine } from '../../../src/server/engine/redis/index.js';
import type { Engine } from '../../../src/server/engine/index.js';
import { redisCommand, startRedis, type RedisInstance } from '../../helpers/redis.js';
import { automatedUuid, json, makeHandler, req, send } from '../handler/helpers.js';

let redis: RedisInstance;
let engine: Engine;
beforeAll(async () => {
  redis = await startRedis({ args: ['--maxmemory', '64mb', '--maxmemory-policy', 'noeviction'] });
  engine = createRedisEngine({ url: redis.url }, { retention: { maxBytesPerCommunity: 6 * 1024 * 1024 } });
}, 30_000);
afterAll(async () => {
  await engine?.close();
  await redis?.stop();
});

const usedMemory = async (): Promise<number> => Number(/used_memory:(\d+)/.exec(String(await redisCommand(redis.port, ['INFO', 'memory'])))![1]);

describe('a full community does not stop another (issue 16 HIGH 2)', () => {
  it('the flooded community is refused new conversations before Redis fills; the other community, existing conversations and the policy keep working', async () => {
    let address = '192.0.2.1';
    let n = 0;
    const limits = { registrationsPerMinutePerAddress: Infinity, messagesPerMinutePerAddress: Infinity };
    const flooded = makeHandler({ engine, community: 'flooded', limits, clientAddress: () => address });
    const quiet = makeHandler({ engine, community: 'quiet', limits, clientAddress: () => address });
    const signIn = (handler: typeof flooded, body: object = {}) => handler(req('/v1/identity', { body: { automatedUuid: automatedUuid(), ...body } }));

    const floodedVisitor = await json(await signIn(flooded));
    expect((await send(flooded, floodedVisitor.session, 'before the flood')).status).toBe(201);
    const quietVisitor = await json(await signIn(quiet));
    expect((await send(quiet, quietVisitor.session, 'before the flood')).status).toBe(201);

    // Anonymous sign-ins with a 3.5 KB identity and a one-character message, from rotating /64s.
    const statuses: Record<number, number> = {};
    let refusedCode: string | undefined;
    for (let i = 0; i < 3_000 && refusedCode === undefined; i++) {
      address = `2001:db8:${(n++).toString(16)}::1`;
      const response = await signIn(flooded, { identity: { uuid: `anon-${i}`, firstname: 'x'.repeat(3_500) } });
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status === 200) await send(flooded, (await json(response)).session, 'x');
      else refusedCode = (await json(response)).error.code;
    }
    expect(refusedCode).toBe('ERR_CAPACITY');
    expect(await usedMemory()).toBeLessThan(64 * 1024 * 1024 * 0.8);

    address = '198.51.100.7';
    const quietNewcomers: number[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await signIn(quiet);
      quietNewcomers.push(response.status);
      if (response.status === 200) expect((await send(quiet, (await json(response)).session, 'hello')).status).toBe(201);
    }
    expect(quietNewcomers).toEqual(Array(20).fill(200));
    expect((await send(flooded, floodedVisitor.session, 'after the flood')).status).toBe(201);
    expect((await send(quiet, quietVisitor.session, 'after the flood')).status).toBe(201);
    expect((await flooded(req('/v1/policy'))).status).toBe(200);

    // Redis itself full: rate limits still count (a registration is refused, never let through), the policy is served.
    await redisCommand(redis.port, ['CONFIG', 'SET', 'maxmemory', '1']);
    try {
      expect((await flooded(req('/v1/policy'))).status).toBe(200);
      expect((await quiet(req('/v1/policy'))).status).toBe(200);
      const refused = await signIn(quiet);
      expect(refused.status).toBe(503);
      expect((await json(refused)).error.code).toBe('ERR_CAPACITY');
    } finally {
      await redisCommand(redis.port, ['CONFIG', 'SET', 'maxmemory', String(64 * 1024 * 1024)]);
    }
    console.log(`flood statuses ${JSON.stringify(statuses)}`);
    flooded.close();
    quiet.close();
  }, 120_000);
});
