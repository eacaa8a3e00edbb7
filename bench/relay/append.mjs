/**
 * What one append costs (issue 22 items 1 and 4): the Redis store's
 * appendMessage alone, this build against another, on a redis-server this
 * benchmark starts itself (bench/redis-server.mjs, no persistence).
 *
 *   npm run build && BENCH_APPEND_BEFORE=/path/to/another/dist node bench/relay/append.mjs
 *   BENCH_APPEND_CONVERSATIONS=400 BENCH_APPEND_ROUNDS=4 BENCH_APPEND_ROUND_MS=1500 BENCH_APPEND_CONCURRENCY=32
 *
 * Each build gets its own engine (own connections, own key prefix) and
 * CONVERSATIONS conversations, each of its own address (the append charges
 * the address's quota). Agent replies round-robin over them, CONCURRENCY in
 * flight, in alternating rounds of ROUND_MS per build (the same minutes of
 * this shared machine). Per append: this process's CPU (process.cpuUsage:
 * the store, ioredis, the bus listener's nothing: no stream is open) and
 * redis-server's own (/proc), the median over the rounds; and the script
 * calls Redis ran per append (INFO commandstats: EVALSHA and EVAL).
 */
import { loadavg } from 'node:os';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { startRedis } from '../redis-server.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const CONVERSATIONS = env('BENCH_APPEND_CONVERSATIONS', 400);
const ROUNDS = env('BENCH_APPEND_ROUNDS', 4);
const ROUND_MS = env('BENCH_APPEND_ROUND_MS', 1500);
const CONCURRENCY = env('BENCH_APPEND_CONCURRENCY', 32);
const AFTER = fileURLToPath(new URL('../../dist', import.meta.url));
const BEFORE = process.env.BENCH_APPEND_BEFORE;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function scriptCalls(client) {
  const stats = await client.info('commandstats');
  return [...stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/** One build's engine and conversations, ready to append. */
async function prepare(name, dist, redis, index) {
  const { createRedisEngine } = await import(pathToFileURL(`${dist}/redis.js`).href);
  const engine = createRedisEngine({ url: redis.url }, { keyPrefix: `append${index}${Math.random().toString(36).slice(2, 6)}:` });
  const ids = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const identity = { uuid: `u${i}`, uuidSource: 'automated', signed: false, fields: {}, customFields: {}, extraValues: {}, warnings: [] };
    const owner = `10.${index}.${i >> 8}.${i & 255}`;
    ids.push((await engine.store.upsertConversation('acme', `browser:u${i}`, identity, Date.now(), owner)).id);
  }
  return { name, engine, ids, next: 0, cpu: [], redisCpu: [], scripts: [] };
}

/** Appends for `ms`, CONCURRENCY in flight; returns how many. */
async function appendFor(build, ms) {
  const until = performance.now() + ms;
  let count = 0;
  const agent = { id: 'a1', name: 'Ann' };
  const worker = async () => {
    while (performance.now() < until) {
      const id = build.ids[build.next++ % build.ids.length];
      await build.engine.store.appendMessage(id, { author: 'agent', agent, clientId: `c${build.next}`, body: `reply ${build.next}`, createdAt: Date.now() });
      count++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return count;
}

async function round(build, redis, probe) {
  const calls0 = await scriptCalls(probe);
  const cpu0 = process.cpuUsage();
  const redis0 = redis.cpuMs();
  const count = await appendFor(build, ROUND_MS);
  const cpu = process.cpuUsage(cpu0);
  build.redisCpu.push(((redis.cpuMs() - redis0) * 1000) / count);
  build.cpu.push((cpu.user + cpu.system) / count);
  build.scripts.push(((await scriptCalls(probe)) - calls0) / count);
}

const redis = await startRedis();
try {
  const { Redis } = await import(pathToFileURL(`${AFTER}/../node_modules/ioredis/built/index.js`).href);
  const probe = new Redis(redis.url);
  console.log(`redis-server pid ${redis.pid}; ${CONVERSATIONS} conversations per build, ${CONCURRENCY} appends in flight, ${ROUNDS} rounds of ${ROUND_MS} ms per build; load average at the start ${load()}`);
  const builds = [await prepare('this build', AFTER, redis, 1)];
  if (BEFORE) builds.unshift(await prepare('before', BEFORE, redis, 2));
  for (const build of builds) await appendFor(build, 500); // warm-up: JIT, and every conversation's first message
  for (let i = 0; i < ROUNDS; i++) for (const build of builds) await round(build, redis, probe);
  console.log('| build | node CPU µs/append | redis CPU µs/append | scripts per append |');
  console.log('|---|--:|--:|--:|');
  for (const build of builds) {
    console.log(`| ${build.name} | ${median(build.cpu).toFixed(0)} | ${median(build.redisCpu).toFixed(0)} | ${median(build.scripts).toFixed(2)} |`);
  }
  if (BEFORE) {
    const [before, after] = builds;
    console.log(`this build ÷ before: node ${(median(after.cpu) / median(before.cpu)).toFixed(2)}×, redis ${(median(after.redisCpu) / median(before.redisCpu)).toFixed(2)}×; load average at the end ${load()}`);
  }
  probe.disconnect();
  for (const build of builds) await build.engine.close();
} finally {
  await redis.stop();
}
