/**
 * Real Redis for tests (issue 8, "Tests with real parts"): every call starts
 * its own Debian `redis-server` on a free 127.0.0.1 port in a fresh temp dir,
 * and stops it again. Never a mock, never a server that was already running.
 * A missing binary is a failing test, with the Debian package to install.
 *
 *   const redis = await startRedis({ appendonly: true, appendfsync: 'always' });
 *   … new Redis(redis.url) …
 *   await redis.kill();      // crash: SIGKILL, the dir (and its AOF) stays
 *   await redis.restart();   // same port, same dir: the AOF is reloaded
 *   await redis.stop();      // SIGTERM (SIGKILL after 5 s), temp dir deleted
 *
 *   const cluster = await startRedisCluster();   // 3 masters, slots spread
 *   new Redis.Cluster(cluster.nodes)
 *
 * The first half of this file is the plumbing shared with ./nginx.ts: free
 * ports, temp dirs, and child processes that are always killed, even when a
 * test fails or the test process exits without stopping them.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export const LOOPBACK = '127.0.0.1';

/** The Debian packages the real-server tests need (`redis-server` pulls in `redis-tools`, which has redis-cli). */
export const APT_INSTALL = 'apt-get install -y redis-server nginx';

// ============================================================ shared plumbing

const SYSTEM_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

/**
 * The absolute path of `name`, from PATH or the usual system dirs (a non-root
 * PATH often lacks /usr/sbin, where Debian puts nginx). Throws, naming the
 * Debian package, when it is not installed: these tests fail, never skip.
 */
export function findBinary(name: string, debianPackage: string): string {
  const dirs = [...new Set([...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRS])];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this dir
    }
  }
  throw new Error(
    `\`${name}\` is not installed (looked in ${dirs.join(':')}). These tests run against the real ` +
      `server, never a mock, and fail without it: install the Debian package \`${debianPackage}\` ` +
      `(\`${APT_INSTALL}\`).`,
  );
}

/** A port nothing listens on right now: the kernel's pick for 127.0.0.1:0. Racy by nature, so callers retry on collision. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portAccepts(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: LOOPBACK, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const liveDirs = new Set<string>();

/** `fs.mkdtemp` in os.tmpdir(), removed at process exit if nobody removed it before. */
export async function makeTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  liveDirs.add(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  liveDirs.delete(dir);
  await rm(dir, { recursive: true, force: true });
}

/** The last `lines` lines of a file, or '' when it cannot be read. */
export async function fileTail(path: string, lines = 30): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const liveChildren = new Set<ChildProcess>();

export interface Spawned {
  child: ChildProcess;
  /** What the process wrote to stdout and stderr so far (the last 64 KiB). */
  output(): string;
  /** Settles once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
}

const OUTPUT_LIMIT = 64 * 1024;

/**
 * Spawns a server in `dir` (its temp dir) in its own process group (so a hard
 * kill also reaches what it forked: nginx workers, a Redis AOF-rewrite child),
 * keeps its output, and tracks it until it exits so the exit hooks below can
 * kill it; a watchdog removes `dir` if the test process dies without cleaning up.
 */
export async function spawnTracked(command: string, args: string[], dir: string, debianPackage: string): Promise<Spawned> {
  const child = spawn(command, args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let watchdog: ChildProcess | undefined;
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      liveChildren.delete(child);
      if (watchdog) killGroup(watchdog, 'SIGKILL');
      resolve({ code, signal });
    });
  });
  let spawned = false;
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => {
      spawned = true;
      resolve();
    });
    child.on('error', (err) => {
      // Before 'spawn': it could not start. After: a failed kill of a dead process, harmless.
      if (spawned) return;
      running = false;
      reject(new Error(`could not start ${command}: ${err.message}. Install the Debian package \`${debianPackage}\` (\`${APT_INSTALL}\`).`));
    });
  });
  liveChildren.add(child);
  watchdog = startWatchdog(child, dir);
  // A server a test forgot to stop must not keep the test process alive: the exit hook kills it.
  child.unref();
  (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  return { child, output: () => output, exited, isRunning: () => running };
}

/**
 * The last line of defence, for when the test process dies without running its
 * exit hook (SIGKILL, a worker thread terminated): a tiny shell that polls the
 * test process once a second and, once it is gone, SIGKILLs the server's
 * process group and removes its temp dir. Killed itself when the server exits.
 */
