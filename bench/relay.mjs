/**
 * End to end (issue 22): chatq behind nginx on Redis against a bare relay.
 *
 *   npm run build && node bench/relay.mjs
 *   BENCH_RELAY_RATES=200,400,800 BENCH_RELAY_STREAMS=400 BENCH_RELAY_MS=3000
 *   BENCH_RELAY_WARMUP_MS=1000 BENCH_RELAY_INSTANCES=2 BENCH_RELAY_P99_MS=50
 *   BENCH_RELAY_ROUNDS=2 BENCH_RELAY_PREWARM_MS=3000
 *   BENCH_RELAY_FSYNC=no,always   (redis-server variants, in turn: no persistence; appendfsync always)
 *   CHATQ_DIST=/path/to/another/dist   (another build; node_modules must be reachable from it)
 *
 * Starts its own redis-server (no persistence; then, for the second table,
 * an append-only file with `appendfsync always`), INSTANCES chatq processes
 * (the built dist: the real HS256 verifier, the Redis engine, toNodeListener,
 * every rate limit off) and as many bare node:http relays (Redis pub/sub
 * between them, SSE out, nothing stored: the ceiling), all behind one nginx
 * (bench/relay/nginx.mjs: the same proxy settings for both, buffering off).
 * Two child processes hold STREAMS visitor SSE streams each, one per stack,
 * through nginx; chatq's visitors register first with an HS256 JWT. This
 * process is the agent: replies over HTTP through nginx at each rate in
 * turn, round-robin over the conversations, each body carrying its send time
 * (CLOCK_MONOTONIC, one clock for every process here). Latency = receive −
 * send; a reply answered 201 but not delivered within a second counts as
 * lost. The stacks take turns at every rate (the same minutes of this shared
 * machine); a stack climbs until it is saturated (every round of a rate
 * skipped, lost or fell behind): a p99 over the aim alone does not stop it,
 * as a neighbour's burst on this shared machine can cause one.
 *
 * A round passes when p99 ≤ P99_MS, nothing is lost, failed or skipped, and
 * the agent reached ≥ 95 % of the rate. Each rate runs ROUNDS interleaved
 * rounds per stack and passes when one of them does: on this shared machine
 * (2 cores, other engineers' runs) a stall of someone else's lands in one
 * round, not in every one; the table shows the best round, the p99 of every
 * round beside it. Before the ladder each stack is warmed (JIT, sockets) for
 * PREWARM_MS at the first rate. The figure: the highest rate each stack
 * passes, and chatq's ÷ the bare relay's; beside it, less moved by other
 * load, the rate at which each saturates and the CPU each spends per
 * message, chatq's ÷ the bare relay's. Instance CPU: the stack's server
 * processes' CPU (from /proc) over the window ÷ replies delivered, and
 * redis-server's beside it.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, median, table } from './engine.mjs';
import { startNginx } from './relay/nginx.mjs';
import { forkReady } from './relay/procs.mjs';
import { closeSender, paced } from './relay/sender.mjs';
import { clockMs } from './relay/wire.mjs';
import { processCpuMs, startRedis } from './redis-server.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const RATES = (process.env.BENCH_RELAY_RATES ?? '200,400,800,1200,1600,2400,3200,4800').split(',').map(Number);
const STREAMS = env('BENCH_RELAY_STREAMS', 400);
const MS = env('BENCH_RELAY_MS', 3000);
const WARMUP_MS = env('BENCH_RELAY_WARMUP_MS', 1000);
const INSTANCES = env('BENCH_RELAY_INSTANCES', 2);
const P99_MS = env('BENCH_RELAY_P99_MS', 50);
const ROUNDS = env('BENCH_RELAY_ROUNDS', 2);
const PREWARM_MS = env('BENCH_RELAY_PREWARM_MS', 3000);
/** Deliveries later than this after the last reply's answer count as lost. */
const DRAIN_MS = 1000;
const DIST = process.env.CHATQ_DIST ?? fileURLToPath(new URL('../dist', import.meta.url));
const FSYNC = (process.env.BENCH_RELAY_FSYNC ?? 'no,always').split(',');
const part = (name) => fileURLToPath(new URL(`./relay/${name}`, import.meta.url));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

const percentile = (sorted, q) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);

