/**
 * The SQLite engine against the memory engine (SPEC §12, issue 18: "messages/s
 * and registrations/s as ratios to the memory engine in the same run; aim
 * ≥ 0.5×"), and what `synchronous: 'full'` (power-loss durability) costs.
 *
 *   node bench/sqlite.mjs      (after `npm run build`: imports ../dist/server.js and ../dist/sqlite.js)
 *   BENCH_ENGINE_ROUNDS=5 BENCH_ENGINE_ROUND_MS=1500 BENCH_ENGINE_CONCURRENCY=32 node bench/sqlite.mjs
 *
 * The throughput method of bench/engine.mjs: the web handler called directly
 * with Request objects, 32 in flight, a verifier double, each figure the
 * median of alternating rounds. Three contenders side by side: memory,
 * SQLite (WAL, synchronous NORMAL: the default) and SQLite with
 * synchronous FULL (an fsync per commit), each SQLite engine on its own file
 * in a temp dir on this machine's disk. "limits on" rows give every rate limit
 * a budget too large to refuse, so each request pays for its bucket writes.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closedLoop, CONCURRENCY, fmt, median, prepareScenario, ratio, ROUND_MS, ROUNDS, table, WARMUP_MS } from './engine.mjs';

const SERVER_MODULE = new URL('../dist/server.js', import.meta.url).href;
const SQLITE_MODULE = new URL('../dist/sqlite.js', import.meta.url).href;
/** No CPU of another process to count (the engine.mjs loop asks a redis-server for its own). */
const NO_SERVER = { cpuMs: () => 0 };
const HUGE = 1e9;
const LIMITS_ON = {
  messagesPerMinutePerSession: HUGE,
  messagesPerMinutePerConversation: HUGE,
  messagesPerMinutePerAddress: HUGE,
  registrationsPerMinutePerAddress: HUGE,
  registrationsPerMinutePerSession: HUGE,
  pageChangesPerMinutePerSession: HUGE,
};

const SCENARIOS = [
  ['register', 'registrations/s (POST /v1/identity)', undefined],
  ['message', 'visitor messages/s (POST /v1/messages)', undefined],
  ['reply', 'agent replies/s', undefined],
  ['register', 'registrations/s, limits on', LIMITS_ON],
  ['message', 'visitor messages/s, limits on', LIMITS_ON],
];
const CONTENDERS = ['memory', 'normal', 'full'];

export async function run(options = {}) {
  const log = options.log ?? console.log;
  const [chatq, { createSqliteEngine }] = await Promise.all([import(SERVER_MODULE), import(SQLITE_MODULE)]);
  const dir = mkdtempSync(join(options.dir ?? tmpdir(), 'chatq-bench-sqlite-'));
  log(`node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; files in ${dir}`);
  const rows = [];
  const closing = [];
  let files = 0;
  const makeEngine = (kind) => {
    if (kind === 'memory') return chatq.createMemoryEngine();
    const path = join(dir, `${++files}-${kind}.db`);
    const engine = createSqliteEngine({ path, synchronous: kind });
    closing.push(() => engine.close());
    return engine;
  };
  try {
    for (const [scenario, label, limits] of SCENARIOS) {
      const prepared = {};
      for (const kind of CONTENDERS) {
        prepared[kind] = await prepareScenario(chatq, scenario, makeEngine(kind), limits);
        closing.push(() => prepared[kind].handler.close());
      }
      for (const kind of CONTENDERS) await closedLoop(prepared[kind].op, WARMUP_MS, NO_SERVER);
      const samples = Object.fromEntries(CONTENDERS.map((kind) => [kind, []]));
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 ? [...CONTENDERS].reverse() : CONTENDERS;
        for (const kind of order) samples[kind].push(await closedLoop(prepared[kind].op, ROUND_MS, NO_SERVER));
      }
      const summary = (list) => ({
        perSec: median(list.map((s) => s.perSec)),
        nodeUs: median(list.map((s) => s.nodeUs)),
        failed: list.reduce((sum, s) => sum + s.failed, 0),
        firstFailure: list.find((s) => s.firstFailure)?.firstFailure,
      });
      rows.push({ scenario, label, ...Object.fromEntries(CONTENDERS.map((kind) => [kind, summary(samples[kind])])) });
    }
  } finally {
    for (const close of closing.reverse()) await close();
  }
  const bytes = Array.from({ length: files }, (_, i) => i + 1).reduce((sum, n) => {
    for (const kind of ['normal', 'full']) {
      try {
        sum += statSync(join(dir, `${n}-${kind}.db`)).size;
      } catch {
        // that contender's file has another number
      }
    }
    return sum;
  }, 0);
  rmSync(dir, { recursive: true, force: true });

  const lines = rows.map((row) => [
    row.label,
    fmt(row.memory.perSec),
    fmt(row.normal.perSec),
    ratio(row.normal.perSec, row.memory.perSec),
    fmt(row.full.perSec),
    ratio(row.full.perSec, row.memory.perSec),
    row.label.startsWith('agent') ? '' : '≥ 0.50×',
  ]);
  for (const row of rows) lines.push([`  node CPU µs per answer, ${row.label.split(' (')[0]}`, fmt(row.memory.nodeUs), fmt(row.normal.nodeUs), ratio(row.normal.nodeUs, row.memory.nodeUs), fmt(row.full.nodeUs), ratio(row.full.nodeUs, row.memory.nodeUs), '']);
  log(table(['sqlite benchmark', 'memory', 'sqlite', 'sqlite÷memory', "sqlite 'full'", "'full'÷memory", 'aim'], lines));
  log(
    `\nThe web handler called directly (no HTTP), ${CONCURRENCY} in flight, verifier double; median of ${ROUNDS} alternating ${ROUND_MS} ms rounds. ` +
      `sqlite = WAL + synchronous NORMAL (the default: survives kill -9); 'full' = an fsync per commit (survives power loss). ` +
      `${fmt(bytes / 1024 / 1024, 1)} MiB of SQLite files written in all.`,
  );
  const problems = rows.flatMap((row) => CONTENDERS.filter((kind) => row[kind].failed).map((kind) => `${row.label} on ${kind}: ${row[kind].failed} failed (first: ${row[kind].firstFailure})`));
  if (problems.length) log(`\nproblems:\n  ${problems.join('\n  ')}`);
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