function startWatchdog(server: ChildProcess, dir: string): ChildProcess | undefined {
  if (server.pid === undefined) return undefined;
  const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -9 "-$2" 2>/dev/null; rm -rf "$3"';
  try {
    const watchdog = spawn('/bin/sh', ['-c', script, 'chatq-test-watchdog', String(process.pid), String(server.pid), dir], {
      detached: true,
      stdio: 'ignore',
    });
    watchdog.on('error', () => {}); // no /bin/sh: the exit hooks still apply
    watchdog.unref();
    liveChildren.add(watchdog);
    watchdog.once('exit', () => liveChildren.delete(watchdog));
    return watchdog;
  } catch {
    return undefined;
  }
}

/** `signal` to the whole process group of a tracked child (spawned detached, so its pid is the group id). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Graceful stop: `signal` to the main process only, wait for it to exit, and
 * SIGKILL the whole group after `graceMs`. The group is swept at the end
 * either way, so no forked child outlives its parent.
 */
export async function stopProcess(proc: Spawned, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
  if (proc.isRunning()) {
    try {
      proc.child.kill(signal);
    } catch {
      // exited meanwhile
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      proc.exited.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) killGroup(proc.child, 'SIGKILL');
    await proc.exited;
  }
  killGroup(proc.child, 'SIGKILL');
}

/** SIGKILL to the whole group; resolves once the main process is gone. */
export async function hardKill(proc: Spawned): Promise<void> {
  killGroup(proc.child, 'SIGKILL');
  await proc.exited;
}

function cleanupNow(): void {
  for (const child of liveChildren) killGroup(child, 'SIGKILL');
  liveChildren.clear();
  for (const dir of liveDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  }
  liveDirs.clear();
}

// Once per process, even if this module is loaded more than once (vitest isolates modules per file).
const HOOKS_KEY = Symbol.for('chatq.test.realServers.exitHooks');
const hookState = globalThis as unknown as Record<symbol, ((() => void) | undefined)>;
if (hookState[HOOKS_KEY] === undefined) {
  hookState[HOOKS_KEY] = cleanupNow;
  process.on('exit', () => hookState[HOOKS_KEY]?.());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      hookState[HOOKS_KEY]?.();
      process.removeListener(signal, onSignal);
      // Keep the default (die of the signal) unless someone else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
} else {
  // A later module instance: chain so both instances' children are swept.
  const previous = hookState[HOOKS_KEY];
  hookState[HOOKS_KEY] = () => {
    previous?.();
    cleanupNow();
  };
}

// ====================================================================== RESP

export type RespReply = string | number | null | Error | RespReply[];

function encodeCommand(args: readonly (string | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(String(arg), 'utf8');
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parses one reply at `offset`; undefined when `buf` does not hold all of it yet. */
function parseReply(buf: Buffer, offset: number): { value: RespReply; end: number } | undefined {
  const lineEnd = buf.indexOf('\r\n', offset);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buf[offset] ?? 0);
  const line = buf.toString('utf8', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new Error(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buf.length < next + length + 2) return undefined;
      return { value: buf.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespReply[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, at);
        if (!item) return undefined;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`unexpected RESP reply type ${JSON.stringify(type)}`);
  }
}

/**
 * One command over a fresh raw TCP connection to 127.0.0.1:port, no client
 * library: what the helpers use to see whether a server is up. An error reply
 * resolves as an Error value; connection problems reject.
 */
export function redisCommand(port: number, args: readonly (string | number)[], timeoutMs = 1_000): Promise<RespReply> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: LOOPBACK, port });
    let buf = Buffer.alloc(0);
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`redis on port ${port}: no reply within ${timeoutMs} ms`)));
    socket.once('error', fail);
    socket.once('connect', () => socket.write(encodeCommand(args)));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const parsed = parseReply(buf, 0);
        if (!parsed) return;
        socket.destroy();
        resolve(parsed.value);
      } catch (err) {
        fail(err as Error);
      }
    });
    socket.once('close', () => reject(new Error(`redis on port ${port} closed the connection without a reply`)));
  });
}

// ===================================================================== Redis

export interface RedisOptions {
  /** `appendonly yes`; default no. */
  appendonly?: boolean;
  /** default `everysec` (Redis' own default). */
  appendfsync?: 'always' | 'everysec' | 'no';
  /** More `--name value` config, appended last (so it wins). */
  args?: string[];
}