/** Both stacks' servers, nginx in front, and each stack's streams. Resolves to { stacks, nginx, stop }. */
async function startAll(redis) {
  const keyPrefix = `relay${Math.random().toString(36).slice(2, 8)}:`;
  const children = [];
  const spawnAll = (module, args) => Promise.all(Array.from({ length: INSTANCES }, () => forkReady(part(module), args)));
  try {
    const chatq = await spawnAll('chatq-instance.mjs', [DIST, redis.url, keyPrefix]);
    children.push(...chatq);
    const bare = await spawnAll('bare-instance.mjs', [redis.url]);
    children.push(...bare);
    const nginx = await startNginx({ chatq: chatq.map((c) => c.ready.port), bare: bare.map((c) => c.ready.port) });
    children.push(nginx);
    const stacks = {};
    for (const [name, servers] of [['chatq', chatq], ['bare', bare]]) {
      const streams = await forkReady(part('streams.mjs'), [nginx.url, name, String(STREAMS)]);
      children.push(streams);
      stacks[name] = { name, streams, ids: streams.ready.conversationIds, pids: servers.map((s) => s.ready.pid), climbing: true, best: 0 };
    }
    return { stacks, nginx, stop: () => Promise.all(children.map((c) => c.stop())) };
  } catch (error) {
    await Promise.all(children.map((c) => c.stop()));
    throw error;
  }
}

/** One rate on one stack: warm-up, the measured window, the deliveries. */
async function step(base, stack, rate, redis) {
  await paced(base, stack.name, stack.ids, rate, WARMUP_MS);
  await sleep(200);
  const cpu0 = stack.pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
  const redis0 = redis.cpuMs();
  const agent0 = process.cpuUsage();
  const from = clockMs();
  const sent = await paced(base, stack.name, stack.ids, rate, MS);
  const to = clockMs();
  const agentCpu = process.cpuUsage(agent0);
  await sleep(DRAIN_MS);
  const cpuMs = stack.pids.reduce((sum, pid) => sum + processCpuMs(pid), 0) - cpu0;
  const redisMs = redis.cpuMs() - redis0;
  const { latencies } = await stack.streams.ask({ take: [from, to] });
  latencies.sort((a, b) => a - b);
  const lost = Math.max(0, sent.ok - latencies.length);
  // A lost message is later than any delivered one: it counts at the top of the distribution.
  const all = [...latencies, ...Array(lost).fill(Infinity)];
  const achieved = sent.ok / sent.seconds;
  const result = {
    rate,
    achieved,
    p50: percentile(all, 0.5),
    p99: percentile(all, 0.99),
    lost,
    failed: sent.failed,
    skipped: sent.skipped,
    firstFailure: sent.firstFailure,
    cpuUs: (cpuMs * 1000) / Math.max(1, latencies.length),
    redisUs: (redisMs * 1000) / Math.max(1, latencies.length),
    // Near 100 %, the agent (this process) is what limits the rate, not the stack.
    agentCpu: (agentCpu.user + agentCpu.system) / 1000 / (to - from),
  };
  result.pass = result.p99 <= P99_MS && lost === 0 && sent.failed === 0 && sent.skipped === 0 && achieved >= 0.95 * rate;
  return result;
}

/**
 * The stack could not carry the rate (not just a late message: on this shared
 * machine a neighbour's burst alone can push a p99 past the aim): replies
 * skipped or lost, or the agent's replies answered below 95 % of the rate.
 */
const saturated = (r) => r.skipped > 0 || r.lost > 0 || r.achieved < 0.95 * r.rate;

/** The round to show: a passing one with the lowest p99, else the lowest p99; every round's p99 kept beside it. */
function best(rounds) {
  const order = [...rounds].sort((a, b) => Number(b.pass) - Number(a.pass) || Number(a.p99 > b.p99) - Number(a.p99 < b.p99));
  return { ...order[0], p99s: rounds.map((r) => r.p99) };
}

const cell = (r) =>
  r === undefined
    ? ['—', '—', '—', '—', '—', '—']
    : [
        fmt(r.achieved),
        `${fmt(r.p50, 1)} / ${fmt(r.p99, 1)} (${r.p99s.map((p) => fmt(p, 0)).join(', ')})`,
        `${r.lost} / ${r.failed} / ${r.skipped}`,
        `${fmt(r.cpuUs)} + ${fmt(r.redisUs)}`,
        `${Math.round(r.agentCpu * 100)} %`,
        r.pass ? 'pass' : 'FAIL',
      ];

