import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createMemoryEngine } from '../../../src/server/engine/index.js';
import { createRedisEngine } from '../../../src/server/engine/redis/index.js';
import { createSqliteEngine } from '../../../src/server/engine/sqlite/index.js';
import { startRedis, type RedisInstance } from '../../helpers/redis.js';
import { describeOutboxContract } from './outbox-contract.js';

let redis: RedisInstance;
let dir: string;
let files = 0;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chatq-outbox-'));
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describeOutboxContract('memory', { make: async () => createMemoryEngine() });

describeOutboxContract('redis', {
  make: async () => createRedisEngine({ url: redis.url }, { keyPrefix: `t${Math.random().toString(36).slice(2)}:` }),
});

describeOutboxContract('sqlite', { make: async () => createSqliteEngine({ path: join(dir, `t${++files}.db`) }) });