export interface RedisInstance {
  host: string;
  port: number;
  /** `redis://127.0.0.1:P` */
  url: string;
  /** The temp dir: `--dir` (AOF in `appendonlydir/`, redis.log, nodes-P.conf). */
  dir: string;
  /** The current redis-server process id (changes on restart). */
  readonly pid: number;
  /** SIGTERM (Redis flushes the AOF and exits), wait, SIGKILL after 5 s; then the temp dir is deleted. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. The dir stays, so `restart()` can recover from it; `stop()` still cleans up. */
  kill(): Promise<void>;
  /** Stops (SIGTERM) if running, then starts again on the SAME port and dir, so an AOF is reloaded. */
  restart(): Promise<void>;
  /** The tail of the server's log file. */
  log(lines?: number): Promise<string>;
}

const READY_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 5;

/** Thrown by a launcher when its port was taken between freePort() and the bind. */
export class PortInUse extends Error {}

/**
 * Starts a server on a free port, trying a fresh port when the chosen one was
 * taken meanwhile (up to PORT_ATTEMPTS); removes `dir` if it never starts.
 */
export async function launchOnFreePort<T>(dir: string, launch: (port: number) => Promise<T>): Promise<{ port: number; started: T }> {
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        return { port, started: await launch(port) };
      } catch (err) {
        if (err instanceof PortInUse && attempt < PORT_ATTEMPTS) continue;
        throw err;
      }
    }
  } catch (err) {
    await removeTempDir(dir);
    throw err;
  }
}

interface LaunchSpec {
  bin: string;
  dir: string;
  port: number;
  args: string[];
}

function redisArgs(port: number, dir: string, options: RedisOptions, extra: string[]): string[] {
  return [
    '--port', String(port),
    '--bind', LOOPBACK,
    '--dir', dir,
    '--save', '',
    '--appendonly', options.appendonly ? 'yes' : 'no',
    '--appendfsync', options.appendfsync ?? 'everysec',
    '--protected-mode', 'no',
    '--daemonize', 'no',
    '--logfile', join(dir, 'redis.log'),
    ...extra,
    ...(options.args ?? []),
  ];
}

/** Spawns redis-server and resolves once it answers PING (and is the process we started). */
async function launch(spec: LaunchSpec): Promise<Spawned> {
  const logFile = join(spec.dir, 'redis.log');
  // The log is appended to across restarts: judge only what this run writes.
  const logStart = (await stat(logFile).catch(() => undefined))?.size ?? 0;
  const proc = await spawnTracked(spec.bin, spec.args, spec.dir, 'redis-server');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const describe = async (what: string): Promise<string> =>
    `redis-server on 127.0.0.1:${spec.port} ${what}.\n` +
    `command: ${spec.bin} ${spec.args.map((a) => (a === '' ? "''" : a)).join(' ')}\n` +
    `--- ${logFile} (tail) ---\n${await fileTail(logFile)}\n--- stdout/stderr ---\n${proc.output().trim()}`;
  for (;;) {
    if (!proc.isRunning()) {
      const { code, signal } = await proc.exited;
      const log = await readFile(logFile).catch(() => Buffer.alloc(0));
      const text = log.subarray(logStart).toString('utf8') + proc.output();
      if (/address already in use/i.test(text)) throw new PortInUse(`port ${spec.port} is taken`);
      throw new Error(await describe(`exited (code ${code}, signal ${signal}) before answering PING`));
    }
    if (Date.now() > deadline) {
      await hardKill(proc);
      throw new Error(await describe(`did not answer PING within ${READY_TIMEOUT_MS / 1000} s`));
    }
    const pong = await redisCommand(spec.port, ['PING'], 500).catch(() => undefined);
    if (pong === 'PONG') {
      // Make sure the PONG came from our process, not from someone else who holds the port.
      const info = await redisCommand(spec.port, ['INFO', 'server'], 1_000).catch(() => undefined);
      const pid = typeof info === 'string' ? /process_id:(\d+)/.exec(info)?.[1] : undefined;
      if (pid === String(proc.child.pid)) return proc;
      if (!proc.isRunning()) continue; // ours died (probably: port taken); reported above
      if (pid !== undefined) {
        await hardKill(proc);
        throw new PortInUse(`port ${spec.port} answered from another redis (pid ${pid})`);
      }
    }
    await sleep(20);
  }
}

interface InternalOptions extends RedisOptions {
  /** Extra args that depend on the chosen port (cluster mode), picked per attempt, kept for restarts. */
  portArgs?: (port: number) => Promise<string[]>;
  prefix?: string;
}