export async function run() {
  if (!existsSync(`${DIST}/server.js`)) throw new Error('bench/relay.mjs runs the built dist: `npm run build` first.');
  try {
    for (const fsync of FSYNC) {
      console.log(`\n--- redis-server ${fsync === 'no' ? 'without persistence' : `with appendonly yes, appendfsync ${fsync}`} ---`);
      await runOne(fsync);
    }
  } finally {
    closeSender();
  }
}

async function runOne(fsync) {
  const startLoad = load();
  const redis = await startRedis(fsync === 'no' ? {} : { appendfsync: fsync });
  let all;
  try {
    all = await startAll(redis);
    const { stacks, nginx } = all;
    console.log(
      `${INSTANCES} chatq instances and ${INSTANCES} bare relays on one redis-server (pid ${redis.pid}, ${fsync === 'no' ? 'no persistence' : `appendfsync ${fsync}`}) behind one nginx (${nginx.url}); ` +
        `${STREAMS} visitor streams per stack; per rate ${ROUNDS} interleaved rounds of ${MS} ms after ${WARMUP_MS} ms warm-up (best round shown); load average at the start ${startLoad}`,
    );
    for (const stack of Object.values(stacks)) await paced(nginx.url, stack.name, stack.ids, RATES[0], PREWARM_MS);
    const rows = [];
    /** chatq's CPU per message ÷ the bare relay's (instances + redis), at each rate both ran. */
    const cpuRatios = [];
    for (const rate of RATES) {
      const climbing = Object.values(stacks).filter((stack) => stack.climbing);
      if (climbing.length === 0) break;
      const rounds = Object.fromEntries(climbing.map((stack) => [stack.name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const stack of climbing) rounds[stack.name].push(await step(nginx.url, stack, rate, redis));
      }
      const results = {};
      for (const stack of climbing) {
        const r = best(rounds[stack.name]);
        results[stack.name] = r;
        if (r.pass) stack.best = Math.max(stack.best, rate);
        else if (rounds[stack.name].every(saturated)) [stack.climbing, stack.saturatedAt] = [false, rate];
        if (r.firstFailure) console.error(`${stack.name} at ${rate}/s: first failure ${r.firstFailure}`);
      }
      rows.push([`${fmt(rate)}/s`, ...cell(results.chatq), ...cell(results.bare), load()]);
      if (results.chatq && results.bare) cpuRatios.push((results.chatq.cpuUs + results.chatq.redisUs) / (results.bare.cpuUs + results.bare.redisUs));
    }
    const head = (name) => [`${name} sent/s`, 'p50 / p99 ms (p99 of each round)', 'lost / failed / skipped', 'CPU µs/msg inst. + redis', 'agent CPU', name];
    console.log(table(['rate', ...head('chatq'), ...head('bare'), 'loadavg'], rows));
    const { chatq, bare } = stacks;
    const ratio = bare.best > 0 ? chatq.best / bare.best : NaN;
    console.log(
      `\nhighest rate with p99 ≤ ${P99_MS} ms: chatq ${fmt(chatq.best)}/s, bare relay ${fmt(bare.best)}/s` +
        `${bare.best === RATES.at(-1) ? ' (passed the top rate tried: its ceiling is higher)' : ''}` +
        ` → chatq at ${Number.isFinite(ratio) ? ratio.toFixed(2) : '—'}× the bare relay (aim ≥ 0.5×). Load average at the end ${load()} (/proc/loadavg).`,
    );
    // Less moved by other load than a p99: what one message costs the servers (instances + redis-server), chatq ÷ bare.
    const sat = (stack) => (stack.saturatedAt ? `${fmt(stack.saturatedAt)}/s` : 'not reached');
    const satRatio = chatq.saturatedAt && bare.saturatedAt ? ` → ${(chatq.saturatedAt / bare.saturatedAt).toFixed(2)}×` : '';
    console.log(`saturated (every round skipped, lost or fell behind) at: chatq ${sat(chatq)}, bare relay ${sat(bare)}${satRatio}`);
    console.log(`CPU per delivered message, chatq ÷ bare relay (instances + redis, median over the rates both ran): ${fmt(median(cpuRatios), 2)}×`);
  } finally {
    await all?.stop();
    await redis.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