async function startRedisInternal(options: InternalOptions): Promise<RedisInstance> {
  const bin = findBinary('redis-server', 'redis-server');
  const dir = await makeTempDir(options.prefix ?? 'chatq-redis-');
  const { port, started } = await launchOnFreePort(dir, async (port) => {
    const extra = options.portArgs ? await options.portArgs(port) : [];
    const candidate = { bin, dir, port, args: redisArgs(port, dir, options, extra) };
    return { spec: candidate, proc: await launch(candidate) };
  });
  const { spec } = started;
  let current: Spawned = started.proc;
  let stopped = false;
  return {
    host: LOOPBACK,
    port,
    url: `redis://${LOOPBACK}:${port}`,
    dir,
    get pid() {
      return current.child.pid ?? -1;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopProcess(current, 'SIGTERM', 5_000);
      await removeTempDir(dir);
    },
    async kill() {
      await hardKill(current);
    },
    async restart() {
      if (stopped) throw new Error(`redis on port ${port} was stopped; its dir is gone, it cannot restart`);
      await stopProcess(current, 'SIGTERM', 5_000);
      try {
        current = await launch(spec);
      } catch (err) {
        if (err instanceof PortInUse) throw new Error(`cannot restart redis: port ${port} was taken by another process meanwhile`);
        throw err;
      }
    },
    log: (lines = 30) => fileTail(join(dir, 'redis.log'), lines),
  };
}

/** A fresh redis-server on a free 127.0.0.1 port in its own temp dir; fails (with the log tail) if it is not up within 10 s. */
export function startRedis(options: RedisOptions = {}): Promise<RedisInstance> {
  return startRedisInternal(options);
}

// =================================================================== cluster

export interface RedisClusterInstance {
  /** The masters, for `new Redis.Cluster(nodes)`. */
  nodes: { host: string; port: number }[];
  /** The same masters as instances: kill, restart, or read the log of one node. */
  servers: RedisInstance[];
  /** Stops every node and deletes their temp dirs. */
  stop(): Promise<void>;
}

const CLUSTER_READY_TIMEOUT_MS = 15_000;

function execCli(bin: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const out = `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
      if (err) reject(new Error(`${bin} ${args.join(' ')} failed: ${err.message}\n${out}`));
      else resolve(out);
    });
  });
}

/**
 * `masters` (>= 3) redis-servers in cluster mode, each on its own free port
 * and temp dir (cluster bus on another free port, `--cluster-port`, rather
 * than port + 10000, which may be taken or above 65535), joined with
 * `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes`; resolves
 * once every node reports `cluster_state:ok` and knows all the others.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterInstance> {
  if (!Number.isInteger(masters) || masters < 3) throw new Error(`a Redis cluster needs at least 3 masters, got ${masters}`);
  const cli = findBinary('redis-cli', 'redis-tools');
  const started = await Promise.allSettled(
    Array.from({ length: masters }, () =>
      startRedisInternal({
        prefix: 'chatq-redis-cluster-',
        portArgs: async (port) => [
          '--cluster-enabled', 'yes',
          '--cluster-config-file', `nodes-${port}.conf`,
          '--cluster-node-timeout', '2000',
          '--cluster-port', String(await freePort()),
        ],
      }),
    ),
  );
  const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await execCli(
      cli,
      ['--cluster', 'create', ...servers.map((s) => `${LOOPBACK}:${s.port}`), '--cluster-replicas', '0', '--cluster-yes'],
      30_000,
    );
    const deadline = Date.now() + CLUSTER_READY_TIMEOUT_MS;
    for (const server of servers) {
      for (;;) {
        const info = await redisCommand(server.port, ['CLUSTER', 'INFO'], 1_000).catch((err: Error) => err);
        const text = typeof info === 'string' ? info : String(info);
        const known = Number(/cluster_known_nodes:(\d+)/.exec(text)?.[1] ?? 0);
        if (/cluster_state:ok/.test(text) && known >= masters) break;
        if (Date.now() > deadline) {
          throw new Error(
            `redis cluster node 127.0.0.1:${server.port} is not ok after ${CLUSTER_READY_TIMEOUT_MS / 1000} s:\n${text}\n` +
              `--- log (tail) ---\n${await server.log()}`,
          );
        }
        await sleep(50);
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: servers.map((s) => ({ host: s.host, port: s.port })), servers, stop };
}
